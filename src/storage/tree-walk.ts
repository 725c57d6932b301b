/**
 * The entries of a directory tree, read through file descriptors: the
 * walk starts from an fd its caller opened (inside a container: resolved
 * by the kernel with RESOLVE_IN_ROOT), and every entry below it is opened
 * relative to its directory's fd with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * and O_NOFOLLOW, so nothing a container swaps in meanwhile can lead the
 * walk out of the tree. Symlinks are entries (read with readlinkat on
 * their own fd, never followed); a second link to a file already listed
 * becomes a hardlink entry. The counterpart of tree-writer.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import {
  O_CLOEXEC, O_NOFOLLOW, O_PATH, RESOLVE_BENEATH, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, close, devNumbers, fdPath,
  openat2, readlinkat,
} from '../sys/fs-at';
import { SyscallError } from '../errors/syscall-error';
import { tarTypeOf } from './host-tar';
import { copyableXattrs } from './lower-layers';
import { TreeEntry, TreeEntryType, timespecOf } from './tree-entry';

export interface WalkOptions {
  /** The xattrs an entry takes along, read from its O_PATH fd (default: none). */
  xattrs?: (pathFd: number, type: TreeEntryType) => Array<[string, Buffer]>;
  /** Nanoseconds and atime kept (default: the mtime in whole seconds, as Docker's archives carry it). */
  exactTimes?: boolean;
}

const { ENOENT, ENOTSUP } = os.constants.errno;
const BENEATH = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
const CHUNK = 1 << 20;

/**
 * The entry open at `fd` (O_PATH, not following a final symlink), named
 * `name`, then everything below it, parents before children, names sorted
 * in each directory. Children are named `name/child` (`./child` under
 * `.`). Closes nothing it did not open.
 */
export function* walkTree(fd: number, name: string, options: WalkOptions = {}, links = new Map<string, string>()): Generator<TreeEntry> {
  const stat = fs.fstatSync(fd, { bigint: true });
  const type = tarTypeOf(stat);
  if (type === undefined) return; // sockets
  const entry: TreeEntry = {
    name,
    type,
    mode: Number(stat.mode) & 0o7777,
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    mtime: options.exactTimes ? timespecOf(stat.mtimeNs) : { sec: Number(stat.mtimeNs / 1_000_000_000n), nsec: 0 },
    size: 0,
  };
  if (options.exactTimes) entry.atime = timespecOf(stat.atimeNs);
  if (type === 'symlink') entry.linkname = readlinkat(fd, '', `\`${name}\``);
  if (type === 'character-device' || type === 'block-device') [entry.devmajor, entry.devminor] = devNumbers(stat.rdev);
  if (type === 'file') {
    const key = `${stat.dev}:${stat.ino}`;
    const first = stat.nlink > 1n ? links.get(key) : undefined;
    if (first !== undefined) {
      yield { ...entry, type: 'link', linkname: first };
      return;
    }
    if (stat.nlink > 1n) links.set(key, name);
    entry.size = Number(stat.size);
    entry.content = () => contentOf(fd, entry.size);
  }
  const xattrs = options.xattrs?.(fd, type) ?? [];
  if (xattrs.length > 0) entry.xattrs = xattrs;
  yield entry;
  if (type !== 'directory') return;
  for (const child of fs.readdirSync(fdPath(fd)).sort()) {
    let childFd: number;
    try {
      childFd = openat2(fd, child, { flags: O_PATH | O_NOFOLLOW | O_CLOEXEC, resolve: BENEATH });
    } catch (err) {
      if (err instanceof SyscallError && err.errno === ENOENT) continue; // removed meanwhile
      throw err;
    }
    try {
      yield* walkTree(childFd, name === '.' ? `./${child}` : `${name}/${child}`, options, links);
    } finally {
      close(childFd);
    }
  }
}

/** Every xattr of the entry open (O_PATH) at `pathFd` but overlayfs' own; none on a filesystem without xattrs. */
export function allXattrs(pathFd: number): Array<[string, Buffer]> {
  try {
    return copyableXattrs(fdPath(pathFd), true);
  } catch (err) {
    if (err instanceof SyscallError && err.errno === ENOTSUP) return [];
    throw err;
  }
}

/** Reads a regular file's content through its O_PATH fd, exactly `size` bytes (cut or zero-padded: the entry said so). */
function* contentOf(pathFd: number, size: number): Generator<Buffer> {
  const fd = fs.openSync(fdPath(pathFd), fs.constants.O_RDONLY | O_CLOEXEC);
  try {
    let left = size;
    const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
    while (left > 0) {
      const got = fs.readSync(fd, buffer, 0, Math.min(buffer.length, left), null);
      if (got === 0) break;
      left -= got;
      yield buffer.subarray(0, got);
    }
    if (left > 0) yield Buffer.alloc(left);
  } finally {
    fs.closeSync(fd);
  }
}
