/**
 * The entries of a copy, read through file descriptors: a source is opened
 * once (inside a container: resolved by the kernel with RESOLVE_IN_ROOT), and
 * every entry below it is opened relative to its directory's fd with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS and O_NOFOLLOW, so nothing the
 * container swaps in meanwhile can lead the walk out of the source.
 * Symlinks are entries (never followed); a second link to a file already
 * listed becomes a hardlink entry, as in Docker's archives.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_PATH, O_RDONLY, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS, Timespec, close, openat2,
} from '../../../sys/fs-at';
import type { TarEntryType } from '../../../storage/tar-writer';
import { SyscallError } from '../../../errors/syscall-error';
import { tarTypeOf } from '../../../storage/host-tar';
import { archivedXattrs } from './copy-xattrs';

/** One entry of a copy: an archive name, its metadata and, for regular files, its content. */
export interface CopyEntry {
  /** Archive name: the source's base (`foo`, or `.`) then the path below it; no trailing `/`. */
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  mtime: Timespec;
  /** Content length (regular files). */
  size: number;
  /** Symlink target, or for a hardlink the archive name of the entry it links to. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes carried in the archive (copy-xattrs.ts: Docker keeps only file capabilities). */
  xattrs?: Array<[string, Buffer]>;
  /** Regular files: the content, read when iterated (before the next entry is asked for). */
  content?: () => Iterable<Buffer>;
}

const ENOENT = 2;
const ENOTDIR = 20;
const IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
const BENEATH = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
const CHUNK = 1 << 20;

/** The /proc/self/fd path of an open fd, plus an optional name inside it (one component, not followed when last). */
export function viaFd(fd: number, name?: string): string {
  return name === undefined || name === '.' ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${name}`;
}

/** Opens `p` (absolute) in the root at `rootFd` as O_PATH; the last component is followed only with `follow`. Undefined when missing. */
export function openPathInRoot(rootFd: number, p: string, follow: boolean, resolve = IN_ROOT): { fd: number; parentFd: number; base: string } | undefined {
  const normalized = path.posix.normalize(`/${p}`);
  const dir = path.posix.dirname(normalized);
  const base = path.posix.basename(normalized) || '.';
  let parentFd: number;
  try {
    parentFd = openat2(rootFd, dir === '/' ? '.' : dir.slice(1), { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve });
  } catch (err) {
    if (err instanceof SyscallError && (err.errno === ENOENT || err.errno === ENOTDIR)) return undefined;
    throw err;
  }
  try {
    const fd = follow || base === '.'
      ? openat2(rootFd, normalized === '/' ? '.' : normalized.slice(1), { flags: O_PATH | O_CLOEXEC, resolve })
      : openat2(parentFd, base, { flags: O_PATH | O_NOFOLLOW | O_CLOEXEC, resolve: BENEATH });
    return { fd, parentFd, base };
  } catch (err) {
    close(parentFd);
    if (err instanceof SyscallError && (err.errno === ENOENT || err.errno === ENOTDIR)) return undefined;
    throw err;
  }
}

/** lstat (or stat with `follow`) of a path in a root, or undefined when missing. */
export function statInRoot(rootFd: number, p: string, follow: boolean): { stat: fs.BigIntStats; linkTarget?: string } | undefined {
  const opened = openPathInRoot(rootFd, p, follow);
  if (opened === undefined) return undefined;
  try {
    const stat = fs.fstatSync(opened.fd, { bigint: true });
    const linkTarget = stat.isSymbolicLink() ? fs.readlinkSync(viaFd(opened.parentFd, opened.base)) : undefined;
    return { stat, linkTarget };
  } finally {
    close(opened.fd);
    close(opened.parentFd);
  }
}

/** The host root, to resolve local paths with the same calls (RESOLVE_IN_ROOT of `/` is plain resolution). */
export function openHostRoot(): number {
  return openat2(AT_FDCWD, '/', { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
}


/** Reads a regular file's content through its O_PATH fd, exactly `size` bytes (cut or zero-padded: the header said so). */
function* contentOf(pathFd: number, size: number): Generator<Buffer> {
  const fd = fs.openSync(viaFd(pathFd), fs.constants.O_RDONLY | O_CLOEXEC);
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

/**
 * The entries of the source open at `fd` (O_PATH), named `name` in the
 * archive, then everything below it, parents before children. `parentFd`
 * and `base` name it for readlink when it is a symlink. Closes nothing it
 * did not open.
 */
export function* walkEntries(fd: number, name: string, parentFd: number, base: string, links = new Map<string, string>()): Generator<CopyEntry> {
  const stat = fs.fstatSync(fd, { bigint: true });
  const type = tarTypeOf(stat);
  if (type === undefined) return;
  const entry: CopyEntry = {
    name,
    type,
    mode: Number(stat.mode) & 0o7777,
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    mtime: { sec: Number(stat.mtimeNs / 1_000_000_000n), nsec: 0 },
    size: 0,
  };
  if (type === 'symlink') entry.linkname = fs.readlinkSync(viaFd(parentFd, base));
  if (type === 'character-device' || type === 'block-device') {
    entry.devmajor = Number(((stat.rdev >> 8n) & 0xfffn) | ((stat.rdev >> 32n) & ~0xfffn));
    entry.devminor = Number((stat.rdev & 0xffn) | ((stat.rdev >> 12n) & ~0xffn));
  }
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
    const xattrs = archivedXattrs(fd);
    if (xattrs.length > 0) entry.xattrs = xattrs;
  }
  yield entry;
  if (type !== 'directory') return;
  const names = fs.readdirSync(viaFd(fd)).sort();
  for (const child of names) {
    let childFd: number;
    try {
      childFd = openat2(fd, child, { flags: O_PATH | O_NOFOLLOW | O_CLOEXEC, resolve: BENEATH });
    } catch (err) {
      if (err instanceof SyscallError && err.errno === ENOENT) continue; // removed meanwhile
      throw err;
    }
    try {
      yield* walkEntries(childFd, name === '.' ? `./${child}` : `${name}/${child}`, fd, child, links);
    } finally {
      close(childFd);
    }
  }
}

/** O_RDONLY|O_DIRECTORY reopen of an O_PATH directory fd (the *at calls that need a real directory). */
export function reopenDirectory(pathFd: number): number {
  return openat2(pathFd, '.', { flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
}
