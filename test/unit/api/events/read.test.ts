import * as fs from 'node:fs';
import { DataRoot } from '../../../../src/config/layout';
import { EventLog } from '../../../../src/api/events/record';
import { readEvents } from '../../../../src/api/events/read';
import { parseEventFilters } from '../../../../src/api/events/filter';
import type { ContainerState } from '../../../../src/runtime/state';
import { tempDir } from '../../helpers/tmp';

let dir: string;
let layout: DataRoot;
beforeEach(() => {
  dir = tempDir('berth-events-read-');
  layout = new DataRoot(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const state = (name: string): ContainerState => ({ id: `${name}-id`, name, image: 'busybox', labels: {}, bundle: dir }) as unknown as ContainerState;
const nowNano = (): bigint => BigInt(Date.now()) * 1_000_000n;
/** A moment surely after every event already written (their times have nanoseconds, Date.now() only milliseconds). */
const afterNow = (): bigint => nowNano() + 1_000_000n;

describe('readEvents', () => {
  test('--since replays the past (rotated generation first) and --until ends it; filters apply', async () => {
    const log = new EventLog(layout, 600);
    for (const name of ['a', 'b', 'c', 'd']) log.container(state(name), 'start');
    log.container(state('a'), 'die', { exitCode: '0' });
    const seen: string[] = [];
    for await (const e of readEvents(layout, { since: 0n, until: afterNow() })) seen.push(`${e.Actor.Attributes.name} ${e.Action}`);
    expect(seen).toEqual(['a start', 'b start', 'c start', 'd start', 'a die']);
    const filtered: string[] = [];
    const filters = parseEventFilters(['container=a', 'event=die']);
    for await (const e of readEvents(layout, { since: 0n, until: afterNow(), filters })) filtered.push(e.Action);
    expect(filtered).toEqual(['die']);
  });

  test('following shows only new events, across a rotation, until aborted', async () => {
    const log = new EventLog(layout, 500);
    log.container(state('old'), 'start');
    const abort = new AbortController();
    const guard = setTimeout(() => abort.abort(), 5000);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readEvents(layout, { pollMs: 20, signal: abort.signal })) {
        seen.push(e.Actor.Attributes.name);
        if (seen.length === 6) abort.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    for (const name of ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']) {
      log.container(state(name), 'start'); // rotates every couple of lines (a poll sees each generation)
      await new Promise((r) => setTimeout(r, 60));
    }
    await reading;
    clearTimeout(guard);
    expect(seen).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  test('an --until in the future waits for the events up to it, then ends', async () => {
    const log = new EventLog(layout);
    const until = nowNano() + 300_000_000n;
    setTimeout(() => log.container(state('late'), 'start'), 100);
    const seen: string[] = [];
    for await (const e of readEvents(layout, { until, pollMs: 20 })) seen.push(e.Actor.Attributes.name);
    expect(seen).toEqual(['late']);
  });
});
