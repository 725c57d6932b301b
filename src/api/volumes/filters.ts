/**
 * `volume ls --filter KEY=VALUE`: dangling (true/false, 1/0), name and
 * driver (each value a regular expression, any may match, as moby's
 * filters.Match), label (`key` or `key=value`, all must match).
 */
import { UsageError } from '../../errors/kinds';
import { VolumeRecord } from './record';

export interface VolumeFilter {
  dangling?: boolean;
  names: string[];
  drivers: string[];
  labels: string[];
}

const KEYS = ['dangling', 'name', 'driver', 'label'];

export function parseVolumeFilters(args: readonly string[] = []): VolumeFilter {
  const filter: VolumeFilter = { names: [], drivers: [], labels: [] };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) throw new UsageError('bad format of filter (expected name=value)');
    const key = arg.slice(0, eq).trim().toLowerCase();
    const value = arg.slice(eq + 1).trim();
    if (!KEYS.includes(key)) throw new UsageError(`invalid filter '${key}'`);
    if (key === 'dangling') {
      const flag = ['true', '1'].includes(value.toLowerCase()) ? true : ['false', '0'].includes(value.toLowerCase()) ? false : undefined;
      if (flag === undefined || (filter.dangling !== undefined && filter.dangling !== flag)) {
        throw new UsageError(`Invalid filter 'dangling=${value}'`);
      }
      filter.dangling = flag;
    } else if (key === 'name') filter.names.push(value);
    else if (key === 'driver') filter.drivers.push(value);
    else filter.labels.push(value);
  }
  return filter;
}

function matchesAny(patterns: readonly string[], text: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => {
    try {
      return new RegExp(p).test(text);
    } catch {
      return text.includes(p);
    }
  });
}

function hasLabel(labels: Record<string, string>, wanted: string): boolean {
  const eq = wanted.indexOf('=');
  if (eq < 0) return Object.prototype.hasOwnProperty.call(labels, wanted);
  const key = wanted.slice(0, eq);
  return Object.prototype.hasOwnProperty.call(labels, key) && labels[key] === wanted.slice(eq + 1);
}

/** True when the volume passes the filter; `inUse` says whether a container references it. */
export function matchesFilter(record: VolumeRecord, filter: VolumeFilter, inUse: boolean): boolean {
  if (filter.dangling !== undefined && filter.dangling === inUse) return false;
  if (!matchesAny(filter.names, record.Name)) return false;
  if (!matchesAny(filter.drivers, record.Driver)) return false;
  return filter.labels.every((l) => hasLabel(record.Labels, l));
}
