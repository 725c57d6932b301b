/**
 * The one way berth writes entries into a directory tree: the layers it
 * unpacks (layer-writer.ts), `cp` into a container or out of one, the
 * first fill of a volume, and later the build's COPY/ADD. The tree may be
 * one that a running container writes to at the same moment, so nothing
 * after the parent lookup is done by name:
 *
 *   parent    openat2 from the root fd: RESOLVE_IN_ROOT for a container's
 *             root or a volume (a symlink in it resolves inside it), or
 *             RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS for a private tree (a
 *             layer: any symlink in a parent is refused);
 *   entry     created relative to the parent's fd (mkdirat, openat with
 *             O_CREAT | O_EXCL | O_NOFOLLOW, symlinkat, mknodat, linkat),
 *             then opened O_NOFOLLOW and checked to be the type created: a
 *             directory O_RDONLY | O_DIRECTORY, a symlink or a device
 *             O_PATH; a regular file keeps the fd that created it;
 *   metadata  owner, xattrs, mode, then times, through that fd only
 *             (fd-metadata.ts): fchownat(fd, "", AT_EMPTY_PATH), and
 *             fsetxattr/fchmod/futimens on a real fd, or setxattr/fchmodat/
 *             utimensat on /proc/self/fd/N for an O_PATH fd, which the
 *             kernel resolves to that fd's inode (a symlink's own) only;
 *   dir times at finish(), deepest first, through an O_NOFOLLOW fd.
 *
 * An entry swapped for a symlink between two steps is therefore never
 * followed: the swap fails the entry or is left alone. Parent fds (real
 * directory fds) are kept in a small LRU cache (dir-fd-cache.ts), since
 * tars and walks list a directory's entries together. Only calls of
 * src/sys, no syscall newer than openat2 (Linux 5.6).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { BerthError, InvalidContentError, NotFoundError, SyscallError, UnsafeEntryError } from '../errors';
import * as at from '../sys/fs-at';
import { entryDepth, splitEntryPath } from './entry-path';
import { DirFdCache } from './dir-fd-cache';
import { FdKind, setMetadata } from './fd-metadata';
import type { EntryMetadata, TreeEntry, TreeEntryType } from './tree-entry';

export type { EntryMetadata } from './tree-entry';

/** `in-root`: a tree a container uses (its root, a volume); `beneath`: a private tree, no symlink in any parent. */
export type Resolution = 'in-root' | 'beneath';
/** Whose entries are written: their own ids, the writing process's (no chown), or fixed ids. */
export type Ownership = 'entry' | 'creator' | { uid: number; gid: number };
/**
 * An entry meeting one already at its path: a directory merges into a
 * directory and a non-directory replaces a non-directory either way;
 * `replace` (layers) also replaces a directory by a non-directory and the
 * other way round, `same-kind` (Docker's extraction) refuses that.
 */
export type Conflicts = 'replace' | 'same-kind';
export type SpecialKind = 'character-device' | 'block-device' | 'fifo';

export interface TreeWriterOptions {
  resolve: Resolution;
  ownership: Ownership;
  conflicts: Conflicts;
  /** How messages begin: `unpack layer`, `copy`. */
  verb: string;
  /** A root-relative path as messages show it (default: itself). */
  display?: (path: string) => string;
  /** Metadata of a parent directory no entry listed; default mode 0755, owner and times as created. */
  parentMetadata?: (path: string) => EntryMetadata | undefined;
  /** Set directory times at finish() (default true; Docker's volume fill leaves them at the time of the copy). */
  directoryTimes?: boolean;
}

/** A regular file being written: its content through write(), then done(), or abort() after a failure. */
export interface NewFile {
  write(chunk: Uint8Array): void;
  /** Applies the metadata and closes the file; the bytes written. */
  done(): number;
  abort(): void;
}

const { ENOENT, EEXIST, ENOTDIR, ELOOP, EXDEV, EISDIR } = os.constants.errno;

const IN_ROOT = at.RESOLVE_IN_ROOT | at.RESOLVE_NO_MAGICLINKS;
const BENEATH = at.RESOLVE_BENEATH | at.RESOLVE_NO_SYMLINKS | at.RESOLVE_NO_MAGICLINKS;
const OPEN_DIR = at.O_RDONLY | at.O_DIRECTORY | at.O_CLOEXEC;
const OPEN_CREATED_DIR = OPEN_DIR | at.O_NOFOLLOW;
const OPEN_NODE = at.O_PATH | at.O_NOFOLLOW | at.O_CLOEXEC;
const CREATE_FILE = at.O_WRONLY | at.O_CREAT | at.O_EXCL | at.O_NOFOLLOW | at.O_CLOEXEC;
const DEFAULT_DIR_MODE = 0o755;
const FILE_TYPE: Record<SpecialKind | 'symlink', number> = {
  symlink: at.S_IFLNK,
  'character-device': at.S_IFCHR,
  'block-device': at.S_IFBLK,
  fifo: at.S_IFIFO,
};

export class TreeWriter {
  private readonly resolveFlags: number;
  private readonly dirFds = new DirFdCache();
  /** Directory times, applied at the end: creating entries inside would change them. */
  private readonly dirTimes = new Map<string, [at.Timespec, at.Timespec]>();
  private rootDirFd?: number;

  /** Writes beneath the directory open at `rootFd` (O_PATH is enough), which stays the caller's to close. */
  constructor(
    private readonly rootFd: number,
    private readonly options: TreeWriterOptions,
  ) {
    this.resolveFlags = options.resolve === 'in-root' ? IN_ROOT : BENEATH;
  }

  /** Writes `entry` at root-relative `path`; a hardlink's linkname must be root-relative too. Returns the content bytes written. */
  write(path: string, entry: TreeEntry, label = entry.name): number {
    switch (entry.type) {
      case 'directory':
        this.directory(path, entry, label);
        return 0;
      case 'file': {
        const file = this.createFile(path, entry, label);
        try {
          for (const chunk of entry.content?.() ?? []) file.write(chunk);
        } catch (err) {
          file.abort();
          throw err;
        }
        return file.done();
      }
      case 'symlink':
        this.symlink(path, entry.linkname ?? '', entry, label);
        return 0;
      case 'link': {
        const target = entry.linkname ?? '';
        if (!this.hardlink(path, target, label)) {
          throw new NotFoundError(`${this.options.verb}: hardlink \`${label}\` points to \`${this.display(target)}\`, which is not there`);
        }
        return 0;
      }
      default:
        this.special(path, entry.type, [entry.devmajor ?? 0, entry.devminor ?? 0], entry, label);
        return 0;
    }
  }

  /** A directory (`''`: the root itself); one already there is kept and given `meta`. */
  directory(path: string, meta: EntryMetadata, label = path): void {
    if (path === '') {
      this.applyMetadata(this.rootDirectory(), 'real', 'directory', meta, label);
      this.noteTimes('', meta);
      return;
    }
    const [pfd, base] = this.parentOf(path, label);
    this.create(pfd, path, base, 'directory', label, () => at.mkdirat(pfd, base, 0o700, this.subject(label)));
    const fd = this.openCreated(pfd, base, 'directory', label);
    this.dirFds.remember(path, fd);
    this.applyMetadata(fd, 'real', 'directory', meta, label);
    this.noteTimes(path, meta);
  }

  /** Creates the regular file `path` (0600 until done() applies `meta`). */
  createFile(path: string, meta: EntryMetadata, label = path): NewFile {
    const [pfd, base] = this.parentOf(path, label);
    let fd = -1;
    this.create(pfd, path, base, 'file', label, () => {
      fd = at.openat(pfd, base, CREATE_FILE, 0o600, this.subject(label));
    });
    let written = 0;
    const closeOnce = (): void => {
      if (fd < 0) return;
      const open = fd;
      fd = -1;
      at.close(open);
    };
    return {
      write: (chunk) => {
        for (let done = 0; done < chunk.length; ) done += fs.writeSync(fd, chunk, done, chunk.length - done);
        written += chunk.length;
      },
      done: () => {
        try {
          this.applyMetadata(fd, 'real', 'file', meta, label);
        } finally {
          closeOnce();
        }
        return written;
      },
      abort: closeOnce,
    };
  }

  symlink(path: string, target: string, meta: EntryMetadata, label = path): void {
    const [pfd, base] = this.parentOf(path, label);
    this.create(pfd, path, base, 'symlink', label, () => at.symlinkat(target, pfd, base, this.subject(label)));
    this.withCreatedNode(pfd, base, 'symlink', label, (fd) => this.applyMetadata(fd, 'path', 'symlink', meta, label));
  }

  special(path: string, kind: SpecialKind, device: [number, number], meta: EntryMetadata, label = path): void {
    const [pfd, base] = this.parentOf(path, label);
    const dev = kind === 'fifo' ? 0n : at.makedev(device[0], device[1]);
    this.create(pfd, path, base, kind, label, () => at.mknodat(pfd, base, FILE_TYPE[kind] | 0o600, dev, this.subject(label)));
    this.withCreatedNode(pfd, base, kind, label, (fd) => this.applyMetadata(fd, 'path', kind, meta, label));
  }

  /** A hardlink at `path` to root-relative `target` (never followed); false when the target is not there. */
  hardlink(path: string, target: string, label = path): boolean {
    if (target === '') throw new InvalidContentError(`${this.options.verb}: hardlink \`${label}\` points to the root`);
    const [pfd, base] = this.parentOf(path, label);
    const [targetParent, targetBase] = splitEntryPath(target);
    // Looked up last: a lookup evicts the oldest cached fd, never the one just used.
    const tfd = this.dirFd(targetParent, label, false);
    if (tfd === undefined) return false;
    try {
      this.create(pfd, path, base, 'link', label, () => at.linkat(tfd, targetBase, pfd, base, 0, this.subject(label)));
      return true;
    } catch (err) {
      if (errnoOf(err) === ENOENT) return false;
      throw err;
    }
  }

  /** [directory fd, name] of non-root `path`, its missing parents created. The fd stays the writer's. */
  parentOf(path: string, label = path): [number, string] {
    if (path === '') throw new InvalidContentError(`${this.options.verb}: entry \`${label}\` names the root, which is a directory`);
    const [parent, base] = splitEntryPath(path);
    return [this.dirFd(parent, label), base];
  }

  /** A real fd of directory `path` (created when missing); it stays the writer's. */
  directoryFd(path: string, label = path): number {
    return path === '' ? this.rootDirectory() : this.dirFd(path, label);
  }

  /** Applies directory times, deepest first, once every entry is in place. */
  finish(): void {
    const paths = [...this.dirTimes.keys()].sort((a, b) => entryDepth(b) - entryDepth(a));
    for (const path of paths) {
      const [atime, mtime] = this.dirTimes.get(path)!;
      const cached = path === '' ? this.rootDirectory() : this.dirFds.get(path);
      const fd = cached ?? this.reopenDirectory(path);
      if (fd === undefined) continue;
      try {
        at.futimens(fd, atime, mtime, this.subject(path));
      } finally {
        if (cached === undefined) at.close(fd);
      }
    }
    this.dirTimes.clear();
  }

  /** Closes the writer's fds (not the root fd it was given). */
  close(): void {
    this.dirFds.close();
    if (this.rootDirFd !== undefined) at.close(this.rootDirFd);
    this.rootDirFd = undefined;
  }

  private rootDirectory(): number {
    this.rootDirFd ??= at.openat(this.rootFd, '.', OPEN_DIR, 0, '`.`');
    return this.rootDirFd;
  }

  /**
   * Runs `make`, which creates `base` in `pfd`. When the name is taken,
   * settles it by the writer's conflict rule and runs `make` again; a
   * directory meeting a directory is kept as it is.
   */
  private create(pfd: number, path: string, base: string, kind: TreeEntryType, label: string, make: () => void): void {
    try {
      make();
      return;
    } catch (err) {
      if (errnoOf(err) !== EEXIST) throw err;
    }
    const existing = fs.lstatSync(`${at.fdPath(pfd)}/${base}`, { throwIfNoEntry: false });
    const isDir = existing?.isDirectory() ?? false;
    if (isDir && kind === 'directory') return;
    if (existing && this.options.conflicts === 'same-kind' && isDir !== (kind === 'directory')) {
      const where = this.display(path);
      throw new BerthError(
        'kind-conflict',
        isDir ? `cannot overwrite directory "${where}" with non-directory "${label}"` : `cannot overwrite non-directory "${where}" with directory "${label}"`,
      );
    }
    if (existing) this.remove(pfd, base, label);
    this.forget(path);
    make();
  }

  /** Removes `name` in `pfd`, a directory with everything in it, through fds (nothing below is followed). */
  private remove(pfd: number, name: string, label: string): void {
    try {
      at.unlinkat(pfd, name, 0, this.subject(label));
      return;
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === ENOENT) return;
      if (errno !== EISDIR) throw err;
    }
    const fd = at.openat(pfd, name, OPEN_CREATED_DIR, 0, this.subject(label));
    try {
      for (const child of fs.readdirSync(at.fdPath(fd))) this.remove(fd, child, label);
    } finally {
      at.close(fd);
    }
    at.unlinkat(pfd, name, at.AT_REMOVEDIR, this.subject(label));
  }

  /** The fd of the entry just made at `base`, opened without following it; throws unless it is a directory. */
  private openCreated(pfd: number, base: string, kind: 'directory', label: string): number {
    try {
      return at.openat(pfd, base, OPEN_CREATED_DIR, 0, this.subject(label));
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === ELOOP || errno === ENOTDIR || errno === ENOENT) throw this.replaced(label, kind, err);
      throw err;
    }
  }

  /** Runs `fn` with an O_PATH fd of the node just made at `base`, checked to be of `kind`. */
  private withCreatedNode(pfd: number, base: string, kind: SpecialKind | 'symlink', label: string, fn: (fd: number) => void): void {
    let fd: number;
    try {
      fd = at.openat(pfd, base, OPEN_NODE, 0, this.subject(label));
    } catch (err) {
      if (errnoOf(err) === ENOENT) throw this.replaced(label, kind, err);
      throw err;
    }
    try {
      if ((fs.fstatSync(fd).mode & at.S_IFMT) !== FILE_TYPE[kind]) throw this.replaced(label, kind);
      fn(fd);
    } finally {
      at.close(fd);
    }
  }

  private replaced(label: string, kind: string, cause?: unknown): UnsafeEntryError {
    return new UnsafeEntryError(`${this.options.verb}: entry \`${label}\` is no longer the ${kind} just created (replaced meanwhile)`, { cause });
  }

  /** Owner (by the ownership rule), xattrs, mode and times of the entry open at `fd`. */
  private applyMetadata(fd: number, how: FdKind, kind: TreeEntryType, meta: EntryMetadata, label: string): void {
    const { ownership } = this.options;
    const owner: [number, number] | undefined =
      ownership === 'creator' ? undefined : ownership === 'entry' ? [meta.uid, meta.gid] : [ownership.uid, ownership.gid];
    setMetadata(fd, how, kind, meta, owner, this.subject(label));
  }

  private noteTimes(path: string, meta: EntryMetadata): void {
    if (this.options.directoryTimes === false) return;
    this.dirTimes.set(path, [meta.atime ?? meta.mtime, meta.mtime]);
  }

  /**
   * A real fd of directory `dir` (root-relative) from the cache or the
   * kernel's lookup. Missing directories are created unless `create` is
   * false, when undefined is returned instead.
   */
  private dirFd(dir: string, label: string): number;
  private dirFd(dir: string, label: string, create: false): number | undefined;
  private dirFd(dir: string, label: string, create = true): number | undefined {
    if (dir === '') return this.rootFd;
    const cached = this.dirFds.get(dir);
    if (cached !== undefined) return cached;
    const fd = this.lookupDir(dir, label);
    if (fd !== undefined) {
      this.dirFds.remember(dir, fd);
      return fd;
    }
    return create ? this.createMissingDir(dir, label) : undefined;
  }

  /** openat2 of `dir` under the writer's resolution; undefined when it is missing. */
  private lookupDir(dir: string, label: string): number | undefined {
    try {
      return at.openat2(this.rootFd, dir, { flags: OPEN_DIR, resolve: this.resolveFlags }, this.subject(label));
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === ENOENT) return undefined;
      if ((errno === ELOOP || errno === EXDEV) && this.options.resolve === 'beneath') {
        throw new UnsafeEntryError(`${this.options.verb}: entry \`${label}\` passes through a symlink at \`${this.display(dir)}\``, { cause: err });
      }
      if (errno === ENOTDIR) {
        throw new InvalidContentError(`${this.options.verb}: entry \`${label}\` needs \`${this.display(dir)}\` to be a directory`, { cause: err });
      }
      throw err;
    }
  }

  private createMissingDir(dir: string, label: string): number {
    const [parent, base] = splitEntryPath(dir);
    const pfd = this.dirFd(parent, label);
    try {
      at.mkdirat(pfd, base, 0o700, this.subject(label));
    } catch (err) {
      if (errnoOf(err) !== EEXIST) throw err;
      // Made meanwhile, or a name a lookup cannot enter (a dangling symlink in a container).
      const fd = this.lookupDir(dir, label);
      if (fd === undefined) {
        throw new InvalidContentError(`${this.options.verb}: entry \`${label}\` needs \`${this.display(dir)}\` to be a directory`, { cause: err });
      }
      this.dirFds.remember(dir, fd);
      return fd;
    }
    const fd = this.openCreated(pfd, base, 'directory', label);
    this.dirFds.remember(dir, fd);
    const meta = this.options.parentMetadata?.(dir);
    if (meta) {
      this.applyMetadata(fd, 'real', 'directory', meta, label);
      this.noteTimes(dir, meta);
    } else {
      at.fchmod(fd, DEFAULT_DIR_MODE, this.subject(label));
    }
    return fd;
  }

  private reopenDirectory(path: string): number | undefined {
    try {
      return at.openat2(this.rootFd, path, { flags: OPEN_CREATED_DIR, resolve: this.resolveFlags }, this.subject(path));
    } catch (err) {
      // In a container's tree a directory may be gone or swapped by the time its times are due: its business.
      const errno = errnoOf(err);
      if (this.options.resolve === 'in-root' && (errno === ENOENT || errno === ENOTDIR || errno === ELOOP)) return undefined;
      throw err;
    }
  }

  /** Drops cached fds and pending times of `path` and everything below it. */
  private forget(path: string): void {
    this.dirFds.forget(path);
    const prefix = `${path}/`;
    for (const dir of this.dirTimes.keys()) {
      if (dir === path || dir.startsWith(prefix)) this.dirTimes.delete(dir);
    }
  }

  private display(path: string): string {
    return this.options.display ? this.options.display(path) : path === '' ? '.' : path;
  }

  private subject(label: string): string {
    return `\`${label === '' ? '.' : label}\``;
  }
}

function errnoOf(err: unknown): number | undefined {
  return err instanceof SyscallError ? err.errno : undefined;
}
