/**
 * Finding a copy's source and destination through file descriptors: a path
 * in a container's root is resolved by the kernel with RESOLVE_IN_ROOT
 * (a symlink in the image, even to `/etc` or `../../..`, stays inside the
 * root), its last component opened with O_NOFOLLOW unless followed on
 * purpose. The entries below a source come from storage/tree-walk.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_PATH, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS,
  close, openat2, readlinkat,
} from '../../../sys/fs-at';
import type { TreeEntry, TreeEntryType } from '../../../storage/tree-entry';
import { walkTree } from '../../../storage/tree-walk';
import { SyscallError } from '../../../errors/syscall-error';
import { archivedXattrs } from './copy-xattrs';

const ENOENT = 2;
const ENOTDIR = 20;
const IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
const BENEATH = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

/** Opens `p` (absolute) in the root at `rootFd` as O_PATH; the last component is followed only with `follow`. Undefined when missing. */
export function openPathInRoot(rootFd: number, p: string, follow: boolean): number | undefined {
  const normalized = path.posix.normalize(`/${p}`);
  const dir = path.posix.dirname(normalized);
  const base = path.posix.basename(normalized) || '.';
  let parentFd: number;
  try {
    parentFd = openat2(rootFd, dir === '/' ? '.' : dir.slice(1), { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: IN_ROOT });
  } catch (err) {
    if (err instanceof SyscallError && (err.errno === ENOENT || err.errno === ENOTDIR)) return undefined;
    throw err;
  }
  try {
    return follow || base === '.'
      ? openat2(rootFd, normalized === '/' ? '.' : normalized.slice(1), { flags: O_PATH | O_CLOEXEC, resolve: IN_ROOT })
      : openat2(parentFd, base, { flags: O_PATH | O_NOFOLLOW | O_CLOEXEC, resolve: BENEATH });
  } catch (err) {
    if (err instanceof SyscallError && (err.errno === ENOENT || err.errno === ENOTDIR)) return undefined;
    throw err;
  } finally {
    close(parentFd);
  }
}

/** lstat (or stat with `follow`) of a path in a root, or undefined when missing. */
export function statInRoot(rootFd: number, p: string, follow: boolean): { stat: fs.BigIntStats; linkTarget?: string } | undefined {
  const fd = openPathInRoot(rootFd, p, follow);
  if (fd === undefined) return undefined;
  try {
    const stat = fs.fstatSync(fd, { bigint: true });
    const linkTarget = stat.isSymbolicLink() ? readlinkat(fd, '', `\`${p}\``) : undefined;
    return { stat, linkTarget };
  } finally {
    close(fd);
  }
}

/** The host root, to resolve local paths with the same calls (RESOLVE_IN_ROOT of `/` is plain resolution). */
export function openHostRoot(): number {
  return openat2(AT_FDCWD, '/', { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
}

/** Only file capabilities travel in a copy's archive (copy-xattrs.ts), as in Docker's. */
function copiedXattrs(pathFd: number, type: TreeEntryType): Array<[string, Buffer]> {
  return type === 'file' ? archivedXattrs(pathFd) : [];
}

/** The entries of a copy's source open (O_PATH) at `fd`, its root entry named `name` as in Docker's archive. */
export function copyEntries(fd: number, name: string): Iterable<TreeEntry> {
  return walkTree(fd, name, { xattrs: copiedXattrs });
}
