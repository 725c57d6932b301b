import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../../../src/config/layout';
import { EventLog, eventsFile, parseEventLine, rotatedEventsFile, serializeEvent } from '../../../../src/api/events/record';
import type { ContainerState } from '../../../../src/runtime/state';
import { tempDir } from '../../helpers/tmp';

let dir: string;
let layout: DataRoot;
beforeEach(() => {
  dir = tempDir('berth-events-');
  layout = new DataRoot(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (file = eventsFile(layout)): string[] =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

function container(overrides: Partial<ContainerState> = {}): ContainerState {
  const bundle = path.join(dir, 'containers', 'c1');
  fs.mkdirSync(bundle, { recursive: true });
  return { id: 'c'.repeat(64), name: 'web', image: 'busybox', labels: { tier: 'front' }, bundle, ...overrides } as ContainerState;
}

describe('serializeEvent / parseEventLine', () => {
  test('timeNano keeps all 19 digits through a round trip; the JSON has the events-API keys in order', () => {
    const event = {
      status: 'start', id: 'abc', from: 'busybox', Type: 'container' as const, Action: 'start',
      Actor: { ID: 'abc', Attributes: { name: 'web' } }, scope: 'local' as const, time: 1795836100, timeNano: 1795836100401541925n,
    };
    const line = serializeEvent(event);
    expect(line).toBe(
      '{"status":"start","id":"abc","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"name":"web"}},"scope":"local","time":1795836100,"timeNano":1795836100401541925}',
    );
    expect(parseEventLine(line)).toEqual(event);
  });

  test('a torn or foreign line is skipped', () => {
    expect(parseEventLine('{"status":"start","Type":"cont')).toBeUndefined();
    expect(parseEventLine('not json')).toBeUndefined();
    expect(parseEventLine('{"timeNano":1}')).toBeUndefined();
  });
});

describe('EventLog', () => {
  test('container events carry the labels, image and name, plus extra attributes; one line each', () => {
    const log = new EventLog(layout);
    const state = container();
    expect(log.container(state, 'kill', { signal: '9' })).toBe(state);
    log.container(undefined, 'start'); // nothing to record
    const [line] = lines();
    const event = parseEventLine(line)!;
    expect(event).toMatchObject({ status: 'kill', id: state.id, from: 'busybox', Type: 'container', Action: 'kill' });
    expect(event.Actor).toEqual({ ID: state.id, Attributes: { tier: 'front', image: 'busybox', name: 'web', signal: '9' } });
    expect(Math.abs(event.time * 1000 - Date.now())).toBeLessThan(5000);
    expect(event.timeNano / 1_000_000_000n).toBe(BigInt(event.time));
    expect(lines()).toHaveLength(1);
  });

  test('die is recorded once per run, however often the exit is reconciled; a new run dies again', () => {
    const log = new EventLog(layout);
    const run1 = container({ startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:00:05Z', exitCode: 3 });
    log.containerDied(run1);
    log.containerDied({ ...run1 });
    const run2 = { ...run1, startedAt: '2024-01-01T00:01:00Z', finishedAt: '2024-01-01T00:01:01Z', exitCode: 0 };
    log.containerDied(run2);
    log.containerDied(run2);
    const dies = lines().map((l) => parseEventLine(l)!);
    expect(dies.map((e) => [e.Action, e.Actor.Attributes.exitCode])).toEqual([['die', '3'], ['die', '0']]);
  });

  test('past the size bound the log moves to events.jsonl.1 (one generation kept) and a new file starts', () => {
    const log = new EventLog(layout, 1000);
    const state = container();
    for (let i = 0; i < 13; i++) log.container(state, 'start', { n: String(i) });
    const old = lines(rotatedEventsFile(layout)).map((l) => parseEventLine(l)!.Actor.Attributes.n);
    const current = lines().map((l) => parseEventLine(l)!.Actor.Attributes.n);
    for (const file of [eventsFile(layout), rotatedEventsFile(layout)]) {
      if (fs.existsSync(file)) expect(fs.statSync(file).size).toBeLessThanOrEqual(1000 + 300);
    }
    // Nothing lost between the generations that are kept: they end with the newest, in order.
    const kept = [...old, ...current].map(Number);
    expect(kept).toEqual(kept.map((_, i) => 13 - kept.length + i));
    expect(kept.length).toBeGreaterThan(2);
  });
});
