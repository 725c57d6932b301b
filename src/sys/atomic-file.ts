/**
 * Every file berth writes into its data root goes through here: written to a
 * temporary sibling, fsynced, renamed over the target, and the directory
 * fsynced, so a reader sees either the old or the new content, never half.
 * The directory must exist: a write never creates one, so a late write into
 * a directory another process removed (a container's, by `rm`) fails with
 * DirectoryGoneError instead of bringing the directory back as a ghost.
 * Callers that own a directory create it before their first write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DirectoryGoneError } from '../errors/kinds';

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * fsync the file and its directory before and after the rename (default).
   * `false` keeps the write atomic for readers (rename) but not durable
   * across a power loss: for files whose truth is re-derived anyway (a
   * container's running state, its per-container /etc files). Each
   * fsync pair costs several ms on the hot path of `run`.
   */
  durable?: boolean;
}

export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A unique temporary name beside `target`, in the same directory (same filesystem). */
export function temporarySibling(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** The ENOENT of a write into a directory that is not (or no longer) there, as a typed error. */
function gone(err: unknown, dir: string, target: string): unknown {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || fs.existsSync(dir)) return err;
  return new DirectoryGoneError(`write \`${target}\`: the directory \`${dir}\` does not exist (removed meanwhile?)`, { cause: err });
}

export function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(target);
  const tmp = temporarySibling(target);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', options.mode ?? 0o644);
  } catch (err) {
    throw gone(err, dir, target);
  }
  try {
    fs.writeFileSync(fd, data);
    if (options.mode !== undefined) fs.fchmodSync(fd, options.mode);
    if (options.durable !== false) fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw gone(err, dir, target);
  }
  if (options.durable === false) return;
  try {
    fsyncDirectory(dir);
  } catch (err) {
    throw gone(err, dir, target);
  }
}

export function writeJsonAtomic(target: string, value: unknown, options: AtomicWriteOptions = {}): void {
  writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n', options);
}

/** Parsed JSON of `file`, or undefined when it does not exist. */
export function readJsonIfExists<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}
