/**
 * The image store: blobs, unpacked layers and image records under one data
 * root, with the two locks that keep concurrent berth processes apart:
 *  - `store` (exclusive, short): every change to records and tags;
 *  - `gc` (shared by pulls/imports in flight, exclusive for garbage
 *    collection): nothing a running pull has stored but not yet recorded
 *    is collected under it.
 */
import { DataRoot } from '../../config/layout';
import { FileLock, withLock } from '../../sys/lock';
import { BlobStore } from './blob-store';
import { ImageStore, ImageRecord } from './image-store';
import { LayerStore } from '../../storage/layer-store';
import { sha256File } from '../digest';

export interface CheckProblem {
  object: string;
  problem: string;
}

export class Store {
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  readonly images: ImageStore;

  constructor(readonly layout: DataRoot) {
    this.blobs = new BlobStore(layout);
    this.layers = new LayerStore(layout);
    this.images = new ImageStore(layout);
  }

  /** Runs fn with the store's metadata lock held. */
  locked<T>(fn: () => Promise<T> | T): Promise<T> {
    return withLock(this.layout.lock('store'), fn);
  }

  /** Held by a pull, load or import for its whole duration. */
  holdAgainstCollection(): Promise<FileLock> {
    return FileLock.acquire(this.layout.lock('gc'), { shared: true });
  }

  /** Clears what interrupted berth processes left behind. */
  sweep(): void {
    this.blobs.sweepTemp();
    this.layers.sweepIncomplete();
  }

  /** Blobs and layers referenced by at least one image record. */
  private referenced(records: ImageRecord[]): { blobs: Set<string>; layers: Set<string> } {
    const blobs = new Set<string>();
    const layers = new Set<string>();
    for (const r of records) {
      blobs.add(r.id);
      blobs.add(r.manifestDigest);
      if (r.indexDigest) blobs.add(r.indexDigest);
      for (const l of r.layers) {
        blobs.add(l.digest);
        layers.add(l.chainId);
      }
    }
    return { blobs, layers };
  }

  /**
   * Deletes blobs and layers no image references. `keepLayers` are layers
   * used by containers (their rootfs stacks on them).
   */
  async collectGarbage(keepLayers: Set<string> = new Set()): Promise<{ blobs: number; layers: number }> {
    const gc = await FileLock.acquire(this.layout.lock('gc'));
    try {
      return await this.locked(() => {
        this.sweep();
        const used = this.referenced(this.images.list());
        let blobs = 0;
        let layers = 0;
        for (const digest of this.blobs.list()) {
          if (!used.blobs.has(digest)) {
            this.blobs.delete(digest);
            blobs++;
          }
        }
        for (const chainId of this.layers.list()) {
          if (!used.layers.has(chainId) && !keepLayers.has(chainId)) {
            this.layers.delete(chainId);
            layers++;
          }
        }
        return { blobs, layers };
      });
    } finally {
      gc.release();
    }
  }

  /** Verifies every blob's digest and every record's references. */
  async check(): Promise<CheckProblem[]> {
    const problems: CheckProblem[] = [];
    for (const digest of this.blobs.list()) {
      const actual = await sha256File(this.blobs.path(digest));
      if (actual !== digest) problems.push({ object: `blob ${digest}`, problem: `content has digest ${actual}` });
    }
    for (const record of this.images.list()) {
      for (const digest of [record.id, record.manifestDigest]) {
        if (!this.blobs.has(digest)) problems.push({ object: `image ${record.id}`, problem: `missing blob ${digest}` });
      }
      for (const layer of record.layers) {
        if (!this.blobs.has(layer.digest)) problems.push({ object: `image ${record.id}`, problem: `missing layer blob ${layer.digest}` });
        if (!this.layers.has(layer.chainId)) problems.push({ object: `image ${record.id}`, problem: `missing unpacked layer ${layer.chainId}` });
      }
    }
    for (const [tag, id] of Object.entries(this.images.tags())) {
      if (!this.images.has(id)) problems.push({ object: `tag ${tag}`, problem: `points to missing image ${id}` });
    }
    return problems;
  }
}
