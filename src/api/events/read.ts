/**
 * Reading the event log (record.ts): past events from `since`, then, when
 * following, new lines as they are appended, like `tail -f`. The file is
 * polled; after a rotation the old file (still open) is read to its end
 * before the new one is opened from its start.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataRoot } from '../../config/layout';
import { EventMessage, eventsFile, parseEventLine, rotatedEventsFile } from './record';
import { EventFilters, eventMatches } from './filter';

export interface ReadEventsOptions {
  /** Nanoseconds since the epoch; undefined: only events from now on (Docker's default). */
  since?: bigint;
  /** Stop after this time (waiting for it when it is in the future); undefined: follow until `signal` aborts. */
  until?: bigint;
  filters?: EventFilters;
  pollMs?: number;
  /** Called on every poll while following (the CLI reconciles exited containers there, so their `die` appears). */
  onPoll?: () => void;
  signal?: AbortSignal;
}

const nowNano = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** A file read line by line from an offset, kept open across a rename. */
class Tail {
  private fd: number | undefined;
  private ino = -1;
  private rest = '';
  private offset = 0;
  private start = 0;

  constructor(private readonly file: string, fromEnd: boolean) {
    this.open(fromEnd);
  }

  private open(fromEnd: boolean): void {
    try {
      this.fd = fs.openSync(this.file, fs.constants.O_RDONLY);
    } catch {
      this.fd = undefined;
      return;
    }
    const stat = fs.fstatSync(this.fd);
    this.ino = stat.ino;
    this.offset = fromEnd ? stat.size : 0;
    this.start = this.offset;
  }

  /** The file's text before where the tail started (the past, for --since). */
  before(): string {
    if (this.fd === undefined || this.start === 0) return '';
    const buf = Buffer.alloc(this.start);
    const n = fs.readSync(this.fd, buf, 0, this.start, 0);
    return buf.subarray(0, n).toString('utf8');
  }

  /** Complete lines appended since the last call. */
  lines(): string[] {
    const out = this.drain();
    // Rotated (or created) since: finish the old file, then start the new one from its beginning.
    let current: fs.Stats | undefined;
    try {
      current = fs.statSync(this.file);
    } catch {
      current = undefined;
    }
    if (current && current.ino !== this.ino) {
      this.close();
      this.rest = '';
      this.open(false);
      out.push(...this.drain());
    }
    return out;
  }

  private drain(): string[] {
    if (this.fd === undefined) return [];
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    const text = this.rest + Buffer.concat(chunks).toString('utf8');
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.filter((l) => l !== '');
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    return [];
  }
}

export async function* readEvents(layout: DataRoot, options: ReadEventsOptions = {}): AsyncGenerator<EventMessage> {
  const filters = options.filters ?? new Map();
  const pass = (e: EventMessage): boolean =>
    (options.since === undefined || e.timeNano >= options.since) &&
    (options.until === undefined || e.timeNano <= options.until) &&
    eventMatches(e, filters);
  const replay = options.since !== undefined || options.until !== undefined;
  // Opened first: nothing appended while the past is read is missed (or read twice: the tail starts at its end).
  const tail = new Tail(eventsFile(layout), true);
  try {
    if (replay) {
      const past = [...readLines(rotatedEventsFile(layout)), ...tail.before().split('\n').slice(0, -1)];
      for (const line of past) {
        const event = parseEventLine(line);
        if (event && pass(event)) yield event;
      }
    }
    const pollMs = options.pollMs ?? 200;
    for (;;) {
      if (options.signal?.aborted) return;
      if (options.until !== undefined && nowNano() > options.until) {
        for (const line of tail.lines()) {
          const event = parseEventLine(line);
          if (event && pass(event)) yield event;
        }
        return;
      }
      options.onPoll?.();
      for (const line of tail.lines()) {
        const event = parseEventLine(line);
        if (event && pass(event)) yield event;
      }
      try {
        await sleep(pollMs, undefined, { signal: options.signal });
      } catch {
        return; // aborted
      }
    }
  } finally {
    tail.close();
  }
}
