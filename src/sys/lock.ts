/**
 * Advisory locks between berth processes: flock(2) on a lock file under the
 * data root. The lock dies with the process, so a killed berth never leaves
 * the store locked. Waiting polls with LOCK_NB so the event loop keeps
 * running (downloads in flight keep streaming while we wait).
 *
 * A lock file may be removed (a removed container's), and flock locks an
 * inode, not a path. The rule that keeps that safe: a lock file is unlinked
 * only by a holder of its lock (unlinkAndRelease), and whoever acquires a
 * lock checks after flock() that the path still names the inode it locked;
 * if not (the file was unlinked while it waited), it locks the file now at
 * the path (created afresh) instead. So two processes never both believe
 * they hold the lock of one path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { libcFunction, lastErrno } from './libc';
import { SyscallError } from '../errors/syscall-error';
import { StoreError } from '../errors/kinds';

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EWOULDBLOCK = 11;
const EINTR = 4;
const O_CLOEXEC = 0o2000000;

function flock(fd: number, op: number): boolean {
  const fn = libcFunction('int flock(int fd, int op)');
  for (;;) {
    if (fn(fd, op) === 0) return true;
    const errno = lastErrno();
    if (errno === EINTR) continue;
    if (errno === EWOULDBLOCK) return false;
    throw new SyscallError('flock', errno);
  }
}

export interface LockOptions {
  shared?: boolean;
  /** Give up after this many milliseconds (default: 5 minutes). */
  timeoutMs?: number;
}

function openLockFile(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | O_CLOEXEC, 0o600);
}

/** True while `file` still names the inode open as `fd` (false once it was unlinked, or replaced). */
function stillAtPath(fd: number, file: string): boolean {
  const held = fs.fstatSync(fd);
  try {
    const now = fs.statSync(file);
    return now.ino === held.ino && now.dev === held.dev;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * One attempt: open (creating) the file, take the lock with `lock(fd)`, and
 * keep it only if the path still names that file. 'busy' when `lock` did not
 * get it, 'moved' when the file was unlinked meanwhile (try again).
 */
function attempt(file: string, lock: (fd: number) => boolean): number | 'busy' | 'moved' {
  const fd = openLockFile(file);
  try {
    if (!lock(fd)) {
      fs.closeSync(fd);
      return 'busy';
    }
    if (stillAtPath(fd, file)) return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  fs.closeSync(fd); // closing drops the lock on the unlinked inode
  return 'moved';
}

export class FileLock {
  private constructor(private fd: number | undefined, readonly file: string) {}

  static async acquire(file: string, options: LockOptions = {}): Promise<FileLock> {
    const op = (options.shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let delay = 2;
    for (;;) {
      const got = attempt(file, (fd) => flock(fd, op));
      if (typeof got === 'number') return new FileLock(got, file);
      if (got === 'moved') continue;
      if (Date.now() > deadline) throw new StoreError(`lock \`${file}\`: timed out waiting for another berth process`);
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
    }
  }

  /** Synchronous variant for short critical sections in synchronous code. */
  static acquireSync(file: string, options: { shared?: boolean } = {}): FileLock {
    const op = options.shared ? LOCK_SH : LOCK_EX;
    for (;;) {
      const got = attempt(file, (fd) => flock(fd, op));
      if (typeof got === 'number') return new FileLock(got, file);
    }
  }

  /** The lock if nobody holds it now, else undefined (never waits). */
  static tryAcquireSync(file: string, options: { shared?: boolean } = {}): FileLock | undefined {
    const op = (options.shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    for (;;) {
      const got = attempt(file, (fd) => flock(fd, op));
      if (typeof got === 'number') return new FileLock(got, file);
      if (got === 'busy') return undefined;
    }
  }

  release(): void {
    if (this.fd === undefined) return;
    try {
      flock(this.fd, LOCK_UN);
    } finally {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /**
   * Removes the lock file, then releases it: for the lock of a thing that no
   * longer exists. Waiters on the old inode see it gone and lock afresh.
   */
  unlinkAndRelease(): void {
    if (this.fd === undefined) return;
    try {
      // Held, so nobody else can have unlinked or replaced it since we checked.
      fs.rmSync(this.file, { force: true });
    } finally {
      this.release();
    }
  }
}

/** Runs fn while holding the lock on `file`. */
export async function withLock<T>(file: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  const lock = await FileLock.acquire(file, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
