/**
 * Looks a path up in already-unpacked lower layers the way overlayfs would
 * see it merged: top-most layer first, stopping at a whiteout, at a
 * non-directory standing in for a parent, and below an opaque directory.
 * Used to copy up the target of a hardlink (and the metadata of implicit
 * parent directories) into the layer being unpacked.
 */
import * as fs from 'node:fs';
import { getxattr, lgetxattr, listxattr, llistxattr } from '../sys/fs-at';
import { OVERLAY_OPAQUE_XATTR, isOpaqueXattrValue, isOverlayWhiteout, isOverlayXattr } from './whiteout';

export interface LowerEntry {
  /** Absolute path of the entry inside its lower directory. */
  path: string;
  stat: fs.BigIntStats;
}

/**
 * The entry at root-relative `relPath` in the merged view of `lowerDirs`
 * (top-most first), or undefined when it is absent or deleted. Each path
 * component is lstat'ed in turn and must be a real directory, so no symlink
 * inside a lower layer is ever followed.
 */
export function findInLowerLayers(lowerDirs: readonly string[], relPath: string): LowerEntry | undefined {
  const parts = relPath === '' ? [] : relPath.split('/');
  for (const lowerDir of lowerDirs) {
    let current = lowerDir;
    let opaque = false;
    for (let i = 0; i < parts.length; i++) {
      current = `${current}/${parts[i]}`;
      const stat = lstatIfExists(current);
      if (!stat) break;
      if (isOverlayWhiteout(stat)) return undefined;
      if (i === parts.length - 1) return { path: current, stat };
      if (!stat.isDirectory()) return undefined; // a file here hides everything below
      if (isOpaqueXattrValue(lgetxattr(current, OVERLAY_OPAQUE_XATTR))) opaque = true;
    }
    if (parts.length === 0) return { path: lowerDir, stat: fs.lstatSync(lowerDir, { bigint: true }) };
    if (opaque) return undefined; // layers further down are hidden
  }
  return undefined;
}

/**
 * The xattrs of `path` itself worth copying: everything but overlayfs
 * metadata. With `follow`, a final symlink is followed: for a
 * /proc/self/fd/N path, the xattrs of that fd's own inode.
 */
export function copyableXattrs(path: string, follow = false): Array<[string, Buffer]> {
  const xattrs: Array<[string, Buffer]> = [];
  for (const name of follow ? listxattr(path) : llistxattr(path)) {
    if (isOverlayXattr(name)) continue;
    const value = follow ? getxattr(path, name) : lgetxattr(path, name);
    if (value !== undefined) xattrs.push([name, value]);
  }
  return xattrs;
}

export function lstatIfExists(path: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(path, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
