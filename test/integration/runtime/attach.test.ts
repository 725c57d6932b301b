// Every container runs under berth-monitor, which serves its stdio on an attach socket: `attach`,
// `start -a -i`, `run -d -i` (stdin kept open), and the logs of foreground containers.
import { spawn, ChildProcess } from 'node:child_process';
import { BERTH_BIN } from '../helpers/berth';
import { busyboxRoot, BusyboxRoot, inspect, processAlive, until, whenRunning } from './busybox-root';

jest.setTimeout(300_000);

let box: BusyboxRoot;
beforeAll(async () => {
  box = await busyboxRoot();
});
afterAll(async () => box?.cleanup());

interface Interactive {
  child: ChildProcess;
  output(): string;
  errors(): string;
  done: Promise<number>;
}

/** `berth ARGS...` with its stdin, stdout and stderr as pipes the test drives. */
function interactive(args: string[]): Interactive {
  const child = spawn(process.execPath, [BERTH_BIN, '--root', box.root, ...args], {
    env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, output: () => stdout, errors: () => stderr, done };
}

describe('attach', () => {
  it('reaches a detached -i container: its output from now on, our input to its stdin; killing attach leaves it running', async () => {
    const id = box.run(['run', '-d', '-i', '--name', 'echoer', 'busybox', 'sh', '-c', 'while read line; do echo "got $line"; done']).stdout.trim();
    const { pid } = await whenRunning(box, 'echoer');
    // Input waits in the pipe until attach has connected and relays it: the echo comes after.
    const attached = interactive(['attach', 'echoer']);
    attached.child.stdin!.write('one\n');
    await until('the echo of our line', () => (attached.output() === 'got one\n' ? true : undefined), 10_000, 50);
    attached.child.kill('SIGKILL');
    await attached.done;
    expect(processAlive(pid)).toBe(true);
    // A second client: the stdin is still open (attach does not close it when it goes).
    const again = interactive(['attach', 'echoer']);
    again.child.stdin!.write('two\n');
    await until('the echo of the second line', () => (again.output() === 'got two\n' ? true : undefined), 10_000, 50);
    expect(box.run(['logs', 'echoer']).stdout).toBe('got one\ngot two\n');
    box.run(['kill', 'echoer']);
    expect(await again.done).toBe(137);
    expect(box.run(['rm', id]).status).toBe(0);
  });

  it('exits with the container exit code when it ends', async () => {
    box.run(['run', '-d', '-i', '--name', 'five', 'busybox', 'sh', '-c', 'read x; echo "bye $x" >&2; exit 5']);
    await whenRunning(box, 'five');
    const attached = interactive(['attach', 'five']);
    attached.child.stdin!.write('now\n');
    expect(await attached.done).toBe(5);
    expect(attached.errors()).toBe('bye now\n');
    expect(attached.output()).toBe('');
    box.run(['rm', 'five']);
  });

  it('refuses a container that is not running, as Docker does (exit 1)', () => {
    box.run(['create', '--name', 'idle', 'busybox', 'true']);
    const result = box.run(['attach', 'idle']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('Error: You cannot attach to a stopped container, start it first\n');
    expect(box.run(['attach', 'no-such-box']).stderr).toBe('Error: No such container: no-such-box\n');
    box.run(['rm', 'idle']);
  });
});

describe('--detach-keys', () => {
  it('refuses keys Docker cannot read: run exits 125 before creating anything, attach exits 1', () => {
    const run = box.run(['run', '--rm', '--detach-keys', 'ctrl-1', 'busybox', 'true']);
    expect(run).toMatchObject({ status: 125, stderr: 'Error: Invalid detach keys (ctrl-1) provided\n\nRun \'berth run --help\' for more information\n' });
    expect(box.run(['ps', '-aq']).stdout).toBe('');
    expect(box.run(['attach', '--detach-keys', 'xy', 'anything'])).toMatchObject({ status: 1, stderr: 'Error: Invalid detach keys (xy) provided\n' });
  });
});

describe('start -a -i', () => {
  it('feeds our stdin to a container created with -i and closes it at our end', async () => {
    box.run(['create', '-i', '--name', 'upper', 'busybox', 'sh', '-c', 'tr a-z A-Z; echo done']);
    const started = interactive(['start', '-a', '-i', 'upper']);
    started.child.stdin!.end('hello\n');
    expect(await started.done).toBe(0);
    expect(started.output()).toBe('HELLO\ndone\n');
    expect(inspect(box, 'upper', '{{.State.Status}}')).toBe('exited');
    box.run(['rm', 'upper']);
  });
});

describe('foreground containers', () => {
  it('keep a json-file log like detached ones: logs shows both streams after run', () => {
    const ran = box.run(['run', '--name', 'fg-logged', 'busybox', 'sh', '-c', 'echo to-out; echo to-err >&2; exit 2']);
    expect(ran.status).toBe(2);
    expect(ran.stdout).toBe('to-out\n');
    expect(ran.stderr).toBe('to-err\n');
    const logs = box.run(['logs', 'fg-logged']);
    expect(logs.stdout).toBe('to-out\n');
    expect(logs.stderr).toBe('to-err\n');
    box.run(['rm', 'fg-logged']);
  });

  it('run -i passes a large stdin through and closes it at its end', () => {
    const input = 'x'.repeat(300_000) + '\n';
    const ran = box.run(['run', '--rm', '-i', 'busybox', 'wc', '-c'], input);
    expect(ran.status).toBe(0);
    expect(ran.stdout.trim()).toBe(String(input.length));
  });
});
