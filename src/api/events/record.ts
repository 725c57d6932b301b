/**
 * The event log behind `berth events`: one JSON line per event, in Docker's
 * events-API shape, appended to <root>/events.jsonl. Every berth process
 * appends with O_APPEND and one write(2) per line, so lines from processes
 * racing each other never interleave. Past MAX_LOG_BYTES the file is
 * renamed to events.jsonl.1 (the one older generation kept) under a lock;
 * a reader holding the old file finishes it before it reopens the path.
 * Recording never fails the verb that triggered it: the event is dropped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../config/layout';
import { FileLock } from '../../sys/lock';
import { writeFileAtomic } from '../../sys/atomic-file';
import type { ContainerState } from '../../runtime/state';

export const MAX_LOG_BYTES = 4 * 1024 * 1024;

export type EventType = 'container' | 'image' | 'volume' | 'network';

/** Docker's events.Message. */
export interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  /** Seconds since the epoch. */
  time: number;
  /** Nanoseconds since the epoch (beyond 2^53: kept as a bigint, written as a JSON integer). */
  timeNano: bigint;
}

export function eventsFile(layout: DataRoot): string {
  return path.join(layout.root, 'events.jsonl');
}

/** The rotated generation, read before the current file by `--since`. */
export function rotatedEventsFile(layout: DataRoot): string {
  return `${eventsFile(layout)}.1`;
}

/** Wall-clock nanoseconds: milliseconds from Date, the rest from the monotonic clock (keeps order within a process). */
function nowNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
}

/** One line of the log: JSON with timeNano as an exact integer. */
export function serializeEvent(event: EventMessage): string {
  const { timeNano, ...rest } = event;
  return `${JSON.stringify(rest).slice(0, -1)},"timeNano":${timeNano.toString()}}`;
}

/** The inverse of serializeEvent; undefined for a torn or foreign line. */
export function parseEventLine(line: string): EventMessage | undefined {
  const nano = /"timeNano":(\d+)/.exec(line);
  if (!nano) return undefined;
  try {
    const parsed = JSON.parse(line) as EventMessage;
    if (typeof parsed.Action !== 'string' || typeof parsed.Type !== 'string') return undefined;
    return { ...parsed, timeNano: BigInt(nano[1]) };
  } catch {
    return undefined;
  }
}

export class EventLog {
  constructor(
    private readonly layout: DataRoot,
    private readonly maxBytes = MAX_LOG_BYTES,
  ) {}

  get file(): string {
    return eventsFile(this.layout);
  }

  /** Appends an event now; returns it (undefined when it could not be written). */
  record(type: EventType, action: string, actorId: string, attributes: Record<string, string>, extra: Partial<EventMessage> = {}): EventMessage | undefined {
    const timeNano = nowNano();
    const event: EventMessage = {
      ...extra,
      Type: type,
      Action: action,
      Actor: { ID: actorId, Attributes: attributes },
      scope: 'local',
      time: Number(timeNano / 1_000_000_000n),
      timeNano,
    };
    try {
      this.append(serializeEvent(event) + '\n');
      return event;
    } catch {
      return undefined;
    }
  }

  /** A container event with Docker's attributes: the labels, `image`, `name`, then `extra` (exitCode, signal...). */
  container<T extends ContainerState | undefined>(state: T, action: string, extra: Record<string, string> = {}): T {
    if (state) {
      const attributes = { ...state.labels, image: state.image, name: state.name, ...extra };
      this.record('container', action, state.id, attributes, { status: action, id: state.id, from: state.image });
    }
    return state;
  }

  /** An image event (`tag`, `untag`, `delete`, `pull`, `import`, `load`): the actor is the ID or reference. */
  image(action: string, actorId: string, name: string): void {
    this.record('image', action, actorId, { name }, { status: action, id: actorId });
  }

  /**
   * `die`, exactly once per run however many processes notice the exit at
   * the same time: the run (its start and finish times, the latter from the
   * monitor's exit record) is remembered in the bundle, under the log's lock.
   */
  containerDied(state: ContainerState): void {
    const marker = path.join(state.bundle, 'die-event');
    const key = `${state.startedAt ?? ''} ${state.finishedAt ?? ''}`;
    try {
      const lock = FileLock.acquireSync(this.layout.lock('events'));
      try {
        if (readIfExists(marker) === key) return;
        writeFileAtomic(marker, key, { durable: false });
      } finally {
        lock.release();
      }
    } catch {
      return;
    }
    this.container(state, 'die', { exitCode: String(state.exitCode ?? 0) });
  }

  private append(line: string): void {
    fs.mkdirSync(this.layout.root, { recursive: true });
    const fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o600);
    let size: number;
    try {
      const data = Buffer.from(line);
      // One write(2): O_APPEND makes it atomic against other appenders (a regular file, well under any limit).
      fs.writeSync(fd, data, 0, data.length);
      size = fs.fstatSync(fd).size;
    } finally {
      fs.closeSync(fd);
    }
    if (size > this.maxBytes) this.rotate();
  }

  private rotate(): void {
    const lock = FileLock.acquireSync(this.layout.lock('events'));
    try {
      // Another process may have rotated meanwhile: check the path again.
      if (fs.statSync(this.file).size > this.maxBytes) fs.renameSync(this.file, rotatedEventsFile(this.layout));
    } finally {
      lock.release();
    }
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
