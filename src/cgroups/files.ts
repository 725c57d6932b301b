/**
 * Reading and writing cgroupfs files. Cgroup files are kernel interfaces,
 * not store files: each value goes in one write(2) on an existing file
 * (never created, so a missing controller file is an error, also on the
 * fake trees of the unit tests), and every failure names the file and value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BerthError, BerthErrorOptions } from '../errors/berth-error';
import { describeErrno } from '../errors/syscall-error';

/** A cgroup operation failed: message names the file and the value. */
export class CgroupError extends BerthError {
  constructor(message: string, options?: BerthErrorOptions) {
    super('cgroup', message, options);
  }
}

/** `EBUSY (device or resource busy)` for a Node fs error, or its message. */
export function errnoReason(err: unknown): string {
  const errno = (err as NodeJS.ErrnoException).errno;
  if (typeof errno === 'number') {
    const [name, description] = describeErrno(Math.abs(errno));
    return `${name} (${description})`;
  }
  return err instanceof Error ? err.message : String(err);
}

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** Writes one value to one cgroup file; tests pass a recorder to check the order of writes. */
export type CgroupWriter = (dir: string, file: string, value: string) => void;

export function writeCgroupFile(dir: string, file: string, value: string): void {
  const target = path.join(dir, file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    fs.writeSync(fd, value);
  } catch (err) {
    throw new CgroupError(`write \`${value}\` to \`${target}\`: ${errnoReason(err)}`, { cause: err });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function readCgroupFile(dir: string, file: string): string {
  const target = path.join(dir, file);
  try {
    return fs.readFileSync(target, 'utf8').trim();
  } catch (err) {
    throw new CgroupError(`read \`${target}\`: ${errnoReason(err)}`, { cause: err });
  }
}

/** Content of `file`, or undefined when the file does not exist (controller absent). */
export function readCgroupFileIfExists(dir: string, file: string): string | undefined {
  if (!fs.existsSync(path.join(dir, file))) return undefined;
  return readCgroupFile(dir, file);
}

export function cgroupFileExists(dir: string, file: string): boolean {
  return fs.existsSync(path.join(dir, file));
}

/** A file holding one integer (or `max`, returned as Infinity). */
export function parseCgroupNumber(text: string, target: string): number {
  if (text === 'max') return Infinity;
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) {
    throw new CgroupError(`parse \`${target}\`: \`${text}\` is not a number`);
  }
  return value;
}

/** Flat keyed files (`key value` per line: memory.events, cpu.stat, memory.oom_control). */
export function parseKeyedFile(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) values.set(key, Number(value));
  }
  return values;
}

/** Pids listed in a cgroup.procs file. */
export function readProcs(dir: string): number[] {
  const text = readCgroupFile(dir, 'cgroup.procs');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

/** Blocks the (single) calling thread: cgroup polling is synchronous by design. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Polls `done` every few ms until it returns true or `timeoutMs` passes;
 * `retry` runs before each new poll (e.g. to write FROZEN again).
 */
export function pollUntil(done: () => boolean, timeoutMs: number, retry?: () => void): boolean {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    sleepSync(delay);
    delay = Math.min(delay * 2, 50);
    retry?.();
  }
}

/**
 * rmdir of `dir` and of any cgroup below it (the container may have made
 * sub-cgroups), deepest first. Cgroup directories are removed with rmdir
 * alone: their files are kernel entries, not files to unlink. EBUSY (a
 * process still exiting) is retried for up to `timeoutMs`; a missing
 * directory is not an error.
 */
export function removeCgroupDir(dir: string, timeoutMs = 1000): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw new CgroupError(`remove cgroup \`${dir}\`: ${errnoReason(err)}`, { cause: err });
  }
  for (const entry of entries) {
    if (entry.isDirectory()) removeCgroupDir(path.join(dir, entry.name), timeoutMs);
  }
  let lastError: unknown;
  const removed = pollUntil(() => {
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return true;
      if (errnoCode(err) !== 'EBUSY') throw new CgroupError(`remove cgroup \`${dir}\`: ${errnoReason(err)}`, { cause: err });
      lastError = err;
      return false;
    }
  }, timeoutMs);
  if (!removed) {
    throw new CgroupError(`remove cgroup \`${dir}\`: ${errnoReason(lastError)}`, {
      cause: lastError,
      hint: 'processes are still in the cgroup: kill them first',
    });
  }
}

/** A cgroup path is absolute, below the root, and never climbs with `..`. */
export function validateCgroupPath(cgroupPath: string): void {
  const parts = cgroupPath.split('/');
  if (!cgroupPath.startsWith('/') || cgroupPath === '/' || parts.some((p) => p === '..' || p === '.')) {
    throw new CgroupError(`use cgroup path \`${cgroupPath}\`: must be absolute, below the root, without \`.\` or \`..\``);
  }
}

/** Pids in the cgroup at `dir` and in every cgroup below it. */
export function readProcsTree(dir: string): number[] {
  const pids = readProcs(dir);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) pids.push(...readProcsTree(path.join(dir, entry.name)));
  }
  return pids;
}

export function makeCgroupDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new CgroupError(`create cgroup \`${dir}\`: ${errnoReason(err)}`, { cause: err });
  }
}
