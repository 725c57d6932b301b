/** The shapes the image API returns: Docker's, field for field where Docker has one. */
import { ContainerConfig } from '../../image/oci-types';

export interface ImageSummary {
  /** Full image ID, `sha256:...`. */
  Id: string;
  Repository: string;
  Tag: string;
  Digest: string;
  /** RFC 3339, from the image config. */
  CreatedAt: string;
  /** Uncompressed size in bytes. */
  Size: number;
  RepoTags: string[];
  RepoDigests: string[];
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Author: string;
  Config: ContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface HistoryRow {
  Id: string;
  CreatedAt: string;
  CreatedBy: string;
  Size: number;
  Comment: string;
}

export type RemoveLine = { Untagged: string } | { Deleted: string };
