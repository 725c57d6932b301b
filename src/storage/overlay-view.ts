/**
 * The merged view of overlayfs layer directories, read from the host side
 * without mounting anything: what `diff`, `commit` and `export` need to know
 * about a container's writable layer (bundle/upper) over its image layers.
 *
 * A directory's content comes from the layers where that path is a
 * directory, top-most first, down to the first layer that marks it opaque
 * or that has a whiteout or a non-directory at the path ("contributing"
 * layers). A name in it is the top-most contributing layer's entry, unless
 * that entry is a whiteout. Every path is lstat'ed: no symlink inside a
 * layer is ever followed.
 */
import * as fs from 'node:fs';
import { lgetxattr } from '../sys/fs-at';
import { OVERLAY_OPAQUE_XATTR, isOpaqueXattrValue, isOverlayWhiteout } from './whiteout';
import { lstatIfExists } from './lower-layers';

export { lstatIfExists };

export interface LayerEntry {
  /** The layer directory holding the entry. */
  layer: string;
  /** Absolute path of the entry on the host. */
  path: string;
  stat: fs.BigIntStats;
}

/** Root-relative path (`a/b`, `''` for the root) joined to a layer directory. */
export function inLayer(layer: string, rel: string): string {
  return rel === '' ? layer : `${layer}/${rel}`;
}

export function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function isOpaqueDir(path: string): boolean {
  return isOpaqueXattrValue(lgetxattr(path, OVERLAY_OPAQUE_XATTR));
}

/**
 * The layers (out of `parentLayers`, the contributing layers of the parent
 * directory, top-most first) that contribute to the directory `rel`.
 */
export function contributingLayers(parentLayers: readonly string[], rel: string): string[] {
  const layers: string[] = [];
  for (const layer of parentLayers) {
    const path = inLayer(layer, rel);
    const stat = lstatIfExists(path);
    if (stat === undefined) continue;
    if (!stat.isDirectory()) break; // a whiteout or a file hides the layers below
    layers.push(layer);
    if (isOpaqueDir(path)) break;
  }
  return layers;
}

/** The entry `rel` (its parent's contributing layers given) in the merged view, or undefined when absent or whited out. */
export function topEntry(parentLayers: readonly string[], rel: string): LayerEntry | undefined {
  for (const layer of parentLayers) {
    const path = inLayer(layer, rel);
    const stat = lstatIfExists(path);
    if (stat === undefined) continue;
    return isOverlayWhiteout(stat) ? undefined : { layer, path, stat };
  }
  return undefined;
}

/** Names of directory `rel` in the merged view of its contributing `layers`, sorted. */
export function mergedNames(layers: readonly string[], rel: string): string[] {
  const candidates = new Set<string>();
  for (const layer of layers) for (const name of fs.readdirSync(inLayer(layer, rel))) candidates.add(name);
  return [...candidates].filter((name) => topEntry(layers, joinRel(rel, name)) !== undefined).sort(byteOrder);
}

/** Sorted names of one real directory. */
export function sortedNames(path: string): string[] {
  return fs.readdirSync(path).sort(byteOrder);
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Files the runtime created in the writable layer as mount points when the
 * image lacked them, in containers made before berth gave each container an
 * init layer (api/containers/init-layer.ts) that holds them, as Docker's
 * does: they never show in `diff` or in a committed layer.
 */
const RUNTIME_DIRS = new Set(['dev', 'proc', 'sys']);
const RUNTIME_FILES = new Set(['etc/hostname', 'etc/hosts', 'etc/resolv.conf']);

/**
 * True when the upper entry `rel` is only the runtime's mount point: an
 * empty directory (/dev, /proc, /sys) or an empty file (/etc/hostname, ...)
 * absent from the image, or an /etc holding nothing else (made by the
 * runtime, or copied up unchanged from the image for them).
 */
export function isRuntimeEntry(upper: string, lowerLayers: readonly string[], rel: string, stat: fs.BigIntStats): boolean {
  if (RUNTIME_DIRS.has(rel)) {
    return stat.isDirectory() && fs.readdirSync(inLayer(upper, rel)).length === 0 && topEntry(lowerLayers, rel) === undefined;
  }
  if (RUNTIME_FILES.has(rel)) {
    return stat.isFile() && stat.size === 0n && topEntry(lowerLayers, rel) === undefined;
  }
  if (rel !== 'etc' || !stat.isDirectory()) return false;
  const lower = topEntry(lowerLayers, rel);
  if (lower !== undefined && !(lower.stat.isDirectory() && lower.stat.mode === stat.mode && lower.stat.uid === stat.uid && lower.stat.gid === stat.gid)) {
    return false;
  }
  const etcLowers = lower === undefined ? [] : contributingLayers(lowerLayers, rel);
  const names = fs.readdirSync(inLayer(upper, rel));
  return names.length > 0 && names.every((name) => {
    const child = `etc/${name}`;
    const childStat = lstatIfExists(inLayer(upper, child));
    return childStat !== undefined && RUNTIME_FILES.has(child) && isRuntimeEntry(upper, etcLowers, child, childStat);
  });
}
