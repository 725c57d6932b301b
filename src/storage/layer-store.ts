/**
 * Unpacked layers, one directory per chain ID: layers/<hex>/diff is an
 * overlayfs lowerdir, layers/<hex>/layer.json its record. A layer is built
 * in layers/.incomplete-<pid>@<start time>-<rand>/ and renamed into place only when whole,
 * so an interrupted unpack is never mistaken for a layer (and is swept once
 * its process is gone). Layers may be produced concurrently (a pull unpacks
 * each layer while the others download); they are still renamed into place
 * parent first, so the store never holds a layer whose parent it lacks.
 *
 * Durability: the rename happens after layer.json is written and synced,
 * and the directory is synced after the rename, so after a crash a layer
 * is either absent or recorded whole. Its files themselves are left to the
 * kernel's writeback, as Docker's overlay2 ApplyDiff leaves them: an fsync
 * per file (thousands) or a syncfs per layer (~0.5 s for the Debian base
 * layer on this disk) would cost more than the rest of the unpack.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../config/layout';
import { digestHex } from '../image/digest';
import { readJsonIfExists, writeJsonAtomic, fsyncDirectory } from '../sys/atomic-file';
import { DigestMismatchError, NotFoundError } from '../errors/kinds';
import { ownerAlive, ownerTag } from '../image/store/blob-store';
import { FS_TOPDIR_FL, getInodeFlags, setInodeFlags } from '../sys/inode-flags';

export interface LayerRecord {
  chainId: string;
  diffId: string;
  parent?: string;
  /** What the layer holds, as Docker counts it: file contents (hardlinks once) and symlink targets, in bytes. */
  size: number;
  createdAt: string;
}

export interface ProducedLayer {
  diffId: string;
  size: number;
}

/** A parent that is being produced at the same time as the layer on top of it. */
export interface ParentInProgress {
  /** Chain IDs below the new layer, top-most first (the parent first). */
  lowerChain: string[];
  /** Settles once the parent is in the store (rejects if it never will be). */
  stored: Promise<unknown>;
}

const INCOMPLETE = '.incomplete-';

export class LayerStore {
  private spread = false;

  constructor(private readonly layout: DataRoot) {}

  dir(chainId: string): string {
    return path.join(this.layout.layers, digestHex(chainId));
  }

  diffDir(chainId: string): string {
    return path.join(this.dir(chainId), 'diff');
  }

  has(chainId: string): boolean {
    return fs.existsSync(path.join(this.dir(chainId), 'layer.json'));
  }

  get(chainId: string): LayerRecord {
    const record = readJsonIfExists<LayerRecord>(path.join(this.dir(chainId), 'layer.json'));
    if (!record) throw new NotFoundError(`layer \`${chainId}\`: not in the store`);
    return record;
  }

  /** Diff directories of the chain ending at chainId, top-most first (overlayfs lowerdir order). */
  lowerDirs(chainId: string | undefined): string[] {
    return chainId === undefined ? [] : this.lowerChain(chainId).map((c) => this.diffDir(c));
  }

  /** Chain IDs from `chainId` down to the base layer. */
  lowerChain(chainId: string): string[] {
    const chain: string[] = [];
    for (let current: string | undefined = chainId; current !== undefined; current = this.get(current).parent) chain.push(current);
    return chain;
  }

  /**
   * Creates the layer `chainId` on top of `parent` by letting `produce` fill
   * a fresh diff directory; `expectedDiffId` is checked when given. With
   * `inProgress`, the parent need not be in the store yet: `produce` gets
   * the lower directories' final paths (it must wait for `stored` before
   * reading them) and the layer is renamed into place only after its parent.
   */
  async create(
    chainId: string,
    parent: string | undefined,
    produce: (diffDir: string, lowerDirs: string[]) => Promise<ProducedLayer>,
    expectedDiffId?: string,
    inProgress?: ParentInProgress,
  ): Promise<LayerRecord> {
    if (this.has(chainId)) return this.get(chainId);
    this.makeLayersDir();
    const work = path.join(this.layout.layers, `${INCOMPLETE}${ownerTag()}-${randomBytes(6).toString('hex')}`);
    const diff = path.join(work, 'diff');
    fs.mkdirSync(diff, { recursive: true, mode: 0o755 });
    try {
      const lowerDirs = inProgress ? inProgress.lowerChain.map((c) => this.diffDir(c)) : this.lowerDirs(parent);
      // Both settle before anything is removed: `produce` may still be writing into `work`.
      const [producedResult, parentResult] = await Promise.allSettled([produce(diff, lowerDirs), inProgress?.stored]);
      if (producedResult.status === 'rejected') throw producedResult.reason;
      if (parentResult.status === 'rejected') throw parentResult.reason;
      const produced = producedResult.value;
      if (expectedDiffId !== undefined && produced.diffId !== expectedDiffId) {
        throw new DigestMismatchError(
          `unpack layer: uncompressed content has digest \`${produced.diffId}\`, the image config expects \`${expectedDiffId}\``,
        );
      }
      const record: LayerRecord = { chainId, diffId: produced.diffId, parent, size: produced.size, createdAt: new Date().toISOString() };
      writeJsonAtomic(path.join(work, 'layer.json'), record);
      if (this.has(chainId)) {
        // Another berth process finished the same layer first: keep theirs.
        fs.rmSync(work, { recursive: true, force: true });
        return this.get(chainId);
      }
      fs.renameSync(work, this.dir(chainId));
      fsyncDirectory(this.layout.layers);
      return record;
    } catch (err) {
      fs.rmSync(work, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * The layers directory, flagged FS_TOPDIR_FL once per store (see
   * sys/inode-flags.ts): each layer then gets a block group of its own on
   * ext2/3/4. Only a hint, so a filesystem that refuses it is fine.
   */
  private makeLayersDir(): void {
    fs.mkdirSync(this.layout.layers, { recursive: true });
    if (this.spread) return;
    this.spread = true;
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.layout.layers, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      const subject = `\`${this.layout.layers}\``;
      const flags = getInodeFlags(fd, subject);
      if ((flags & FS_TOPDIR_FL) === 0) setInodeFlags(fd, flags | FS_TOPDIR_FL, subject);
    } catch {
      // ENOTTY, EOPNOTSUPP, EPERM...: the filesystem keeps its own placement.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  delete(chainId: string): void {
    const dir = this.dir(chainId);
    if (!fs.existsSync(dir)) return;
    // Rename first so a half-deleted layer is never seen as whole.
    const doomed = path.join(this.layout.layers, `${INCOMPLETE}${ownerTag()}-${randomBytes(6).toString('hex')}`);
    fs.renameSync(dir, doomed);
    fs.rmSync(doomed, { recursive: true, force: true });
  }

  list(): string[] {
    if (!fs.existsSync(this.layout.layers)) return [];
    return fs
      .readdirSync(this.layout.layers)
      .filter((n) => /^[a-f0-9]{64}$/.test(n))
      .map((n) => `sha256:${n}`);
  }

  /** Removes work directories of berth processes that no longer exist. */
  sweepIncomplete(): void {
    if (!fs.existsSync(this.layout.layers)) return;
    for (const name of fs.readdirSync(this.layout.layers)) {
      if (!name.startsWith(INCOMPLETE)) continue;
      if (!ownerAlive(name.slice(INCOMPLETE.length).split('-')[0])) fs.rmSync(path.join(this.layout.layers, name), { recursive: true, force: true });
    }
  }
}
