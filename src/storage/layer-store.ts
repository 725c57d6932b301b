/**
 * Unpacked layers, one directory per chain ID: layers/<hex>/diff is an
 * overlayfs lowerdir, layers/<hex>/layer.json its record. A layer is built
 * in layers/.incomplete-<pid>@<start time>-<rand>/ and renamed into place only when whole,
 * so an interrupted unpack is never mistaken for a layer (and is swept once
 * its process is gone).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../config/layout';
import { digestHex } from '../image/digest';
import { readJsonIfExists, writeJsonAtomic, fsyncDirectory } from '../sys/atomic-file';
import { DigestMismatchError, NotFoundError } from '../errors/kinds';
import { ownerAlive, ownerTag } from '../image/store/blob-store';

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

const INCOMPLETE = '.incomplete-';

export class LayerStore {
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
   * a fresh diff directory; `expectedDiffId` is checked when given.
   */
  async create(
    chainId: string,
    parent: string | undefined,
    produce: (diffDir: string, lowerDirs: string[]) => Promise<ProducedLayer>,
    expectedDiffId?: string,
  ): Promise<LayerRecord> {
    if (this.has(chainId)) return this.get(chainId);
    fs.mkdirSync(this.layout.layers, { recursive: true });
    const work = path.join(this.layout.layers, `${INCOMPLETE}${ownerTag()}-${randomBytes(6).toString('hex')}`);
    const diff = path.join(work, 'diff');
    fs.mkdirSync(diff, { recursive: true, mode: 0o755 });
    try {
      const produced = await produce(diff, this.lowerDirs(parent));
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
