/**
 * The two spellings of a deletion. OCI/Docker layer tars mark a deleted path
 * `dir/name` with an empty entry `dir/.wh.name`, and a directory whose lower
 * contents are hidden with `dir/.wh..wh..opq`. overlayfs marks the same with
 * a 0/0 character device at `dir/name`, and the xattr
 * `trusted.overlay.opaque=y` on `dir`. Pure functions, no filesystem.
 */
import * as path from 'node:path';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Names starting with this are AUFS metadata (`.wh..wh.plnk`, ...), not whiteouts. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';

export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
export const OVERLAY_OPAQUE_VALUE = 'y';
/** xattrs in this namespace drive overlayfs; only berth's whiteout conversion may set them. */
export const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

/** What a tar entry path means for overlayfs. */
export type WhiteoutMapping =
  | { kind: 'whiteout'; path: string }
  | { kind: 'opaque'; dir: string }
  | { kind: 'ignored' }
  | { kind: 'none' };

/**
 * Classifies a cleaned, root-relative layer path (`a/b/.wh.c`, no leading
 * `/`): a whiteout of `a/b/c`, an opaque marker for `a/b` (`''` is the layer
 * root), other AUFS metadata to ignore, or an ordinary entry.
 */
export function whiteoutFromTarPath(entryPath: string): WhiteoutMapping {
  const base = path.posix.basename(entryPath);
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  const dir = parentOf(entryPath);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'ignored' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') return { kind: 'ignored' };
  return { kind: 'whiteout', path: dir === '' ? name : `${dir}/${name}` };
}

/** The tar entry path that records the deletion of `deletedPath` (for commit/diff). */
export function tarPathForWhiteout(deletedPath: string): string {
  const dir = parentOf(deletedPath);
  const name = `${WHITEOUT_PREFIX}${path.posix.basename(deletedPath)}`;
  return dir === '' ? name : `${dir}/${name}`;
}

/** The tar entry path that marks `dir` opaque (`''` is the layer root). */
export function tarPathForOpaqueDir(dir: string): string {
  return dir === '' ? OPAQUE_MARKER : `${dir}/${OPAQUE_MARKER}`;
}

/** True for the overlayfs whiteout: a character device with device number 0/0. */
export function isOverlayWhiteout(stat: { isCharacterDevice(): boolean; rdev: number | bigint }): boolean {
  return stat.isCharacterDevice() && Number(stat.rdev) === 0;
}

/** True when an overlayfs opaque xattr value marks its directory opaque. */
export function isOpaqueXattrValue(value: Uint8Array | undefined): boolean {
  return value !== undefined && Buffer.from(value).toString('latin1') === OVERLAY_OPAQUE_VALUE;
}

/** True for xattrs a layer tar must not set: they would forge overlayfs metadata. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith(OVERLAY_XATTR_PREFIX);
}

function parentOf(entryPath: string): string {
  const dir = path.posix.dirname(entryPath);
  return dir === '.' ? '' : dir;
}
