/**
 * Creates the entries of one layer inside its directory, through file
 * descriptors only. The layer root is opened once (O_PATH); every parent is
 * resolved beneath it with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS), and entries are made relative to that parent fd
 * with the *at() calls and O_NOFOLLOW. A `..`, an absolute symlink or any
 * symlink planted earlier in the same tar therefore cannot redirect a write:
 * the kernel refuses the path (ELOOP/EXDEV) and we raise UnsafeEntryError.
 *
 * Parent fds are kept in a small LRU cache (tars list a directory's entries
 * together), dropped whenever the path they name is replaced.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { InvalidContentError, SyscallError, UnsafeEntryError } from '../errors';
import * as at from '../sys/fs-at';
import { entryDepth, splitEntryPath } from './entry-path';
import { LowerEntry, copyableXattrs, findInLowerLayers } from './lower-layers';
import { OVERLAY_OPAQUE_VALUE, OVERLAY_OPAQUE_XATTR } from './whiteout';

export interface EntryMetadata {
  /** Permission bits including setuid, setgid and sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  atime: at.Timespec;
  mtime: at.Timespec;
  /** Already filtered: no trusted.overlay.* names. */
  xattrs: Array<[string, Buffer]>;
}

export type SpecialKind = 'character-device' | 'block-device' | 'fifo';

const { ENOENT, EEXIST, ENOTDIR, ELOOP, EXDEV, EPERM, ENOTSUP } = os.constants.errno;

const DIR_FD_CACHE_SIZE = 64;
const RESOLVE = at.RESOLVE_BENEATH | at.RESOLVE_NO_SYMLINKS | at.RESOLVE_NO_MAGICLINKS;
const OPEN_DIR = at.O_PATH | at.O_DIRECTORY | at.O_CLOEXEC;
const CREATE_FILE = at.O_WRONLY | at.O_CREAT | at.O_EXCL | at.O_NOFOLLOW | at.O_CLOEXEC;
const DEFAULT_DIR_MODE = 0o755;
const COPY_BUFFER_SIZE = 1 << 20;

export class LayerWriter {
  private readonly rootFd: number;
  private readonly dirFds = new Map<string, number>();
  /** Directory times, applied at the end: creating entries inside would change them. */
  private readonly dirTimes = new Map<string, [at.Timespec, at.Timespec]>();
  private writeBuffer?: Buffer;

  constructor(
    private readonly targetDir: string,
    private readonly lowerDirs: readonly string[],
  ) {
    this.rootFd = at.openat2(at.AT_FDCWD, targetDir, { flags: OPEN_DIR, resolve: 0 });
  }

  directory(entry: string, path: string, meta: EntryMetadata): void {
    if (path === '') return this.rootDirectory(meta);
    const [parent, base] = splitEntryPath(path);
    const pfd = this.dirFd(entry, parent);
    // A directory replacing a directory merges into it (create returns false).
    this.create(entry, pfd, path, base, true, () => at.mkdirat(pfd, base, 0o700, subject(entry)));
    this.applyMetadata(entry, pfd, base, meta, false);
    this.dirTimes.set(path, [meta.atime, meta.mtime]);
  }

  /** Writes a regular file from `content`; returns the number of bytes written. */
  async file(entry: string, path: string, meta: EntryMetadata, content: AsyncIterable<Uint8Array>): Promise<number> {
    const [parent, base] = splitEntryPath(path);
    const pfd = this.dirFd(entry, parent);
    let fd = -1;
    this.create(entry, pfd, path, base, false, () => {
      fd = at.openat(pfd, base, CREATE_FILE, 0o600, subject(entry));
    });
    let written = 0;
    try {
      for await (const chunk of content) written += writeAll(fd, chunk);
      fs.fchownSync(fd, meta.uid, meta.gid);
      fs.fchmodSync(fd, meta.mode);
      setXattrs(entry, meta, (name, value, what) => at.fsetxattr(fd, name, value, 0, what));
    } finally {
      fs.closeSync(fd);
    }
    // Re-fetch: the loop above awaited, and the cache may have moved on meanwhile.
    at.utimensat(this.dirFd(entry, parent), base, meta.atime, meta.mtime, at.AT_SYMLINK_NOFOLLOW, subject(entry));
    return written;
  }

  symlink(entry: string, path: string, target: string, meta: EntryMetadata): void {
    const [parent, base] = splitEntryPath(path);
    const pfd = this.dirFd(entry, parent);
    this.create(entry, pfd, path, base, false, () => at.symlinkat(target, pfd, base, subject(entry)));
    this.applyMetadata(entry, pfd, base, meta, true);
    at.utimensat(pfd, base, meta.atime, meta.mtime, at.AT_SYMLINK_NOFOLLOW, subject(entry));
  }

  special(entry: string, path: string, kind: SpecialKind, device: [number, number], meta: EntryMetadata): void {
    const [parent, base] = splitEntryPath(path);
    const pfd = this.dirFd(entry, parent);
    const type = kind === 'fifo' ? at.S_IFIFO : kind === 'block-device' ? at.S_IFBLK : at.S_IFCHR;
    const dev = kind === 'fifo' ? 0n : at.makedev(device[0], device[1]);
    this.create(entry, pfd, path, base, false, () => at.mknodat(pfd, base, type | 0o600, dev, subject(entry)));
    this.applyMetadata(entry, pfd, base, meta, false);
    at.utimensat(pfd, base, meta.atime, meta.mtime, at.AT_SYMLINK_NOFOLLOW, subject(entry));
  }

  /**
   * A hardlink to `target` (root-relative). A target that only a lower layer
   * has is copied up into this layer first, as overlayfs would on write.
   */
  hardlink(entry: string, path: string, target: string): void {
    if (target === '') throw new InvalidContentError(`unpack layer: hardlink \`${entry}\` points to the layer root`);
    const [parent, base] = splitEntryPath(path);
    const [targetParent, targetBase] = splitEntryPath(target);
    let pfd = this.dirFd(entry, parent);
    let tfd = this.dirFd(entry, targetParent, false);
    if (tfd === undefined || !this.linkIfPresent(entry, tfd, targetBase, pfd, path, base)) {
      this.copyUp(entry, target);
      pfd = this.dirFd(entry, parent);
      tfd = this.dirFd(entry, targetParent)!;
      this.create(entry, pfd, path, base, false, () => at.linkat(tfd!, targetBase, pfd, base, 0, subject(entry)));
    }
  }

  /** The overlayfs whiteout for `path`: a 0/0 character device. */
  whiteout(entry: string, path: string): void {
    const [parent, base] = splitEntryPath(path);
    const pfd = this.dirFd(entry, parent);
    try {
      at.mknodat(pfd, base, at.S_IFCHR, 0n, subject(entry));
    } catch (err) {
      // A whiteout only hides lower layers; what this layer wrote there stays.
      if (errnoOf(err) !== EEXIST) throw err;
    }
  }

  /** Marks `dir` opaque for overlayfs, creating it when this layer has not yet. */
  opaque(entry: string, dir: string): void {
    const value = Buffer.from(OVERLAY_OPAQUE_VALUE);
    if (dir === '') return at.lsetxattr(this.targetDir, OVERLAY_OPAQUE_XATTR, value, 0, subject(entry));
    this.dirFd(entry, dir);
    const [parent, base] = splitEntryPath(dir);
    at.lsetxattr(procPath(this.dirFd(entry, parent), base), OVERLAY_OPAQUE_XATTR, value, 0, subject(entry));
  }

  /** Applies directory times, deepest first, once every entry is in place. */
  finish(): void {
    const paths = [...this.dirTimes.keys()].sort((a, b) => entryDepth(b) - entryDepth(a));
    for (const path of paths) {
      const [atime, mtime] = this.dirTimes.get(path)!;
      if (path === '') {
        at.utimensat(at.AT_FDCWD, this.targetDir, atime, mtime, 0, subject(path));
        continue;
      }
      const [parent, base] = splitEntryPath(path);
      at.utimensat(this.dirFd(path, parent), base, atime, mtime, at.AT_SYMLINK_NOFOLLOW, subject(path));
    }
    this.dirTimes.clear();
  }

  close(): void {
    for (const fd of this.dirFds.values()) fs.closeSync(fd);
    this.dirFds.clear();
    fs.closeSync(this.rootFd);
  }

  private rootDirectory(meta: EntryMetadata): void {
    fs.lchownSync(this.targetDir, meta.uid, meta.gid);
    fs.chmodSync(this.targetDir, meta.mode);
    setXattrs('', meta, (name, value, what) => at.lsetxattr(this.targetDir, name, value, 0, what));
    this.dirTimes.set('', [meta.atime, meta.mtime]);
  }

  /**
   * Runs `make`; when the name is taken by an earlier entry of this layer,
   * removes that and runs `make` again, except that with `mergeDirs` an
   * existing directory is kept. Returns false when it merged.
   */
  private create(entry: string, pfd: number, path: string, base: string, mergeDirs: boolean, make: () => void): boolean {
    try {
      make();
      return true;
    } catch (err) {
      if (errnoOf(err) !== EEXIST) throw err;
    }
    const existing = fs.lstatSync(procPath(pfd, base));
    if (existing.isDirectory()) {
      if (mergeDirs) return false;
      fs.rmSync(procPath(pfd, base), { recursive: true, force: true });
    } else {
      at.unlinkat(pfd, base, 0, subject(entry));
    }
    this.forget(path);
    make();
    return true;
  }

  private linkIfPresent(entry: string, tfd: number, targetBase: string, pfd: number, path: string, base: string): boolean {
    try {
      this.create(entry, pfd, path, base, false, () => at.linkat(tfd, targetBase, pfd, base, 0, subject(entry)));
      return true;
    } catch (err) {
      if (errnoOf(err) === ENOENT) return false;
      throw err;
    }
  }

  private copyUp(entry: string, target: string): void {
    const lower = findInLowerLayers(this.lowerDirs, target);
    if (!lower || lower.stat.isDirectory()) {
      throw new InvalidContentError(
        `unpack layer: hardlink \`${entry}\` points to \`${target}\`, which is not a file of this layer or a lower one`,
      );
    }
    const [parent, base] = splitEntryPath(target);
    const pfd = this.dirFd(entry, parent);
    const meta = metadataOf(lower);
    const mode = Number(lower.stat.mode);
    const what = subject(entry);
    if (lower.stat.isSymbolicLink()) {
      at.symlinkat(fs.readlinkSync(lower.path), pfd, base, what);
      this.applyMetadata(entry, pfd, base, meta, true);
    } else if (lower.stat.isFile()) {
      this.copyFileData(lower.path, at.openat(pfd, base, CREATE_FILE, 0o600, what), meta, entry);
    } else {
      at.mknodat(pfd, base, (mode & at.S_IFMT) | 0o600, lower.stat.rdev, what);
      this.applyMetadata(entry, pfd, base, meta, false);
    }
    at.utimensat(pfd, base, meta.atime, meta.mtime, at.AT_SYMLINK_NOFOLLOW, what);
  }

  private copyFileData(source: string, fd: number, meta: EntryMetadata, entry: string): void {
    const buffer = (this.writeBuffer ??= Buffer.allocUnsafe(COPY_BUFFER_SIZE));
    const sourceFd = fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      for (;;) {
        const got = fs.readSync(sourceFd, buffer, 0, buffer.length, null);
        if (got === 0) break;
        writeAll(fd, buffer.subarray(0, got));
      }
      fs.fchownSync(fd, meta.uid, meta.gid);
      fs.fchmodSync(fd, meta.mode);
      setXattrs(entry, meta, (name, value, what) => at.fsetxattr(fd, name, value, 0, what));
    } finally {
      fs.closeSync(sourceFd);
      fs.closeSync(fd);
    }
  }

  /** Owner, mode (not for symlinks) and xattrs of `base` in `pfd`. */
  private applyMetadata(entry: string, pfd: number, base: string, meta: EntryMetadata, isSymlink: boolean): void {
    at.fchownat(pfd, base, meta.uid, meta.gid, at.AT_SYMLINK_NOFOLLOW, subject(entry));
    if (!isSymlink) at.fchmodat(pfd, base, meta.mode, 0, subject(entry));
    if (meta.xattrs.length === 0) return;
    const path = procPath(pfd, base);
    setXattrs(entry, meta, (name, value, what) => at.lsetxattr(path, name, value, 0, what));
  }

  /**
   * An O_PATH fd of directory `dir` (root-relative) of this layer. Missing
   * directories are created (with a lower layer's metadata when one has
   * them) unless `create` is false, when undefined is returned instead.
   */
  private dirFd(entry: string, dir: string): number;
  private dirFd(entry: string, dir: string, create: false): number | undefined;
  private dirFd(entry: string, dir: string, create = true): number | undefined {
    if (dir === '') return this.rootFd;
    const cached = this.dirFds.get(dir);
    if (cached !== undefined) {
      this.dirFds.delete(dir);
      this.dirFds.set(dir, cached);
      return cached;
    }
    let fd: number;
    try {
      fd = at.openat2(this.rootFd, dir, { flags: OPEN_DIR, resolve: RESOLVE }, subject(entry));
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === ELOOP || errno === EXDEV) {
        throw new UnsafeEntryError(`unpack layer: entry \`${entry}\` passes through a symlink at \`${dir}\``, { cause: err });
      }
      if (errno === ENOTDIR) {
        throw new InvalidContentError(`unpack layer: entry \`${entry}\` needs \`${dir}\` to be a directory`, { cause: err });
      }
      if (errno !== ENOENT) throw err;
      if (!create) return undefined;
      fd = this.createMissingDir(entry, dir);
    }
    this.remember(dir, fd);
    return fd;
  }

  private createMissingDir(entry: string, dir: string): number {
    const [parent, base] = splitEntryPath(dir);
    const pfd = this.dirFd(entry, parent);
    at.mkdirat(pfd, base, 0o700, subject(entry));
    const lower = findInLowerLayers(this.lowerDirs, dir);
    if (lower?.stat.isDirectory()) {
      const meta = metadataOf(lower);
      this.applyMetadata(entry, pfd, base, meta, false);
      this.dirTimes.set(dir, [meta.atime, meta.mtime]);
    } else {
      at.fchmodat(pfd, base, DEFAULT_DIR_MODE, 0, subject(entry));
    }
    return at.openat2(pfd, base, { flags: OPEN_DIR, resolve: RESOLVE }, subject(entry));
  }

  private remember(dir: string, fd: number): void {
    this.dirFds.set(dir, fd);
    if (this.dirFds.size <= DIR_FD_CACHE_SIZE) return;
    const [oldest, oldFd] = this.dirFds.entries().next().value as [string, number];
    this.dirFds.delete(oldest);
    fs.closeSync(oldFd);
  }

  /** Drops cached fds and pending times of `path` and everything below it. */
  private forget(path: string): void {
    const prefix = `${path}/`;
    for (const [dir, fd] of this.dirFds) {
      if (dir === path || dir.startsWith(prefix)) {
        this.dirFds.delete(dir);
        fs.closeSync(fd);
      }
    }
    for (const dir of this.dirTimes.keys()) {
      if (dir === path || dir.startsWith(prefix)) this.dirTimes.delete(dir);
    }
  }
}

/**
 * Sets each xattr with `set`. Like Docker, a filesystem or file type that
 * refuses an xattr (ENOTSUP, EPERM: user.* on a device node) does not fail
 * the layer; any other error does.
 */
function setXattrs(entry: string, meta: EntryMetadata, set: (name: string, value: Buffer, what: string) => void): void {
  for (const [name, value] of meta.xattrs) {
    try {
      set(name, value, `\`${name}\` on ${subject(entry)}`);
    } catch (err) {
      const errno = errnoOf(err);
      if (errno !== ENOTSUP && errno !== EPERM) throw err;
    }
  }
}

function metadataOf(lower: LowerEntry): EntryMetadata {
  const { stat } = lower;
  return {
    mode: Number(stat.mode) & 0o7777,
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    atime: timespecOf(stat.atimeNs),
    mtime: timespecOf(stat.mtimeNs),
    xattrs: copyableXattrs(lower.path),
  };
}

function timespecOf(ns: bigint): at.Timespec {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

function writeAll(fd: number, chunk: Uint8Array): number {
  let offset = 0;
  while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
  return chunk.length;
}

/** A path that reaches `name` inside the directory `dirFd` without re-resolving its parents. */
function procPath(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

function subject(entry: string): string {
  return `\`${entry === '' ? '.' : entry}\``;
}

function errnoOf(err: unknown): number | undefined {
  return err instanceof SyscallError ? err.errno : undefined;
}
