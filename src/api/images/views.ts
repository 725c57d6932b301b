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

/** dockerd 20.10's image inspect document, key for key and in its order. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: Record<string, unknown>;
  DockerVersion: string;
  Author: string;
  Config: Record<string, unknown>;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Data: Record<string, string>; Name: string };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

/** Keys of Docker's Config that images built by Docker carry and OCI images do not. */
interface DockerOnlyConfig {
  Hostname?: string;
  Domainname?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  ArgsEscaped?: boolean;
  Image?: string;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  StopTimeout?: number;
}

/**
 * Docker's Config struct (api/types/container.Config) for a config object of
 * an image: every key Docker always writes, in its order, with its zero value
 * where the image has none; the optional ones only when present.
 */
export function dockerConfigOf(config: ContainerConfig | undefined): Record<string, unknown> {
  const c: ContainerConfig & DockerOnlyConfig = config ?? {};
  const doc: Record<string, unknown> = {
    Hostname: c.Hostname ?? '',
    Domainname: c.Domainname ?? '',
    User: c.User ?? '',
    AttachStdin: c.AttachStdin ?? false,
    AttachStdout: c.AttachStdout ?? false,
    AttachStderr: c.AttachStderr ?? false,
  };
  if (c.ExposedPorts !== undefined && c.ExposedPorts !== null) doc.ExposedPorts = c.ExposedPorts;
  Object.assign(doc, {
    Tty: c.Tty ?? false,
    OpenStdin: c.OpenStdin ?? false,
    StdinOnce: c.StdinOnce ?? false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
  });
  if (c.Healthcheck !== undefined) doc.Healthcheck = c.Healthcheck;
  if (c.ArgsEscaped) doc.ArgsEscaped = c.ArgsEscaped;
  Object.assign(doc, {
    Image: c.Image ?? '',
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
  });
  if (c.NetworkDisabled) doc.NetworkDisabled = c.NetworkDisabled;
  if (c.MacAddress) doc.MacAddress = c.MacAddress;
  Object.assign(doc, { OnBuild: c.OnBuild ?? null, Labels: c.Labels ?? null });
  if (c.StopSignal) doc.StopSignal = c.StopSignal;
  if (c.StopTimeout !== undefined) doc.StopTimeout = c.StopTimeout;
  if (c.Shell !== undefined) doc.Shell = c.Shell;
  return doc;
}

export interface HistoryRow {
  Id: string;
  CreatedAt: string;
  CreatedBy: string;
  Size: number;
  Comment: string;
}

export type RemoveLine = { Untagged: string } | { Deleted: string };
