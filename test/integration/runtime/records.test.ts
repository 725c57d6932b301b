// One bad record never takes the rest down (issue 7): a container whose state.json or config.json is damaged is
// shown as Docker shows a broken container and removed with what can be found; reads never write a state, so
// concurrent rm -f, run --rm and ps never race each other into ENOENT or ghosts; rm leaves no socket and no
// lock file; and a CLI killed at a chosen point (BERTH_CRASH_AT, src/sys/crash-point.ts) leaves a state the next
// command reconciles. The monitor runs bin/berth (dist/berth.js when present): build with `make build`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  busyboxRoot, BusyboxRoot, cgroupDirsOf, inspect, processAlive, sleep, until, whenRunning,
} from './busybox-root';
import { berth, berthAsync, BerthResult } from '../helpers/berth';
import { Berth } from '../../../src/api/engine';
import { readEvents } from '../../../src/api/events/read';
import { parseEventFilters } from '../../../src/api/events/filter';

jest.setTimeout(600_000);

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

const containerDir = (id: string): string => path.join(box.root, 'containers', id);
const lockFile = (id: string): string => path.join(box.root, 'locks', `container-${id}.lock`);
const socketFile = (id: string): string => path.join(box.root, 'sockets', `${id}.sock`);

function containerLocks(): string[] {
  const dir = path.join(box.root, 'locks');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith('container-')) : [];
}

function sockets(): string[] {
  const dir = path.join(box.root, 'sockets');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

function containerEntries(): string[] {
  const dir = path.join(box.root, 'containers');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** `run -d NAME busybox sleep 600`, waiting for it to run; its full ID and PID 1's host pid. */
async function sleeper(name: string): Promise<{ id: string; pid: number }> {
  const run = box.run(['run', '-d', '--name', name, 'busybox', 'sleep', '600']);
  expect(run).toMatchObject({ status: 0, stderr: '' });
  return whenRunning(box, name);
}

/** Nothing of the container is left: no directory, cgroup, socket, lock file or process. */
function expectGone(id: string, pid?: number): void {
  expect(fs.existsSync(containerDir(id))).toBe(false);
  expect(cgroupDirsOf(id)).toEqual([]);
  expect(fs.existsSync(socketFile(id))).toBe(false);
  expect(fs.existsSync(lockFile(id))).toBe(false);
  if (pid !== undefined) expect(processAlive(pid)).toBe(false);
}

/** Runs `count` CLI calls at most `width` at a time. */
async function inBatches(count: number, width: number, call: (i: number) => Promise<BerthResult>): Promise<BerthResult[]> {
  const results: BerthResult[] = [];
  for (let i = 0; i < count; i += width) {
    const batch = Array.from({ length: Math.min(width, count - i) }, (_, j) => call(i + j));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

function withCrashAt(point: string, args: string[]): BerthResult {
  return berth(args, { root: box.root, env: { BERTH_CRASH_AT: point } });
}

describe('a damaged state.json', () => {
  it('truncated: ps -a shows it Dead, inspect dead with State.Error, the others work, and rm -f removes it and its cgroups', async () => {
    const victim = await sleeper('victim');
    const other = await sleeper('bystander');
    const stateFile = path.join(containerDir(victim.id), 'state.json');
    fs.truncateSync(stateFile, Math.floor(fs.statSync(stateFile).size / 2));

    const ps = box.run(['ps', '-a', '--format', '{{.Names}} {{.Status}}']);
    expect(ps).toMatchObject({ status: 0, stderr: '' });
    expect(ps.stdout.split('\n')).toContain('victim Dead');
    expect(ps.stdout).toMatch(/^bystander Up /m);
    expect(box.run(['ps', '--format', '{{.Names}}']).stdout).not.toContain('victim'); // Docker's ps lists no dead ones
    expect(inspect(box, 'victim', '{{.State.Status}} {{.State.Dead}} {{.State.Running}}')).toBe('dead true false');
    expect(inspect(box, victim.id, '{{.State.Error}}')).toMatch(/^read container state `.*state\.json`: /);

    expect(inspect(box, 'bystander', '{{.State.Status}}')).toBe('running');
    expect(box.run(['exec', 'bystander', 'echo', 'still here'])).toMatchObject({ status: 0, stdout: 'still here\n' });
    expect(box.run(['run', '--rm', 'busybox', 'echo', 'new one'])).toMatchObject({ status: 0, stdout: 'new one\n' });
    expect(box.run(['start', 'victim'])).toMatchObject({
      status: 1,
      // Docker 28's start: each failure, then its summary line.
      stderr: expect.stringMatching(/^Error: cannot start container victim: container is dead\nError: failed to start containers: victim\n$/),
    });

    // The dead one's processes still run (its pid is lost with the record): rm without -f refuses, rm -f kills them.
    expect(processAlive(victim.pid)).toBe(true);
    expect(box.run(['rm', 'victim'])).toMatchObject({ status: 1 });
    expect(box.run(['rm', '-f', 'victim'])).toMatchObject({ status: 0, stdout: 'victim\n', stderr: '' });
    expectGone(victim.id, victim.pid);
    expect(inspect(box, 'bystander', '{{.State.Status}}')).toBe('running');
    expect(box.run(['rm', '-f', 'bystander']).status).toBe(0);
    expectGone(other.id, other.pid);
  });

  it('empty, or without required fields: dead under its ID, and rm -f by ID removes it', async () => {
    const empty = await sleeper('emptied');
    const partial = await sleeper('partial');
    fs.writeFileSync(path.join(containerDir(empty.id), 'state.json'), '');
    fs.writeFileSync(path.join(containerDir(partial.id), 'state.json'), JSON.stringify({ id: partial.id, name: 'partial' }));

    const ps = box.run(['ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.State}}']);
    expect(ps).toMatchObject({ status: 0, stderr: '' });
    expect(ps.stdout).toMatch(new RegExp(`^${empty.id}  dead$`, 'm'));
    expect(ps.stdout).toMatch(new RegExp(`^${partial.id} partial dead$`, 'm'));
    expect(inspect(box, partial.id, '{{.State.Error}}')).toMatch(/state\.json`: `status` is missing/);
    expect(box.run(['rm', '-f', empty.id, 'partial'])).toMatchObject({ status: 0, stderr: '' });
    expectGone(empty.id, empty.pid);
    expectGone(partial.id, partial.pid);
  });
});

describe('a damaged config.json', () => {
  it('rm -f of a running container with a corrupt config.json leaves no cgroup directory', async () => {
    const c = await sleeper('badspec');
    fs.writeFileSync(path.join(containerDir(c.id), 'config.json'), '{"ociVersion": ');
    expect(box.run(['ps', '-a', '--format', '{{.Names}} {{.State}}']).stdout).toContain('badspec running');
    expect(box.run(['rm', '-f', 'badspec'])).toMatchObject({ status: 0, stderr: '' });
    expectGone(c.id, c.pid);
  });
});

describe('concurrent commands', () => {
  it('50 concurrent rm -f of 50 running containers all succeed: no ghosts, none left running', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `many${i}`);
    const runs = await inBatches(names.length, 5, (i) => berthAsync(['run', '-d', '--name', names[i], 'busybox', 'sleep', '600'], { root: box.root }));
    expect(runs.filter((r) => r.status !== 0)).toEqual([]);
    const shown = box.run(['inspect', '-f', '{{.Id}} {{.State.Pid}} {{.State.Status}}', ...names]);
    expect(shown.status).toBe(0);
    const started = shown.stdout.trim().split('\n').map((l) => l.split(' '));
    expect(started.map(([, , status]) => status)).toEqual(names.map(() => 'running'));

    const removals = await Promise.all(names.map((n) => berthAsync(['rm', '-f', n], { root: box.root })));
    expect(removals.filter((r) => r.status !== 0 || r.stderr !== '')).toEqual([]);
    expect(box.run(['ps', '-aq'])).toMatchObject({ status: 0, stdout: '' });
    expect(containerEntries()).toEqual([]);
    for (const [id, pid] of started) expectGone(id, Number(pid));
    expect(containerLocks()).toEqual([]);
    expect(sockets()).toEqual([]);
  });

  it('20 concurrent run --rm beside a looping ps -a all succeed', async () => {
    let looping = true;
    const failedLists: BerthResult[] = [];
    const lister = (async () => {
      while (looping) {
        const r = await berthAsync(['ps', '-a'], { root: box.root });
        if (r.status !== 0 || r.stderr !== '') failedLists.push(r);
      }
    })();
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => berthAsync(['run', '--rm', '--name', `brief${i}`, 'busybox', 'echo', `run ${i}`], { root: box.root })),
    );
    looping = false;
    await lister;
    expect(runs.filter((r, i) => r.status !== 0 || r.stdout !== `run ${i}\n`)).toEqual([]);
    expect(failedLists).toEqual([]);
    // A --rm container is removed by its client before it returns.
    expect(box.run(['ps', '-aq'])).toMatchObject({ status: 0, stdout: '' });
    expect(containerEntries()).toEqual([]);
    expect(containerLocks()).toEqual([]);
  });
});

describe('recording an exit', () => {
  it('reads never write it; the library\'s reconcile (what a `container cleanup` runs) records it once: state, cgroup, one die', async () => {
    const engine = new Berth({ root: box.root, configFile: '/nonexistent/berth-test-config.json' });
    const run = box.run(['run', '-d', '--name', 'ended', 'busybox', 'sh', '-c', 'exit 5']);
    expect(run.status).toBe(0);
    const id = run.stdout.trim();
    const stateFile = path.join(containerDir(id), 'state.json');
    await until('the monitor to record the exit', () => (fs.existsSync(path.join(containerDir(id), 'exit.json')) ? true : undefined), 30_000, 50);
    expect(engine.containers.store.list().find((s) => s.id === id)).toMatchObject({ status: 'stopped', exitCode: 5 });
    expect(engine.containers.store.find('ended')?.status).toBe('stopped');
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).status).toBe('running'); // read, never written
    expect(cgroupDirsOf(id).length).toBeGreaterThan(0);

    expect(await engine.containers.reconcile('ended')).toMatchObject({ status: 'stopped', exitCode: 5 });
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toMatchObject({ status: 'stopped', exitCode: 5 });
    expect(cgroupDirsOf(id)).toEqual([]);
    await engine.containers.reconcile('ended');
    expect(inspect(box, 'ended', '{{.State.Status}} {{.State.ExitCode}}')).toBe('exited 5');
    const dies: string[] = [];
    for await (const e of readEvents(engine.layout, { since: 0n, until: BigInt(Date.now()) * 1_000_000n, filters: parseEventFilters(['container=ended', 'event=die']) })) {
      dies.push(e.Actor.Attributes.exitCode);
    }
    expect(dies).toEqual(['5']);
    expect(box.run(['rm', 'ended']).status).toBe(0);
    expectGone(id);
  });
});

describe('what rm leaves behind', () => {
  it('rm -f after kill -9 of the monitor leaves no socket', async () => {
    const c = await sleeper('orphaned');
    const monitor = Number(fs.readFileSync(path.join(containerDir(c.id), 'monitor.pid'), 'utf8'));
    expect(fs.existsSync(socketFile(c.id))).toBe(true);
    process.kill(monitor, 'SIGKILL');
    await until('the monitor to die', () => (processAlive(monitor) ? undefined : true), 10_000, 50);
    expect(box.run(['rm', '-f', 'orphaned'])).toMatchObject({ status: 0, stderr: '' });
    expectGone(c.id, c.pid);
  });

  it('the lock files of removed containers go, stale ones of containers long gone included', async () => {
    const stale = Array.from({ length: 30 }, () => randomBytes(32).toString('hex'));
    for (const id of stale) fs.writeFileSync(lockFile(id), '');
    const created = box.run(['create', '--name', 'locked', 'busybox', 'true']);
    expect(created.status).toBe(0);
    const id = created.stdout.trim();
    expect(box.run(['start', '-a', 'locked']).status).toBe(0);
    expect(fs.existsSync(lockFile(id))).toBe(true);
    expect(box.run(['rm', 'locked'])).toMatchObject({ status: 0, stderr: '' });
    expectGone(id);
    expect(containerLocks()).toEqual([]);
  });
});

describe('a CLI killed -9 at a chosen point', () => {
  it('run, after the bundle is written and before the first state: invisible, and the next create sweeps it', () => {
    const crashed = withCrashAt('create:before-state', ['run', '-d', '--name', 'unborn', 'busybox', 'sleep', '600']);
    expect(crashed.status).toBe(137);
    const orphans = containerEntries();
    expect(orphans).toHaveLength(1);
    expect(fs.existsSync(path.join(containerDir(orphans[0]), 'state.json'))).toBe(false);
    expect(box.run(['ps', '-aq'])).toMatchObject({ status: 0, stdout: '' });
    // The name was never taken; the next create removes what the killed one left.
    expect(box.run(['create', '--name', 'unborn', 'busybox', 'true']).status).toBe(0);
    expect(containerEntries()).not.toContain(orphans[0]);
    expect(box.run(['rm', 'unborn']).status).toBe(0);
    expect(containerEntries()).toEqual([]);
  });

  it('run, with the state saying running and the go byte not sent: the next ps shows it exited (125), rm removes all', async () => {
    const crashed = withCrashAt('start:before-go', ['run', '-d', '--name', 'nogo', 'busybox', 'sleep', '600']);
    expect(crashed.status).toBe(137);
    const id = await until('the monitor to record the exit', () => {
      const shown = inspect(box, 'nogo', '{{.State.Status}} {{.State.ExitCode}} {{.Id}}');
      return shown?.startsWith('exited 125 ') ? shown.split(' ')[2] : undefined;
    }, 30_000, 100);
    expect(box.run(['ps', '-a', '--format', '{{.Names}} {{.Status}}']).stdout).toMatch(/^nogo Exited \(125\) /m);
    expect(cgroupDirsOf(id)).toEqual([]); // released by the reconcile of the exit
    expect(box.run(['rm', 'nogo'])).toMatchObject({ status: 0, stderr: '' });
    expectGone(id);
  });

  it('rm -f, after the kill and before the removal: ps -a shows it exited (137), a second rm -f removes all', async () => {
    const c = await sleeper('halfkilled');
    const crashed = withCrashAt('rm:after-kill', ['rm', '-f', 'halfkilled']);
    expect(crashed.status).toBe(137);
    expect(processAlive(c.pid)).toBe(false);
    expect(box.run(['ps', '-a', '--format', '{{.Names}} {{.Status}}']).stdout).toMatch(/^halfkilled Exited \(137\) /m);
    expect(box.run(['rm', '-f', 'halfkilled'])).toMatchObject({ status: 0, stderr: '' });
    expectGone(c.id, c.pid);
  });

  it('rm -f, after the directory is renamed away: nothing is listed, and the next rm sweeps what is left', async () => {
    const c = await sleeper('halfgone');
    const crashed = withCrashAt('rm:after-rename', ['rm', '-f', 'halfgone']);
    expect(crashed.status).toBe(137);
    expect(box.run(['ps', '-aq'])).toMatchObject({ status: 0, stdout: '' });
    expect(box.run(['inspect', 'halfgone']).status).toBe(1);
    expect(processAlive(c.pid)).toBe(false);
    expect(cgroupDirsOf(c.id)).toEqual([]);
    expect(containerEntries().some((n) => n.startsWith('.removing-'))).toBe(true);
    await sleep(10);
    expect(box.run(['run', '--rm', '--name', 'after', 'busybox', 'true']).status).toBe(0);
    expect(containerEntries()).toEqual([]);
    expectGone(c.id, c.pid);
  });
});
