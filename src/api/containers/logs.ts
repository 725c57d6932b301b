/**
 * Reading a container's json-file log (written by berth-monitor, one JSON
 * object a line: {"log":"...","stream":"stdout|stderr","time":"..."}), for
 * Docker's `logs [-f] [--tail N] [--since T]`. Following polls the file and
 * ends once the container has stopped and its monitor has drained the last
 * lines.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../errors/kinds';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as written. */
  time: string;
  /** The bytes of one line, with its newline (a partial line has none). */
  log: string;
}

export interface LogsOptions {
  follow?: boolean;
  /** The last N lines only (undefined: all). */
  tail?: number;
  /** Only entries at or after this time (ms since the epoch). */
  sinceMs?: number;
}

const FOLLOW_POLL_MS = 100;

/** Docker's --since: RFC 3339 (or a date), Unix seconds with fraction, or a Go duration ago (`10m`, `1h30m`). */
export function parseSince(text: string, nowMs = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const duration = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(text) ? goDurationMs(text) : undefined;
  if (duration !== undefined) return nowMs - duration;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`invalid value for "since": \`${text}\` is not a timestamp or a duration`);
  return ms;
}

function goDurationMs(text: string): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, value, u] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(value) * unit[u];
  return total;
}

/** Parses complete lines; a torn or foreign line is skipped. */
export function parseLogLines(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const entry = JSON.parse(line) as LogEntry;
      if ((entry.stream === 'stdout' || entry.stream === 'stderr') && typeof entry.log === 'string') entries.push(entry);
    } catch {
      // not a record
    }
  }
  return entries;
}

function after(entries: LogEntry[], sinceMs: number | undefined): LogEntry[] {
  return sinceMs === undefined ? entries : entries.filter((e) => Date.parse(e.time) >= sinceMs);
}

/** Reads from `offset` to the end; returns the complete lines and the offset after the last one. */
function readFrom(file: string, offset: number): { text: string; next: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', next: offset };
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return { text: '', next: offset };
    const buf = Buffer.alloc(size - offset);
    const n = fs.readSync(fd, buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(0x0a, n - 1) + 1; // a line still being written waits for the next round
    return { text: buf.subarray(0, end).toString('utf8'), next: offset + end };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The entries of `file`, then (with follow) new ones as they are written,
 * until `active()` turns false (checked before each read, so the lines
 * written before the end are never lost).
 */
export async function* readLogs(file: string, options: LogsOptions, active: () => boolean): AsyncGenerator<LogEntry> {
  let { text, next } = readFrom(file, 0);
  let entries = after(parseLogLines(text), options.sinceMs);
  if (options.tail !== undefined) entries = options.tail <= 0 ? [] : entries.slice(-options.tail);
  yield* entries;
  if (!options.follow) return;
  for (;;) {
    const running = active();
    ({ text, next } = readFrom(file, next));
    yield* after(parseLogLines(text), options.sinceMs);
    if (!running) return;
    await sleep(FOLLOW_POLL_MS);
  }
}
