/**
 * Volumes on disk: volumes/<name>/volume.json (the record, written
 * atomically) and volumes/<name>/_data (what containers mount). Changes
 * happen under one store-wide lock, taken synchronously: container start
 * records a volume as populated from the CLI's main thread while it is
 * inside the container's namespaces, where nothing may be awaited.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { directorySize } from '../containers/disk-usage';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../../config/layout';
import { readJsonIfExists, writeJsonAtomic } from '../../sys/atomic-file';
import { FileLock } from '../../sys/lock';
import { VolumeRecord } from './record';

const RECORD = 'volume.json';

export class VolumeStore {
  constructor(private readonly layout: DataRoot) {}

  dir(name: string): string {
    return path.join(this.layout.volumes, name);
  }

  dataDir(name: string): string {
    return path.join(this.dir(name), '_data');
  }

  /** Runs fn holding the volumes lock. */
  locked<T>(fn: () => T): T {
    const lock = FileLock.acquireSync(this.layout.lock('volumes'));
    try {
      return fn();
    } finally {
      lock.release();
    }
  }

  read(name: string): VolumeRecord | undefined {
    // A name with a slash or a leading dot is no volume's (and must not walk out of volumes/).
    if (name.includes('/') || name.startsWith('.') || name === '') return undefined;
    const record = readJsonIfExists<VolumeRecord>(path.join(this.dir(name), RECORD));
    if (record) record.Mountpoint = this.dataDir(name);
    return record;
  }

  names(): string[] {
    if (!fs.existsSync(this.layout.volumes)) return [];
    return fs.readdirSync(this.layout.volumes).filter((n) => !n.startsWith('.') && fs.existsSync(path.join(this.dir(n), RECORD)));
  }

  list(): VolumeRecord[] {
    return this.names()
      .map((n) => this.read(n))
      .filter((r): r is VolumeRecord => r !== undefined);
  }

  /** Creates `_data` (mode 0755, as Docker) then writes the record: a volume without its record is not listed. */
  write(record: VolumeRecord): VolumeRecord {
    fs.mkdirSync(this.dataDir(record.Name), { recursive: true, mode: 0o755 });
    const stored = { ...record, Mountpoint: this.dataDir(record.Name) };
    writeJsonAtomic(path.join(this.dir(record.Name), RECORD), stored);
    return stored;
  }

  /** Renames the volume's directory aside, then deletes it: a half-deleted volume is never listed. */
  delete(name: string): void {
    const dir = this.dir(name);
    if (!fs.existsSync(dir)) return;
    const doomed = path.join(this.layout.volumes, `.removing-${name}-${randomBytes(4).toString('hex')}`);
    fs.renameSync(dir, doomed);
    fs.rmSync(doomed, { recursive: true, force: true });
  }

  /** Bytes of the volume's data as Docker counts them: every non-directory once (hard links once). */
  diskUsage(name: string): number {
    return directorySize(this.dataDir(name), { hardLinksOnce: true });
  }
}
