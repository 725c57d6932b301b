/**
 * The volume half of the engine API, Docker's local driver: create,
 * list, inspect, remove, prune, plus what container create and start need
 * (get-or-create a named volume, one anonymous volume, the once-only copy
 * of the image's content). Synchronous: container setup calls it from
 * places where nothing may be awaited.
 */
import { DataRoot } from '../../config/layout';
import { ConflictError, NotFoundError } from '../../errors/kinds';
import { VolumeStore } from './store';
import { VolumeRecord, VolumeInspect, inspectView, createdNow } from './record';
import { ANONYMOUS_LABEL, anonymousVolumeName, validateVolumeName } from './names';
import { matchesFilter, parseVolumeFilters } from './filters';

export interface CreateVolumeOptions {
  labels?: Record<string, string>;
  /** A container's volume without a name: labelled anonymous, removed by `rm -v` and `volume prune`. */
  anonymous?: boolean;
  driver?: string;
}

export interface ListVolumesOptions {
  /** `--filter` values: dangling=true|false, name=, driver=, label=. */
  filters?: readonly string[];
}

export interface RemoveVolumeOptions {
  /** Docker's -f: a missing volume is not an error. A volume in use is still refused. */
  force?: boolean;
}

export interface PruneVolumesOptions {
  /** Named volumes too, not just anonymous ones (Docker 23+'s --all). */
  all?: boolean;
}

export interface PruneVolumesResult {
  deleted: string[];
  reclaimed: number;
}

/** What the container side tells the volume side: the IDs of the containers that reference a volume. */
export interface VolumeUsage {
  volumeUsers(name: string): string[];
}

export class Volumes {
  readonly store: VolumeStore;
  containerUsage?: VolumeUsage;

  constructor(readonly layout: DataRoot) {
    this.store = new VolumeStore(layout);
  }

  private users(name: string): string[] {
    return this.containerUsage?.volumeUsers(name) ?? [];
  }

  /**
   * Docker's `volume create [NAME]`: a random 64-hex name when none is
   * given; an existing volume of that name is returned as it is.
   */
  create(name?: string, options: CreateVolumeOptions = {}): VolumeRecord {
    if (options.driver !== undefined && options.driver !== 'local') {
      throw new NotFoundError(`create ${name ?? ''}: error looking up volume plugin ${options.driver}: plugin "${options.driver}" not found`);
    }
    const chosen = name ?? anonymousVolumeName();
    validateVolumeName(chosen);
    return this.store.locked(() => {
      const existing = this.store.read(chosen);
      if (existing) return existing;
      const labels = { ...(options.labels ?? {}) };
      if (options.anonymous) labels[ANONYMOUS_LABEL] = '';
      return this.store.write({
        Name: chosen,
        Driver: 'local',
        Mountpoint: this.store.dataDir(chosen),
        CreatedAt: createdNow(),
        Labels: labels,
        Options: {},
        Scope: 'local',
        Anonymous: Boolean(options.anonymous),
        Populated: false,
      });
    });
  }

  /** The record of a volume; throws Docker's `get NAME: no such volume`. */
  get(name: string): VolumeRecord {
    const record = this.store.read(name);
    if (!record) throw new NotFoundError(`get ${name}: no such volume`);
    return record;
  }

  /** Volumes sorted by name (natural order, as the docker CLI sorts them). */
  list(options: ListVolumesOptions = {}): VolumeRecord[] {
    const filter = parseVolumeFilters(options.filters);
    return this.store
      .list()
      .filter((r) => matchesFilter(r, filter, filter.dangling === undefined ? false : this.users(r.Name).length > 0))
      .sort((a, b) => naturalCompare(a.Name, b.Name));
  }

  inspect(name: string): VolumeInspect {
    return inspectView(this.get(name));
  }

  /** Docker's `volume rm`: refused while any container (running or not) references the volume. */
  remove(name: string, options: RemoveVolumeOptions = {}): void {
    this.store.locked(() => {
      if (!this.store.read(name)) {
        if (options.force) return;
        throw new NotFoundError(`get ${name}: no such volume`);
      }
      const users = this.users(name);
      if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      this.store.delete(name);
    });
  }

  /** Docker 23+'s `volume prune`: unused anonymous volumes, or with `all` every unused volume. */
  prune(options: PruneVolumesOptions = {}): PruneVolumesResult {
    const result: PruneVolumesResult = { deleted: [], reclaimed: 0 };
    this.store.locked(() => {
      for (const record of this.store.list().sort((a, b) => naturalCompare(a.Name, b.Name))) {
        if (!options.all && !(ANONYMOUS_LABEL in record.Labels)) continue;
        if (this.users(record.Name).length > 0) continue;
        const size = this.store.diskUsage(record.Name);
        this.store.delete(record.Name);
        result.deleted.push(record.Name);
        result.reclaimed += size;
      }
    });
    return result;
  }

  /** For -v NAME:/path and --mount type=volume: the named volume, created when missing (as Docker does). */
  ensure(name: string): VolumeRecord {
    return this.create(name);
  }

  /** Should the image's content be copied into this volume at container start? (never copied yet) */
  needsContent(name: string): boolean {
    const record = this.store.read(name);
    return record !== undefined && !record.Populated;
  }

  markPopulated(name: string): void {
    this.store.locked(() => {
      const record = this.store.read(name);
      if (record && !record.Populated) this.store.write({ ...record, Populated: true });
    });
  }
}

/** Go's sortorder.NaturalLess as a comparator: digit runs compare by value, the rest byte-wise. */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a);
  const y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const digits = /^\d/.test(x[i]) && /^\d/.test(y[i]);
    if (digits) {
      const d = BigInt(x[i]) - BigInt(y[i]);
      if (d !== 0n) return d < 0n ? -1 : 1;
      if (x[i].length !== y[i].length) return x[i].length - y[i].length;
    } else if (x[i] !== y[i]) {
      return x[i] < y[i] ? -1 : 1;
    }
  }
  return x.length - y.length;
}
