// What berth learns when a detached container's run ends: a restart policy waiting out its back-off shows as
// Docker's `Restarting (CODE) N seconds ago` / State.Restarting, and once the exit is reconciled into the state
// the cgroup is gone, with the kernel's OOM kill recorded first (State.OOMKilled, as Docker 20.10 reports it).
// The monitor runs bin/berth (dist/berth.js when present) for restarts: build with `make build`.
import { busyboxRoot, BusyboxRoot, cgroupDirsOf, inspect, until } from './busybox-root';

jest.setTimeout(300_000);

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

function statusColumn(name: string, all = false): string {
  const r = box.run(['ps', ...(all ? ['-a'] : []), '--filter', `name=^${name}$`, '--format', '{{.Status}}']);
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

describe('a container waiting to be restarted by its policy', () => {
  it('is Restarting (3) in ps (without -a) and restarting in inspect, then exited once stopped', async () => {
    expect(box.run(['run', '-d', '--name', 'again', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 3']).status).toBe(0);
    const shown = await until('ps to show the back-off', () => {
      const status = statusColumn('again');
      return /^Restarting \(3\) /.test(status) ? status : undefined;
    }, 30_000, 50);
    expect(shown).toMatch(/^Restarting \(3\) (Less than a second|\d+ seconds?) ago$/);
    const state = await until('inspect to show the back-off', () => {
      const s = inspect(box, 'again', '{{.State.Status}} {{.State.Restarting}} {{.State.Running}} {{.State.Pid}} {{.State.ExitCode}}');
      return s?.startsWith('restarting ') ? s : undefined;
    }, 30_000, 50);
    expect(state).toBe('restarting true true 0 3');
    expect(Number(inspect(box, 'again', '{{.RestartCount}}'))).toBeGreaterThanOrEqual(1);
    // Docker refuses a plain rm of a restarting container (the back-off may just have ended: then it is running).
    const refused = box.run(['rm', 'again']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Error: You cannot remove a (restarting container [0-9a-f]{64}\. Stop the container before attempting removal or force remove|running container)/);

    expect(box.run(['stop', '-t', '1', 'again']).status).toBe(0);
    await until('the container to stay exited', () =>
      inspect(box, 'again', '{{.State.Status}} {{.State.Restarting}}') === 'exited false' ? true : undefined, 30_000, 100);
    expect(statusColumn('again')).toBe(''); // plain ps lists running and restarting containers only
    expect(statusColumn('again', true)).toMatch(/^Exited \(\d+\) /);
  });

  it('is simply exited when the policy does not restart (on-failure after exit 0)', async () => {
    expect(box.run(['run', '-d', '--name', 'done', '--restart', 'on-failure', 'busybox', 'true']).status).toBe(0);
    await until('the exit', () => (inspect(box, 'done', '{{.State.Status}}') === 'exited' ? true : undefined), 30_000, 100);
    expect(inspect(box, 'done', '{{.State.Restarting}} {{.RestartCount}}')).toBe('false 0');
    expect(statusColumn('done', true)).toMatch(/^Exited \(0\) /);
  });
});

describe('the exit of a detached container, once read', () => {
  it('records the OOM kill (OOMKilled true, exit 137) and removes the cgroup', async () => {
    const run = box.run(['run', '-d', '--name', 'hog', '-m', '8m', 'busybox', 'sh', '-c', 'x=a; while true; do x=$x$x; done']);
    expect(run.status).toBe(0);
    const id = run.stdout.trim();
    expect(cgroupDirsOf(id).length).toBeGreaterThan(0);
    await until('the OOM kill', () => (inspect(box, 'hog', '{{.State.Status}}') === 'exited' ? true : undefined), 60_000, 100);
    expect(inspect(box, 'hog', '{{.State.OOMKilled}} {{.State.ExitCode}}')).toBe('true 137');
    expect(cgroupDirsOf(id)).toEqual([]);
  });

  it('removes the cgroup of a plain exit too, OOMKilled false; a new start makes it afresh', async () => {
    const run = box.run(['run', '-d', '--name', 'brief', 'busybox', 'sh', '-c', 'sleep 0.3']);
    expect(run.status).toBe(0);
    const id = run.stdout.trim();
    await until('the exit', () => (inspect(box, 'brief', '{{.State.Status}}') === 'exited' ? true : undefined), 30_000, 100);
    expect(inspect(box, 'brief', '{{.State.OOMKilled}} {{.State.ExitCode}}')).toBe('false 0');
    expect(cgroupDirsOf(id)).toEqual([]);
    expect(box.run(['start', 'brief']).status).toBe(0);
    expect(cgroupDirsOf(id).length).toBeGreaterThan(0);
    expect(box.run(['wait', 'brief']).stdout.trim()).toBe('0');
    await until('the cgroup to go', () => (inspect(box, 'brief', '{{.State.Status}}') === 'exited' && cgroupDirsOf(id).length === 0 ? true : undefined), 30_000, 100);
  });
});
