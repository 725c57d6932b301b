// Detached containers under berth-monitor: run -d, start, logs [-f], stop, restart, pause, run -d --rm, the exit
// recorded after the CLI has gone, restart policies, and a CLI killed at any moment of `run -d` leaving nothing
// behind. The monitor runs bin/berth (dist/berth.js when present) for --rm and restarts: build with `make build`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  busyboxRoot, BusyboxRoot, cgroupDirsOf, hostMountsUnder, inspect, processAlive, processesUsing, sleep, until,
} from './busybox-root';
import { BerthResult, BERTH_BIN } from '../helpers/berth';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

// bin/berth plus logs/stop/restart until commands/index.ts mounts them.
const CLI = BERTH_BIN;
const ENV = { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' };

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

function cli(args: string[]): BerthResult & { ms: number } {
  const began = Date.now();
  const r = spawnSync(process.execPath, [CLI, '--root', box.root, ...args], { env: ENV, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? 137, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - began };
}

/** `logs -f` in the background: resolves with its output and how long it ran. */
function follow(name: string): Promise<BerthResult & { ms: number }> {
  const began = Date.now();
  const child = spawn(process.execPath, [CLI, '--root', box.root, 'logs', '-f', name], { env: ENV });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ status: code ?? 137, stdout, stderr, ms: Date.now() - began })));
}

function statusOf(name: string): string | undefined {
  return inspect(box, name, '{{.State.Status}} {{.State.ExitCode}}');
}

function psRow(name: string): string {
  return cli(['ps', '-a']).stdout.split('\n').find((l) => l.endsWith(` ${name}`)) ?? '';
}

/** Pids of berth-monitor processes working for this data root. */
function monitorsOfRoot(): number[] {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return argv.includes('berth-monitor') && argv.includes(box.root);
    } catch {
      return false;
    }
  });
}

function monitorPidOf(id: string): number {
  return Number(fs.readFileSync(path.join(box.root, 'containers', id, 'monitor.pid'), 'utf8'));
}

describe('run -d, ps, logs', () => {
  let id: string;

  it('run -d prints the full ID and returns while the container runs on without the CLI', async () => {
    const r = cli(['run', '-d', '--name', 'sv', 'busybox', 'sh', '-c', 'echo out; echo err >&2; sleep 30']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(r.ms).toBeLessThan(15_000); // the command sleeps 30 s
    id = r.stdout.trim();
    expect(statusOf('sv')).toBe('running 0');
    const pid = Number(inspect(box, 'sv', '{{.State.Pid}}'));
    expect(processAlive(pid)).toBe(true);
    // berth-init's parent is the monitor, in a session of its own, and the container's PID 1 is in a new PID namespace.
    const monitor = monitorPidOf(id);
    expect(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]).toBe(String(monitor));
    expect(fs.readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^NSpid:\s+\d+\s+1$/m);
    expect(psRow('sv')).toMatch(/ Up .* sv$/);
  });

  it('logs puts stdout lines on stdout and stderr lines on stderr', async () => {
    const logs = await until('the output in the log', () => {
      const r = cli(['logs', 'sv']);
      return r.stdout === 'out\n' && r.stderr === 'err\n' ? r : undefined;
    }, 10_000, 100);
    expect(logs.status).toBe(0);
    const ts = cli(['logs', '-t', 'sv']);
    expect(ts.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z out\n$/);
    expect(cli(['logs', '--tail', '1', 'sv'])).toMatchObject({ stdout: '', stderr: 'err\n' }); // the last line is stderr's
    expect(cli(['logs', '--since', '1h', 'sv']).stdout).toBe('out\n');
    expect(cli(['logs', '--since', '2099-01-01T00:00:00Z', 'sv']).stdout).toBe('');
    // Docker's json-file format, one object a line.
    const file = fs.readFileSync(path.join(box.root, 'containers', id, `${id}-json.log`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(file.map(({ log, stream }) => ({ log, stream }))).toEqual(
      expect.arrayContaining([{ log: 'out\n', stream: 'stdout' }, { log: 'err\n', stream: 'stderr' }]),
    );
  });

  it('the monitor stays under 1 MB of resident memory', () => {
    const rollup = fs.readFileSync(`/proc/${monitorPidOf(id)}/smaps_rollup`, 'utf8');
    const rssKb = Number(/^Rss:\s+(\d+) kB/m.exec(rollup)![1]);
    expect(rssKb).toBeGreaterThan(0);
    expect(rssKb).toBeLessThanOrEqual(1024);
  });

  it('stop -t 2 kills a container that ignores SIGTERM after 2 s: ps -a shows Exited (137)', () => {
    const r = cli(['stop', '-t', '2', 'sv']);
    expect(r).toMatchObject({ status: 0, stdout: 'sv\n', stderr: '' });
    expect(r.ms).toBeGreaterThanOrEqual(2000); // sh as PID 1 has no TERM handler: the kernel drops SIGTERM
    expect(statusOf('sv')).toBe('exited 137');
    expect(psRow('sv')).toMatch(/ Exited \(137\) .* ago +sv$/);
    expect(monitorsOfRoot()).toEqual([]);
  });

  it('start without -a starts it again, detached, and the log goes on', async () => {
    const r = cli(['start', 'sv']);
    expect(r).toMatchObject({ status: 0, stdout: 'sv\n' });
    expect(statusOf('sv')).toBe('running 0');
    await until('the second run in the log', () => (cli(['logs', 'sv']).stdout === 'out\nout\n' ? true : undefined), 10_000, 100);
    expect(cli(['restart', '-t', '0', 'sv'])).toMatchObject({ status: 0, stdout: 'sv\n' });
    expect(statusOf('sv')).toBe('running 0');
    expect(cli(['rm', '-f', 'sv']).status).toBe(0);
    expect(cgroupDirsOf(id)).toEqual([]);
    expect(monitorsOfRoot()).toEqual([]);
  });
});

describe('exits seen by the monitor', () => {
  it('logs -f follows a running container and ends when it exits', async () => {
    expect(cli(['run', '-d', '--name', 'lines', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.3; done']).status).toBe(0);
    const followed = await follow('lines');
    expect(followed).toMatchObject({ status: 0, stdout: 'line1\nline2\nline3\n', stderr: '' });
    expect(statusOf('lines')).toBe('exited 0');
  });

  it('ps -a shows the real exit code of a detached container, recorded after the CLI exited', async () => {
    expect(cli(['run', '-d', '--name', 'three', 'busybox', 'sh', '-c', 'sleep 0.3; exit 3']).status).toBe(0);
    await until('three to exit', () => (statusOf('three') === 'exited 3' ? true : undefined), 20_000, 100);
    expect(psRow('three')).toMatch(/ Exited \(3\) .* ago +three$/);
  });

  it('stop sends SIGTERM first: a container that exits on it stops at once with its own code', () => {
    expect(cli(['run', '-d', '--name', 'polite', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']).status).toBe(0);
    const r = cli(['stop', 'polite']);
    expect(r).toMatchObject({ status: 0, stdout: 'polite\n' });
    expect(r.ms).toBeLessThan(8000); // well under the 10 s default
    expect(statusOf('polite')).toBe('exited 0');
  });

  it('run -d --rm removes the container once it exits', async () => {
    const r = cli(['run', '-d', '--rm', '--name', 'gone', 'busybox', 'sh', '-c', 'echo bye']);
    expect(r.status).toBe(0);
    const id = r.stdout.trim();
    await until('gone to be removed', () => (cli(['ps', '-aq', '--no-trunc']).stdout.includes(id) ? undefined : true), 30_000, 200);
    expect(cgroupDirsOf(id)).toEqual([]);
    expect(fs.existsSync(path.join(box.root, 'containers', id))).toBe(false);
  });

  it('run -d of a missing command fails with 127 and runs nothing', () => {
    const r = cli(['run', '-d', '--name', 'nocmd', 'busybox', 'no-such-command']);
    expect(r.status).toBe(127);
    expect(r.stderr).toContain('executable file not found in $PATH');
    expect(statusOf('nocmd')).toMatch(/^(created|exited) 127$/);
  });
});

describe('restart policies (the monitor restarts through `berth start`, with Docker\'s back-off)', () => {
  const restarts = (name: string) => Number(inspect(box, name, '{{.RestartCount}}'));

  it('on-failure:2 restarts a failing container twice, then leaves it exited', async () => {
    expect(cli(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 1']).status).toBe(0);
    await until('two restarts', () => (restarts('flaky') === 2 && statusOf('flaky') === 'exited 1' && monitorsOfRoot().length === 0 ? true : undefined), 30_000, 100);
    expect(cli(['logs', 'flaky']).stdout).toBe('run\nrun\nrun\n');
    await sleep(1000);
    expect(restarts('flaky')).toBe(2);
  });

  it('on-failure leaves a container that exits 0 alone', async () => {
    expect(cli(['run', '-d', '--name', 'fine', '--restart', 'on-failure', 'busybox', 'true']).status).toBe(0);
    await until('fine to exit', () => (statusOf('fine') === 'exited 0' && monitorsOfRoot().length === 0 ? true : undefined), 10_000, 100);
    await sleep(700);
    expect(restarts('fine')).toBe(0);
  });

  it('always restarts after every exit until stop, which also cancels a pending restart', async () => {
    expect(cli(['run', '-d', '--name', 'again', '--restart', 'always', 'busybox', 'sh', '-c', 'echo tick; sleep 0.2']).status).toBe(0);
    await until('two restarts', () => (restarts('again') >= 2 ? true : undefined), 30_000, 100);
    expect(cli(['stop', '-t', '1', 'again'])).toMatchObject({ status: 0, stdout: 'again\n' });
    await until('the monitors to end', () => (monitorsOfRoot().length === 0 ? true : undefined), 10_000, 100);
    const ticks = cli(['logs', 'again']).stdout;
    await sleep(1500);
    expect(cli(['logs', 'again']).stdout).toBe(ticks);
    expect(statusOf('again')).toMatch(/^exited /);
    // A start by hand clears the stop: the policy applies again, counted from zero.
    expect(cli(['start', 'again']).status).toBe(0);
    expect(restarts('again')).toBe(0);
    await until('a restart after the manual start', () => (restarts('again') >= 1 ? true : undefined), 30_000, 100);
    expect(cli(['rm', '-f', 'again']).status).toBe(0);
    await until('the monitors to end', () => (monitorsOfRoot().length === 0 ? true : undefined), 10_000, 100);
    await sleep(800); // a restart pending at rm finds no container
    expect(cli(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toContain('again');
  });
});

describe('pause and unpause', () => {
  it('pause freezes the container (ps: Paused), unpause lets it go on, stop and rm -f work on a paused one', async () => {
    const r = cli(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done']);
    expect(r.status).toBe(0);
    const id = r.stdout.trim();
    await until('ticks', () => (cli(['logs', 'ticker']).stdout.split('\n').length > 3 ? true : undefined), 10_000, 100);
    expect(cli(['pause', 'ticker'])).toMatchObject({ status: 0, stdout: 'ticker\n' });
    expect(statusOf('ticker')).toBe('paused 0');
    expect(psRow('ticker')).toMatch(/ Up .* \(Paused\) +ticker$/);
    const frozenAt = cli(['logs', 'ticker']).stdout;
    await sleep(600);
    expect(cli(['logs', 'ticker']).stdout).toBe(frozenAt);
    expect(cli(['pause', 'ticker'])).toMatchObject({ status: 1, stderr: expect.stringContaining('is already paused') });
    expect(cli(['unpause', 'ticker'])).toMatchObject({ status: 0, stdout: 'ticker\n' });
    expect(statusOf('ticker')).toBe('running 0');
    await until('ticks after unpause', () => (cli(['logs', 'ticker']).stdout.length > frozenAt.length ? true : undefined), 10_000, 100);
    expect(cli(['unpause', 'ticker'])).toMatchObject({ status: 1, stderr: expect.stringContaining('is not paused') });
    expect(cli(['pause', 'ticker']).status).toBe(0);
    const stopped = cli(['stop', '-t', '1', 'ticker']);
    expect(stopped).toMatchObject({ status: 0, stdout: 'ticker\n' });
    expect(statusOf('ticker')).toBe('exited 137');
    expect(cli(['start', 'ticker']).status).toBe(0);
    expect(cli(['pause', 'ticker']).status).toBe(0);
    expect(cli(['rm', '-f', 'ticker'])).toMatchObject({ status: 0, stdout: 'ticker\n' });
    expect(cgroupDirsOf(id)).toEqual([]);
    expect(monitorsOfRoot()).toEqual([]);
  });
});

describe('a CLI killed during run -d', () => {
  it('never orphans a container: ps tells the truth and rm -f leaves no mount, cgroup or process', async () => {
    for (const delayMs of [40, 120, 250, 400, 600]) {
      const name = `killed${delayMs}`;
      const child = spawn(process.execPath, [CLI, '--root', box.root, 'run', '-d', '--name', name, 'busybox', 'sleep', '1000'], {
        env: ENV,
        stdio: 'ignore',
      });
      const closed = new Promise((resolve) => child.on('close', resolve));
      await sleep(delayMs);
      child.kill('SIGKILL');
      await closed;
      const shown = inspect(box, name, '{{.State.Status}} {{.State.Pid}} {{.Id}}');
      if (shown !== undefined) {
        const [status, pid, id] = shown.split(' ');
        // A running state always names a live process; any other state has none left in its cgroup.
        if (status === 'running') expect(processAlive(Number(pid))).toBe(true);
        const rm = cli(['rm', '-f', name]);
        expect(rm.stderr).toBe('');
        expect(cgroupDirsOf(id)).toEqual([]);
      }
      await until('the monitors to end', () => (monitorsOfRoot().length === 0 ? true : undefined), 10_000, 100);
      expect(hostMountsUnder(box.root)).toEqual([]);
      expect(processesUsing(box.root)).toEqual([]);
      expect(cli(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toContain(name);
    }
  });

  it('foreground run still works beside detached ones', () => {
    expect(cli(['run', '--rm', 'busybox', 'echo', 'hi'])).toMatchObject({ status: 0, stdout: 'hi\n' });
  });
});
