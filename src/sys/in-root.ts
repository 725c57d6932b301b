/**
 * Paths inside a container's root, resolved by the kernel as if the root
 * were `/` (openat2 RESOLVE_IN_ROOT): a symlink in the image can never lead
 * a mount, a device node or a copy out to a host path. Missing components
 * are created one at a time relative to their parent's fd.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  openat2, openat, mkdirat, unlinkat, close, O_PATH, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_CREAT, O_WRONLY,
  O_RDONLY, O_NONBLOCK, O_NOCTTY, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, fdPath,
} from './fs-at';
import { SyscallError } from '../errors/syscall-error';
import { BerthError } from '../errors/berth-error';
import { ExitCode } from '../errors/exit-codes';

const IN_ROOT = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
const ENOENT = 2;

export type EntryKind = 'dir' | 'file';

function components(containerPath: string): string[] {
  return path.posix.normalize('/' + containerPath).split('/').filter((c) => c !== '' && c !== '.');
}

/** O_PATH fd of `containerPath` inside the root open at `rootFd`, or undefined when missing. */
export function openInRoot(rootFd: number, containerPath: string, extraFlags = 0): number | undefined {
  try {
    return openat2(rootFd, components(containerPath).join('/') || '.', { flags: O_PATH | O_CLOEXEC | extraFlags, resolve: IN_ROOT });
  } catch (err) {
    if (err instanceof SyscallError && err.errno === ENOENT) return undefined;
    throw err;
  }
}

/**
 * O_PATH fd of `containerPath`, created (with its parents, mode 0755) when
 * missing. With `replaceSymlink`, a final component that is a symlink is
 * removed and replaced (for /dev, /proc, /sys: the runtime owns those).
 */
export function ensureInRoot(rootFd: number, containerPath: string, kind: EntryKind, options: { replaceSymlink?: boolean; mode?: number } = {}): number {
  const parts = components(containerPath);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    const last = i === parts.length;
    const fd = openInRoot(rootFd, prefix, last && options.replaceSymlink ? O_NOFOLLOW : 0);
    if (fd !== undefined) {
      if (!last) {
        close(fd);
        continue;
      }
      const stat = fs.fstatSync(fd);
      if (stat.isSymbolicLink() && options.replaceSymlink) {
        close(fd);
        const parent = openParent(rootFd, parts, i);
        try {
          unlinkat(parent, parts[i - 1], 0);
          create(parent, parts[i - 1], kind, options.mode);
        } finally {
          close(parent);
        }
        return openInRoot(rootFd, prefix, O_NOFOLLOW)!;
      }
      return fd;
    }
    const parent = openParent(rootFd, parts, i);
    try {
      create(parent, parts[i - 1], last ? kind : 'dir', last ? options.mode : undefined);
    } finally {
      close(parent);
    }
    if (last) return openInRoot(rootFd, prefix)!;
  }
  return openat2(rootFd, '.', { flags: O_PATH | O_CLOEXEC | O_DIRECTORY, resolve: IN_ROOT });
}

function openParent(rootFd: number, parts: string[], i: number): number {
  const parent = parts.slice(0, i - 1).join('/') || '.';
  return openat2(rootFd, parent, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: IN_ROOT });
}

function create(parentFd: number, name: string, kind: EntryKind, mode?: number): void {
  // mkdirat/openat on an O_PATH dir fd work: the fd names the directory.
  if (kind === 'dir') {
    try {
      mkdirat(parentFd, name, mode ?? 0o755);
    } catch (err) {
      if (!(err instanceof SyscallError && err.errno === 17)) throw err; // EEXIST: a race, fine
    }
    return;
  }
  const fd = openat(parentFd, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode ?? 0o644);
  close(fd);
}

/** The /proc/self/fd path that names an open fd (how mount(2) is pointed at an fd). */
export { fdPath } from './fs-at';


/**
 * Contents of a regular file inside the root, or undefined when it does not exist. Anything else there (a FIFO, a
 * device, a directory: the image's choice) is refused before it is opened for reading, where a FIFO would block
 * the caller for good; the read goes through the same inode, reopened non-blocking from an O_PATH fd.
 */
export function readFileInRoot(rootFd: number, containerPath: string): string | undefined {
  let pathFd: number;
  try {
    pathFd = openat2(rootFd, components(containerPath).join('/'), { flags: O_PATH | O_CLOEXEC | O_NOFOLLOW, resolve: IN_ROOT });
  } catch (err) {
    if (err instanceof SyscallError && (err.errno === ENOENT || err.errno === 40 /* ELOOP */)) return undefined;
    throw err;
  }
  try {
    if (!fs.fstatSync(pathFd).isFile()) {
      throw new BerthError('not-a-regular-file', `read \`${containerPath}\` in the container: not a regular file`, {
        exitCode: ExitCode.RuntimeFailure,
      });
    }
    const fd = fs.openSync(fdPath(pathFd), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    try {
      return fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    close(pathFd);
  }
}
