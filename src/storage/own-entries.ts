/**
 * What the layer being unpacked has made itself so far: directories (the
 * layer root, listed ones and parents created on the way) and other
 * entries. A pull unpacks its layers concurrently, each into its own
 * directory, so while a layer is unpacked the layers below it may still be
 * incomplete. The writer consults lower layers only for a parent directory
 * this layer lacks (to take its metadata) and for a hardlink target this
 * layer lacks (to copy it up); knowing what is already here lets every
 * other entry go ahead without waiting for the lower layers.
 *
 * The sets only ever claim what is certain: an entry that replaces a
 * directory drops it and everything below it, so at worst an entry waits
 * when it did not need to.
 */
import { splitEntryPath } from './entry-path';

export class OwnEntries {
  private readonly dirs = new Set<string>(['']);
  private readonly others = new Set<string>();

  /** True when the parent directory of `path` is this layer's own. */
  hasParentOf(path: string): boolean {
    return this.dirs.has(splitEntryPath(path)[0]);
  }

  hasDirectory(path: string): boolean {
    return this.dirs.has(path);
  }

  /** True when `path` is a non-directory this layer wrote (a hardlink can point to it). */
  hasNonDirectory(path: string): boolean {
    return this.others.has(path);
  }

  /** `path` is now a directory of this layer, and so is each of its parents. */
  addDirectory(path: string): void {
    this.others.delete(path);
    this.addParentsOf(path);
    this.dirs.add(path);
  }

  /** `path` is now a non-directory (an earlier directory there is gone, with its contents). */
  addNonDirectory(path: string): void {
    if (this.dirs.has(path)) this.dropTree(path);
    this.addParentsOf(path);
    this.others.add(path);
  }

  /** The parents of `path` exist as directories; `path` itself is unknown. */
  addParentsOf(path: string): void {
    for (let parent = splitEntryPath(path)[0]; !this.dirs.has(parent); parent = splitEntryPath(parent)[0]) {
      this.others.delete(parent);
      this.dirs.add(parent);
    }
  }

  private dropTree(path: string): void {
    const prefix = `${path}/`;
    for (const set of [this.dirs, this.others]) {
      for (const p of set) if (p === path || p.startsWith(prefix)) set.delete(p);
    }
  }
}
