/**
 * Content-addressed blobs: blobs/sha256/<hex>. A blob enters the store only
 * by rename from the store's tmp directory after its digest was checked, so
 * a path under blobs/ always holds exactly the bytes its name promises.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../../config/layout';
import { digestHex, sha256Digest, sha256File } from '../digest';
import { writeFileAtomic, fsyncDirectory } from '../../sys/atomic-file';
import { DigestMismatchError, NotFoundError } from '../../errors/kinds';
import { processStartTime } from '../../sys/proc-stat';

export class BlobStore {
  constructor(private readonly layout: DataRoot) {}

  path(digest: string): string {
    return path.join(this.layout.blobs, 'sha256', digestHex(digest));
  }

  has(digest: string): boolean {
    return fs.existsSync(this.path(digest));
  }

  size(digest: string): number {
    return fs.statSync(this.path(digest)).size;
  }

  readBuffer(digest: string): Buffer {
    try {
      return fs.readFileSync(this.path(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`read blob \`${digest}\`: not in the store`);
      throw err;
    }
  }

  readJson<T>(digest: string): T {
    return JSON.parse(this.readBuffer(digest).toString('utf8')) as T;
  }

  /** A fresh path in the store's tmp directory, named after this process so stale ones can be swept. */
  tempPath(label = 'blob'): string {
    fs.mkdirSync(this.layout.tmp, { recursive: true });
    return path.join(this.layout.tmp, `${label}-${ownerTag()}-${randomBytes(6).toString('hex')}`);
  }

  /** Stores bytes under their digest (checking `expected` when given); returns the digest. */
  putBuffer(data: Uint8Array, expected?: string): string {
    const digest = sha256Digest(data);
    if (expected !== undefined && expected !== digest) {
      throw new DigestMismatchError(`store blob: content has digest \`${digest}\`, expected \`${expected}\``);
    }
    const target = this.path(digest);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, data, { mode: 0o644 });
    }
    return digest;
  }

  /**
   * Moves a verified temp file into the store. When `verify` is set the
   * file is hashed again first (for content that was not hashed while
   * streaming).
   */
  async commitFile(tempFile: string, digest: string, options: { verify?: boolean } = {}): Promise<void> {
    if (options.verify) {
      const actual = await sha256File(tempFile);
      if (actual !== digest) {
        fs.rmSync(tempFile, { force: true });
        throw new DigestMismatchError(`store blob: content has digest \`${actual}\`, expected \`${digest}\``);
      }
    }
    const target = this.path(digest);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // On the thread pool: a 50 MB layer takes ~0.4 s to reach this disk, time the
    // event loop spends unpacking the layers downloaded beside it.
    const handle = await fs.promises.open(tempFile, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    fs.renameSync(tempFile, target);
    fsyncDirectory(path.dirname(target));
  }

  delete(digest: string): void {
    fs.rmSync(this.path(digest), { force: true });
  }

  list(): string[] {
    const dir = path.join(this.layout.blobs, 'sha256');
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /** Removes temp files left by berth processes that no longer exist. */
  sweepTemp(): void {
    if (!fs.existsSync(this.layout.tmp)) return;
    for (const name of fs.readdirSync(this.layout.tmp)) {
      const m = /-(\d+(?:@\d+)?)-[a-f0-9]{12}/.exec(name);
      if (m && !ownerAlive(m[1])) fs.rmSync(path.join(this.layout.tmp, name), { recursive: true, force: true });
    }
  }
}

let ownTag: string | undefined;

/**
 * This process as the names of its work files give it: `<pid>@<start
 * time>`, so that a process that later reuses the pid (pid_max may be as
 * low as 32768, and threads take pids too) never keeps them from the sweep.
 */
export function ownerTag(): string {
  ownTag ??= `${process.pid}@${processStartTime(process.pid) ?? 0}`;
  return ownTag;
}

/** True while the process an owner tag names lives: same pid, same start time (a bare pid, as older berths wrote: that pid). */
export function ownerAlive(tag: string): boolean {
  const [pidText, startTime] = tag.split('@');
  const pid = Number(pidText);
  if (pid === process.pid) return startTime === undefined || tag === ownerTag();
  if (startTime !== undefined) return processStartTime(pid) === startTime;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
