// Container lifecycle through the CLI: create, start -a, ps, inspect, kill, wait, rm, run --rm, run -i,
// names, and what is left on the host afterwards (mounts, cgroups, processes).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  busyboxRoot, BusyboxRoot, cgroupDirsOf, hostMountsUnder, inspect, processAlive, processesUsing, startBerth, until, whenRunning,
} from './busybox-root';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

/** Nothing of container `id` is left on the host. */
function expectNoTrace(id: string): void {
  expect(hostMountsUnder(box.root)).toEqual([]);
  expect(cgroupDirsOf(id)).toEqual([]);
  expect(processesUsing(box.root)).toEqual([]);
  expect(box.run(['ps', '-aq', '--no-trunc']).stdout).not.toContain(id);
}

describe('create, start, ps, inspect', () => {
  let id: string;

  it('create makes a container in status created, start -a prints its output and exit code', () => {
    const created = box.run(['create', '--name', 'three', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(created.status).toBe(0);
    id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(inspect(box, 'three', '{{.State.Status}}')).toBe('created');
    const started = box.run(['start', '-a', 'three']);
    expect(started).toEqual({ status: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(inspect(box, 'three', '{{.State.Status}} {{.State.ExitCode}}')).toBe('exited 3');
  });

  it("ps -a shows Docker's columns and the exit", () => {
    const lines = box.run(['ps', '-a']).stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']);
    const row = lines.find((l) => l.endsWith(' three'))!;
    expect(row.startsWith(id.slice(0, 12) + ' ')).toBe(true);
    // dockerd quotes an argument holding a space; the CLI cuts the line at 20 characters.
    expect(row).toMatch(/ busybox +"sh -c 'echo out; ec…" +.* ago +Exited \(3\) .* ago +three$/);
  });

  it('ps without -a lists running containers only; -q, --filter and --format', async () => {
    expect(box.run(['ps', '-q']).stdout).toBe('');
    const running = startBerth(box.root, ['run', '--name', 'runner', 'busybox', 'sleep', '30']);
    const { id: runnerId } = await whenRunning(box, 'runner');
    expect(inspect(box, 'runner', '{{.State.Status}}')).toBe('running');
    expect(box.run(['ps', '-q']).stdout).toBe(`${runnerId.slice(0, 12)}\n`);
    expect(box.run(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}']).stdout).toBe('three\n');
    expect(box.run(['ps', '--filter', 'status=running', '--format', '{{.Names}}']).stdout).toBe('runner\n');
    expect(box.run(['kill', 'runner']).status).toBe(0);
    expect((await running.done).status).toBe(137);
    expect(box.run(['rm', 'runner', 'three']).stdout).toBe('runner\nthree\n');
    expectNoTrace(runnerId);
    expectNoTrace(id);
  });
});

describe('names', () => {
  it('refuses a second container with the same name, as Docker does', () => {
    const first = box.run(['create', '--name', 'twin', 'busybox', 'true']);
    expect(first.status).toBe(0);
    const firstId = first.stdout.trim();
    const second = box.run(['create', '--name', 'twin', 'busybox', 'true']);
    expect(second.status).toBe(125);
    expect(second.stderr).toContain(
      `Conflict. The container name "/twin" is already in use by container "${firstId}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
    expect(box.run(['rm', 'twin']).status).toBe(0);
  });

  it('gives an unnamed container a random adjective_surname', () => {
    const id = box.run(['create', 'busybox', 'true']).stdout.trim();
    const name = inspect(box, id, '{{.Name}}')!;
    expect(name).toMatch(/^\/[a-z]+_[a-z]+$/);
    expect(box.run(['ps', '-a', '--format', '{{.Names}}']).stdout).toContain(name.slice(1));
    expect(box.run(['rm', id]).status).toBe(0);
  });
});

describe('kill, wait, rm', () => {
  it('refuses rm of a running container without -f, removes it with -f', async () => {
    const running = startBerth(box.root, ['run', '--name', 'busy', 'busybox', 'sleep', '30']);
    const { id, pid } = await whenRunning(box, 'busy');
    const refused = box.run(['rm', 'busy']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`);
    expect(processAlive(pid)).toBe(true);
    expect(box.run(['rm', '-f', 'busy'])).toMatchObject({ status: 0, stdout: 'busy\n' });
    expect(processAlive(pid)).toBe(false);
    expect((await running.done).status).toBe(137);
    expectNoTrace(id);
  });

  it('kill of a stopped container is an error; wait prints the exit code', () => {
    expect(box.run(['create', '--name', 'done', 'busybox', 'sh', '-c', 'exit 7']).status).toBe(0);
    const notStarted = box.run(['kill', 'done']);
    expect(notStarted.status).not.toBe(0);
    expect(notStarted.stderr).toMatch(/is not running/);
    expect(box.run(['start', '-a', 'done']).status).toBe(7);
    expect(box.run(['kill', 'done']).status).not.toBe(0);
    expect(box.run(['wait', 'done'])).toMatchObject({ status: 0, stdout: '7\n' });
    expect(box.run(['rm', 'done']).status).toBe(0);
  });

  it('wait blocks until a running container exits', async () => {
    const running = startBerth(box.root, ['run', '--name', 'waited', 'busybox', 'sh', '-c', 'sleep 1; exit 4']);
    await whenRunning(box, 'waited');
    const waited = startBerth(box.root, ['wait', 'waited']);
    expect(await waited.done).toMatchObject({ status: 0, stdout: '4\n' });
    expect((await running.done).status).toBe(4);
    expect(box.run(['rm', 'waited']).status).toBe(0);
  });
});

describe('run', () => {
  it('-i passes stdin through', () => {
    expect(box.run(['run', '--rm', '-i', 'busybox', 'cat'], 'hi\n')).toEqual({ status: 0, stdout: 'hi\n', stderr: '' });
  });

  it('without -i the container gets no stdin', () => {
    expect(box.run(['run', '--rm', 'busybox', 'cat'], 'hi\n')).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('--rm leaves no container, mount, cgroup or process behind', () => {
    const result = box.run(['run', '--rm', '--name', 'gone', 'busybox', 'sh', '-c', 'cat /proc/self/cgroup | grep -c berth; hostname']);
    expect(result.status).toBe(0);
    expect(box.run(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toContain('gone');
    expect(hostMountsUnder(box.root)).toEqual([]);
    expect(processesUsing(box.root)).toEqual([]);
    // The hostname is the ID's first 12 hex: no cgroup dir of any berth container with that prefix remains.
    const short = result.stdout.trim().split('\n').pop()!;
    expect(short).toMatch(/^[0-9a-f]{12}$/);
    for (const controller of ['memory', 'pids', 'cpu', 'devices', '']) {
      const parent = path.join('/sys/fs/cgroup', controller, 'berth');
      const children = fs.existsSync(parent) ? fs.readdirSync(parent) : [];
      expect(children.filter((c) => c.startsWith(short))).toEqual([]);
    }
  });

  it('a foreground container outlives a SIGKILLed CLI, as with Docker: ps shows it running, logs has its output, rm -f cleans up', async () => {
    const running = startBerth(box.root, ['run', '--name', 'orphan', 'busybox', 'sh', '-c', 'echo before; sleep 100']);
    const { id, pid } = await whenRunning(box, 'orphan');
    await until('the first line in the log', () => (box.run(['logs', 'orphan']).stdout === 'before\n' ? true : undefined), 10_000, 50);
    running.child.kill('SIGKILL');
    await running.done;
    expect(processAlive(pid)).toBe(true);
    expect(inspect(box, 'orphan', '{{.State.Status}}')).toBe('running');
    expect(box.run(['logs', 'orphan']).stdout).toBe('before\n');
    expect(box.run(['rm', '-f', 'orphan']).status).toBe(0);
    expect(processAlive(pid)).toBe(false);
    expectNoTrace(id);
  });
});
