/**
 * Owner, xattrs, mode and times of one entry, set through an fd of that
 * entry and never by name (the tree writer's last step, tree-writer.ts).
 * A real fd (a regular file, a directory) takes fchownat(AT_EMPTY_PATH),
 * fsetxattr, fchmod and futimens. An O_PATH fd (a symlink, a device, a
 * fifo: opening them for real would follow, or run a driver, or block)
 * takes fchownat(AT_EMPTY_PATH) and setxattr/fchmodat/utimensat on
 * /proc/self/fd/N, which the kernel resolves to that fd's inode, a
 * symlink's own included, and to nothing else.
 */
import * as os from 'node:os';
import { SyscallError } from '../errors';
import * as at from '../sys/fs-at';
import type { EntryMetadata, TreeEntryType } from './tree-entry';

/** How an fd reaches its inode: a real fd takes the f* calls, an O_PATH fd goes through /proc/self/fd/N. */
export type FdKind = 'real' | 'path';

const { EPERM, ENOTSUP } = os.constants.errno;

/**
 * Sets `meta` on the entry open at `fd`, in Docker's order: the owner
 * first (a chown clears setuid/setgid bits and file capabilities), then
 * xattrs, the mode (not for a symlink: Linux has no mode for one) and the
 * times (not for a directory: its entries would change them; the tree
 * writer sets those last). `owner` undefined leaves the owner as created.
 */
export function setMetadata(fd: number, how: FdKind, kind: TreeEntryType, meta: EntryMetadata, owner: [number, number] | undefined, subject: string): void {
  if (owner) at.fchownat(fd, '', owner[0], owner[1], at.AT_EMPTY_PATH, subject);
  for (const [name, value] of meta.xattrs ?? []) {
    try {
      if (how === 'real') at.fsetxattr(fd, name, value, 0, `\`${name}\` on ${subject}`);
      else at.setxattr(at.fdPath(fd), name, value, 0, `\`${name}\` on ${subject}`);
    } catch (err) {
      // Like Docker: a filesystem or file type refusing an xattr (user.* on a symlink or a device) fails nothing.
      if (!(err instanceof SyscallError && (err.errno === ENOTSUP || err.errno === EPERM))) throw err;
    }
  }
  if (kind !== 'symlink') {
    if (how === 'real') at.fchmod(fd, meta.mode & 0o7777, subject);
    else at.fchmodat(at.AT_FDCWD, at.fdPath(fd), meta.mode & 0o7777, 0, subject);
  }
  if (kind === 'directory') return;
  const atime = meta.atime ?? meta.mtime;
  if (how === 'real') at.futimens(fd, atime, meta.mtime, subject);
  else at.utimensat(at.AT_FDCWD, at.fdPath(fd), atime, meta.mtime, 0, subject);
}
