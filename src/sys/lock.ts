/**
 * Advisory locks between berth processes: flock(2) on a lock file under the
 * data root. The lock dies with the process, so a killed berth never leaves
 * the store locked. Waiting polls with LOCK_NB so the event loop keeps
 * running (downloads in flight keep streaming while we wait).
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

function openLockFile(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | O_CLOEXEC, 0o600);
}

export interface LockOptions {
  shared?: boolean;
  /** Give up after this many milliseconds (default: 5 minutes). */
  timeoutMs?: number;
}

export class FileLock {
  private constructor(private fd: number | undefined, readonly file: string) {}

  static async acquire(file: string, options: LockOptions = {}): Promise<FileLock> {
    const fd = openLockFile(file);
    const op = (options.shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let delay = 2;
    try {
      while (!flock(fd, op)) {
        if (Date.now() > deadline) throw new StoreError(`lock \`${file}\`: timed out waiting for another berth process`);
        await sleep(delay);
        delay = Math.min(delay * 2, 100);
      }
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return new FileLock(fd, file);
  }

  /** Synchronous variant for short critical sections in synchronous code. */
  static acquireSync(file: string, options: { shared?: boolean } = {}): FileLock {
    const fd = openLockFile(file);
    try {
      flock(fd, options.shared ? LOCK_SH : LOCK_EX);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return new FileLock(fd, file);
  }

  /** The lock (exclusive) when no one holds it, else undefined: never waits. */
  static tryAcquireSync(file: string): FileLock | undefined {
    const fd = openLockFile(file);
    try {
      if (flock(fd, LOCK_EX | LOCK_NB)) return new FileLock(fd, file);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    fs.closeSync(fd);
    return undefined;
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
