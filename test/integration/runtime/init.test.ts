// `run --init`: native/berth-reaper runs as the container's PID 1 in front of the command, forwards
// signals to it, reaps orphaned zombies and passes the command's exit code through.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { busyboxRoot, BusyboxRoot, startBerth, whenRunning } from './busybox-root';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

const REAPER = path.resolve(__dirname, '../../../native/build/berth-reaper');

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

/** `ps -o pid,ppid,stat,args` output as rows. */
function psRows(text: string): Array<{ pid: number; ppid: number; stat: string; args: string }> {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [pid, ppid, stat, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), stat, args: args.join(' ') };
    });
}

describe('berth-reaper binary', () => {
  it('prints its version', () => {
    const result = spawnSync(REAPER, ['--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^berth-reaper version \d+\.\d+\.\d+\n$/);
  });
});

describe('run --init', () => {
  it('makes the reaper PID 1, with the command and its children below it', () => {
    const result = box.run(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'sleep 100 & sleep 100 & sleep 0.3; ps -o pid,ppid,stat,args']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const rows = psRows(result.stdout);
    expect(rows[0]).toMatchObject({ pid: 1, ppid: 0 });
    expect(rows[0].args).toMatch(/^\/sbin\/docker-init -- sh -c /);
    const shell = rows.find((r) => r.ppid === 1);
    expect(shell?.pid).toBeGreaterThan(1);
    expect(rows.filter((r) => r.args === 'sleep 100' || r.args.endsWith(' sleep 100'))).toHaveLength(2);
  });

  it('reaps orphans that exit (a plain PID 1 leaves them as zombies)', () => {
    // The orphan `sleep 0.2` is re-parented to PID 1; `sleep 2` (PID 1 without --init) never waits for it.
    const script = '(sleep 0.2 &); (sleep 1; ps -o pid,ppid,stat,args) & exec sleep 2';
    const plain = box.run(['run', '--rm', 'busybox', 'sh', '-c', script]);
    expect(plain.status).toBe(0);
    expect(psRows(plain.stdout).filter((r) => r.stat.startsWith('Z'))).toHaveLength(1);

    const reaped = box.run(['run', '--rm', '--init', 'busybox', 'sh', '-c', script]);
    expect(reaped.status).toBe(0);
    const rows = psRows(reaped.stdout);
    expect(rows[0].args).toMatch(/^\/sbin\/docker-init/);
    expect(rows.filter((r) => r.stat.startsWith('Z'))).toEqual([]);
  });

  it('passes the exit code through', () => {
    expect(box.run(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'exit 42']).status).toBe(42);
    expect(box.run(['run', '--rm', '--init', 'busybox', 'true']).status).toBe(0);
    expect(box.run(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'kill -USR1 $$']).status).toBe(128 + 10);
  });

  it('reports a missing command as 127', () => {
    const result = box.run(['run', '--rm', '--init', 'busybox', 'no-such-command']);
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('no-such-command');
  });

  it('forwards `kill -s TERM` to the command: `sleep` dies and the run exits 143', async () => {
    const name = 'init-term';
    const running = startBerth(box.root, ['run', '--init', '--name', name, 'busybox', 'sleep', '30']);
    await whenRunning(box, name);
    const started = Date.now();
    expect(box.run(['kill', '-s', 'TERM', name])).toMatchObject({ status: 0, stdout: `${name}\n` });
    const result = await running.done;
    expect(result.status).toBe(143);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(box.run(['inspect', '-f', '{{.State.ExitCode}}', name]).stdout.trim()).toBe('143');
    box.run(['rm', name]);
  });

  it('forwards SIGINT and SIGHUP too (exit 130, 129)', async () => {
    for (const [signal, code] of [['INT', 130], ['HUP', 129]] as const) {
      const name = `init-${signal.toLowerCase()}`;
      const running = startBerth(box.root, ['run', '--rm', '--init', '--name', name, 'busybox', 'sleep', '30']);
      await whenRunning(box, name);
      expect(box.run(['kill', '-s', signal, name]).status).toBe(0);
      expect((await running.done).status).toBe(code);
    }
  });

  it('without --init, TERM does not stop `sleep` as PID 1', async () => {
    const name = 'no-init-term';
    const running = startBerth(box.root, ['run', '--name', name, 'busybox', 'sleep', '30']);
    await whenRunning(box, name);
    expect(box.run(['kill', '-s', 'TERM', name]).status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(box.run(['inspect', '-f', '{{.State.Status}}', name]).stdout.trim()).toBe('running');
    box.run(['kill', name]);
    expect((await running.done).status).toBe(137);
    box.run(['rm', name]);
  });
});
