// Docker fidelity, checked against dockerd itself: every line of cases.txt
// runs through a private dockerd (Debian's docker.io, driven by the Docker
// CLI) and through berth, from the same state (the same fixture images,
// loaded from the same archives), and their exit codes and normalised
// stdout/stderr must agree (normalize.ts says what is normalised and why).
// At most MAX_DIFFERENCES lines carry a listed, deliberate `@difference`;
// `@pending OWNER` lines are differences another branch fixes, shown but not
// failed (and not counted) until the marker is removed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTempRoot } from '../helpers/berth';
import { parseTable, type Case } from './table';
import { berthEngine, fixtureArchives, PARITY_FIXTURES, runEngine, startDockerd, type Dockerd, type Engine } from './engines';
import { leftoversOf, play, reset, viewOf, type BaseImages, type View } from './play';

jest.setTimeout(600_000);

const MIN_CASES = 100;
const MAX_DIFFERENCES = 10;
const cases = parseTable(fs.readFileSync(path.join(__dirname, 'cases.txt'), 'utf8'));

function label(c: Case): string {
  const mark = c.difference !== undefined ? ' [difference]' : c.pending !== undefined ? ` [pending: ${c.pending}]` : '';
  return `cases.txt:${c.line}: ${c.text}${mark}`;
}

function same(a: View, b: View): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('docker parity (cases.txt through dockerd and berth)', () => {
  let work: string;
  let dockerd: Dockerd | undefined;
  let docker: Engine;
  let berth: Engine;
  let berthCleanup: (() => Promise<void>) | undefined;
  const base: BaseImages = { archives: new Map() };
  const pendingStillDiffer: string[] = [];
  const pendingNowAgree: string[] = [];

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-parity-'));
    const archives = await fixtureArchives(work);
    for (const [name, tar] of archives) base.archives.set(`${name}:latest`, tar);
    fs.mkdirSync(path.join(work, 'docker-host'));
    fs.mkdirSync(path.join(work, 'berth-host'));
    dockerd = await startDockerd(path.join(work, 'dockerd'), path.join(work, 'docker-host'));
    docker = dockerd.engine;
    const temp = await withTempRoot();
    berthCleanup = temp.cleanup;
    berth = berthEngine(temp.root, path.join(work, 'berth-host'));
    for (const engine of [docker, berth]) {
      for (const tar of archives.values()) {
        const loaded = await runEngine(engine, ['load', '-i', tar]);
        if (loaded.status !== 0) throw new Error(`${engine.name} load \`${tar}\`: ${loaded.stderr.trim()}`);
      }
      for (const name of PARITY_FIXTURES) {
        const id = await runEngine(engine, ['image', 'inspect', '-f', '{{.Id}}', name]);
        engine.ctx.images[name] = id.stdout.trim();
      }
    }
  });

  afterAll(async () => {
    try {
      await dockerd?.stop();
    } finally {
      await berthCleanup?.();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    }
    if (pendingStillDiffer.length > 0) {
      console.log(`pending lines that still differ (${pendingStillDiffer.length}):\n  ${pendingStillDiffer.join('\n  ')}`);
    }
    if (pendingNowAgree.length > 0) {
      console.log(`pending lines that now agree, remove their marker (${pendingNowAgree.length}):\n  ${pendingNowAgree.join('\n  ')}`);
    }
  });

  test(`the table has at least ${MIN_CASES} lines and at most ${MAX_DIFFERENCES} listed differences, each with its reason`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
    const differences = cases.filter((c) => c.difference !== undefined);
    expect(differences.length).toBeLessThanOrEqual(MAX_DIFFERENCES);
    for (const c of differences) expect(c.difference!.length).toBeGreaterThan(10);
  });

  test('both engines start with the same fixture images (same IDs)', () => {
    expect(berth.ctx.images).toEqual(docker.ctx.images);
  });

  test.each(cases.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    let views: [View, View];
    try {
      const [fromDocker, fromBerth] = await Promise.all([play(docker, c), play(berth, c)]);
      if (fromDocker.setupFailure) throw new Error(`cases.txt:${c.line}: docker: ${fromDocker.setupFailure} (a wrong table line)`);
      views = [viewOf(docker, c, fromDocker), viewOf(berth, c, fromBerth)];
    } finally {
      const left = leftoversOf(c);
      await Promise.all([reset(docker, base, left), reset(berth, base, left)]);
    }
    const [expected, received] = views;
    // PARITY_SHOW=1 prints what differs on a listed or pending line.
    if (process.env.PARITY_SHOW && (c.difference !== undefined || c.pending !== undefined) && !same(expected, received)) {
      console.log(label(c), JSON.stringify({ docker: expected, berth: received }, null, 2));
    }
    if (c.difference !== undefined) {
      if (same(expected, received)) {
        throw new Error(`cases.txt:${c.line}: listed as a difference (${c.difference}) but both engines agree now: remove its @difference`);
      }
      return;
    }
    if (c.pending !== undefined) {
      (same(expected, received) ? pendingNowAgree : pendingStillDiffer).push(label(c));
      return;
    }
    try {
      expect(received).toEqual(expected);
    } catch (err) {
      (err as Error).message = `cases.txt:${c.line}: ${c.text}\n(Expected: docker, Received: berth)\n\n${(err as Error).message}`;
      throw err;
    }
  });
});
