/**
 * `events --filter` and `--since/--until`, as the docker CLI and daemon read
 * them: filters are `key=value`; values of one key are alternatives (OR),
 * different keys must all match (AND). Times are Unix seconds (with an
 * optional fraction), RFC 3339 dates, or Go durations counted back from now.
 */
import { UsageError } from '../../errors/kinds';
import type { EventMessage } from './record';

export type EventFilters = Map<string, string[]>;

/** `-f key=value` flags into a map of alternatives per key. */
export function parseEventFilters(flags: readonly string[]): EventFilters {
  const filters: EventFilters = new Map();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid argument "${flag}" for "-f, --filter" flag: bad format of filter (expected name=value)`, { exitCode: 125 });
    const key = flag.slice(0, eq).trim().toLowerCase();
    const value = flag.slice(eq + 1).trim();
    filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  return filters;
}

/** Docker's FuzzyMatch: equal, or a prefix of the source (so IDs match by prefix). */
function fuzzy(values: readonly string[], source: string | undefined): boolean {
  return source !== undefined && values.some((v) => source === v || (v !== '' && source.startsWith(v)));
}

function labelMatches(values: readonly string[], attributes: Record<string, string>): boolean {
  return values.every((v) => {
    const eq = v.indexOf('=');
    if (eq < 0) return v in attributes;
    return attributes[v.slice(0, eq)] === v.slice(eq + 1);
  });
}

/** True when the event passes every filter (unknown keys are ignored, as Docker 20.10's daemon does). */
export function eventMatches(event: EventMessage, filters: EventFilters): boolean {
  const get = (key: string): string[] | undefined => filters.get(key);
  const attributes = event.Actor.Attributes;
  const types = get('type');
  if (types && !types.includes(event.Type)) return false;
  const actions = get('event');
  // `exec_start: sh` matches `event=exec_start`.
  if (actions && !actions.some((a) => event.Action === a || event.Action.startsWith(`${a}: `))) return false;
  const containers = get('container');
  if (containers && (event.Type !== 'container' || !(fuzzy(containers, event.Actor.ID) || fuzzy(containers, attributes.name)))) return false;
  const images = get('image');
  if (images) {
    const name = event.Type === 'image' ? attributes.name : attributes.image;
    const id = event.Type === 'image' ? event.Actor.ID : undefined;
    const bare = (s: string | undefined): string | undefined => s?.replace(/:latest$/, '');
    const wanted = images.map((i) => bare(i) ?? i);
    if (!(fuzzy(images, id) || fuzzy(images, name) || wanted.includes(bare(name) ?? ''))) return false;
  }
  const labels = get('label');
  if (labels && !labelMatches(labels, attributes)) return false;
  return true;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds; undefined when the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (text === '0') return 0;
  if (!match) return undefined;
  let total = 0;
  for (const part of text.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * DURATION_UNITS[part[2]];
  }
  return match[1] === '-' ? -total : total;
}

/** RFC 3339 date-time (or date), with or without a zone (local time then), as nanoseconds since the epoch. */
function parseDateNano(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone ?? ''}`;
  const ms = Date.parse(local);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}

/**
 * A --since/--until value as nanoseconds since the epoch (Docker's
 * GetTimestamp): a duration counts back from `nowMs`.
 */
export function parseEventTime(text: string, nowMs: number = Date.now()): bigint {
  const duration = parseGoDuration(text);
  if (duration !== undefined && text !== '0') return BigInt(nowMs) * 1_000_000n - BigInt(Math.round(duration));
  const date = parseDateNano(text);
  if (date !== undefined) return date;
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (unix) return BigInt(unix[1]) * 1_000_000_000n + BigInt((unix[2] ?? '').padEnd(9, '0') || '0');
  throw new UsageError(`failed to parse value as time or duration: "${text}"`);
}
