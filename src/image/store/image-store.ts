/**
 * Image records and tags. An image is known by its ID (the digest of its
 * config); images/<hex>.json describes it, images/repositories.json maps
 * each tag (`docker.io/library/busybox:latest`) to an ID. Both are written
 * atomically while the store lock is held, and a record is written only
 * after every blob and layer it names is in the store.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../config/layout';
import { digestHex } from '../digest';
import { readJsonIfExists, writeJsonAtomic } from '../../sys/atomic-file';
import { NotFoundError, ConflictError } from '../../errors/kinds';

export interface ImageLayer {
  /** Digest of the stored (possibly compressed) layer blob. */
  digest: string;
  mediaType: string;
  size: number;
  diffId: string;
  chainId: string;
}

export interface ImageRecord {
  /** sha256 of the config blob: Docker's image ID. */
  id: string;
  manifestDigest: string;
  manifestMediaType: string;
  /** The index (manifest list) the manifest was chosen from, when pulled through one. */
  indexDigest?: string;
  layers: ImageLayer[];
  /** `repo@digest` forms this image was pulled or pushed as. */
  repoDigests: string[];
  /** From the config; Docker shows it as CREATED. */
  created?: string;
  /** Sum of the uncompressed layer sizes. */
  size: number;
  /** When this record was first written. */
  addedAt: string;
  /** When `tag` last named it (Docker's Metadata.LastTagTime; zero for pulled and loaded images). */
  lastTagTime?: string;
}

interface Repositories {
  tags: Record<string, string>;
}

export class ImageStore {
  constructor(private readonly layout: DataRoot) {}

  private recordPath(id: string): string {
    return path.join(this.layout.images, `${digestHex(id)}.json`);
  }

  private readTags(): Record<string, string> {
    return readJsonIfExists<Repositories>(this.layout.repositoriesFile)?.tags ?? {};
  }

  private writeTags(tags: Record<string, string>): void {
    const sorted = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));
    fs.mkdirSync(path.dirname(this.layout.repositoriesFile), { recursive: true });
    writeJsonAtomic(this.layout.repositoriesFile, { tags: sorted });
  }

  has(id: string): boolean {
    return fs.existsSync(this.recordPath(id));
  }

  get(id: string): ImageRecord {
    const record = readJsonIfExists<ImageRecord>(this.recordPath(id));
    if (!record) throw new NotFoundError(`image \`${id}\`: no such image`);
    return record;
  }

  put(record: ImageRecord): void {
    fs.mkdirSync(this.layout.images, { recursive: true });
    writeJsonAtomic(this.recordPath(record.id), record);
  }

  delete(id: string): void {
    fs.rmSync(this.recordPath(id), { force: true });
  }

  list(): ImageRecord[] {
    if (!fs.existsSync(this.layout.images)) return [];
    return fs
      .readdirSync(this.layout.images)
      .filter((n) => /^[a-f0-9]{64}\.json$/.test(n))
      .map((n) => readJsonIfExists<ImageRecord>(path.join(this.layout.images, n)))
      .filter((r): r is ImageRecord => r !== undefined);
  }

  /** Every tag, as canonical `domain/path:tag` -> image ID. */
  tags(): Record<string, string> {
    return this.readTags();
  }

  tagsOf(id: string): string[] {
    return Object.entries(this.readTags())
      .filter(([, target]) => target === id)
      .map(([name]) => name);
  }

  resolveTag(canonical: string): string | undefined {
    return this.readTags()[canonical];
  }

  setTag(canonical: string, id: string): void {
    if (!this.has(id)) throw new NotFoundError(`tag \`${canonical}\`: image \`${id}\` not found`);
    const tags = this.readTags();
    tags[canonical] = id;
    this.writeTags(tags);
  }

  removeTag(canonical: string): void {
    const tags = this.readTags();
    if (!(canonical in tags)) throw new ConflictError(`untag \`${canonical}\`: no such tag`);
    delete tags[canonical];
    this.writeTags(tags);
  }

  /** IDs whose hex starts with `prefix` (Docker accepts any unique ID prefix). */
  idsWithPrefix(prefix: string): string[] {
    const hex = prefix.startsWith('sha256:') ? prefix.slice(7) : prefix;
    return this.list()
      .map((r) => r.id)
      .filter((id) => id.slice(7).startsWith(hex));
  }
}
