// containerd (Debian's 1.6, started privately) runs busybox through the runtime
// under test: `ctr run --runc-binary RUNTIME` in the foreground, with -t, and
// detached with exec, pause/resume, kill and delete. Every step is checked both
// by what ctr reports and by the runtime's own command lines.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { underTerminal } from '../helpers/terminal';
import { startContainerd, type PrivateContainerd } from './engines/containerd';
import { scratchDir, waitFor } from './engines/host';
import { ociArchive } from './engines/images';
import { loggedRuntime, runtimeUnderTest, verbOf, type LoggedRuntime } from './runtime-under-test';

jest.setTimeout(300_000);

const IMAGE = 'docker.io/library/busybox:latest';

describe(`containerd ctr --runc-binary ${runtimeUnderTest().label}`, () => {
  let runtime: LoggedRuntime;
  let containerd: PrivateContainerd;
  let work: string;
  const runFlags = (id: string) => ['--runc-binary', runtime.path, '--runc-root', containerd.runtimeRoot, '--cgroup', `${containerd.cgroupParent}/${id}`];
  const taskStatus = (id: string) => /\s(RUNNING|PAUSED|STOPPED|CREATED|PAUSING)\s*$/m.exec(containerd.ctr(['tasks', 'ls']).stdout.split('\n').find((l) => l.startsWith(id + ' ')) ?? '')?.[1];

  beforeAll(async () => {
    runtime = loggedRuntime();
    work = scratchDir('berth-ctr-test-');
    containerd = await startContainerd(runtime);
    containerd.importImage(ociArchive('busybox', work), 'docker.io/library/busybox');
  });

  afterAll(async () => {
    runtime?.record('containerd-ctr');
    await containerd?.stop();
    runtime?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('run --rm: the container prints, exits 3, and the runtime saw create, start, delete', () => {
    const result = containerd.ctr(['run', '--rm', ...runFlags('fg'), IMAGE, 'fg', 'sh', '-c', 'echo hi; exit 3']);
    expect(result.stdout).toBe('hi\n');
    expect(result.status).toBe(3);

    const create = runtime.calls('create').find((c) => c.args.at(-1) === 'fg');
    expect(create).toBeDefined();
    expect(create!.parent).toBe('containerd-shim');
    expect(create!.args).toEqual(expect.arrayContaining(['--root', path.join(containerd.runtimeRoot, 'default'), '--log-format', 'json', '--bundle', '--pid-file']));
    expect(runtime.calls('start').some((c) => c.args.at(-1) === 'fg')).toBe(true);
    expect(runtime.calls('delete').some((c) => c.args.at(-1) === 'fg')).toBe(true);
  });

  test('run -t: the container gets a terminal through --console-socket', async () => {
    // No `stty size`: ctr sizes the pty only after start, so an early look sees 0x0.
    const argv = ['ctr', '--address', containerd.socket, 'run', '--rm', '-t', ...runFlags('tty'), IMAGE, 'tty', 'sh', '-c', 'tty; test -t 0 && test -t 1 && echo both-ends-on-it; exit 4'];
    const { screen, status } = await underTerminal(argv);
    expect(screen).toMatch(/\/dev\/pts\/\d+\nboth-ends-on-it\n/);
    expect(status).toBe(4);
    const create = runtime.calls('create').find((c) => c.args.at(-1) === 'tty');
    expect(create?.args).toContain('--console-socket');
  });

  test('run -d, exec, pause, resume, kill, delete', async () => {
    const id = 'bg';
    const started = containerd.ctr(['run', '-d', ...runFlags(id), IMAGE, id, 'sh', '-c', 'trap "exit 9" TERM; while :; do sleep 0.1; done']);
    expect(started.stderr).toBe('');
    expect(started.status).toBe(0);
    expect(taskStatus(id)).toBe('RUNNING');

    const exec = containerd.ctr(['tasks', 'exec', '--exec-id', 'e1', id, 'sh', '-c', 'echo from exec; exit 5']);
    expect(exec.stdout).toBe('from exec\n');
    expect(exec.status).toBe(5);
    const execCall = runtime.calls('exec').find((c) => c.args.at(-1) === id);
    expect(execCall?.args).toEqual(expect.arrayContaining(['--process', '--detach', '--pid-file']));

    expect(containerd.ctr(['tasks', 'pause', id]).status).toBe(0);
    expect(taskStatus(id)).toBe('PAUSED');
    const freezer = `/sys/fs/cgroup/freezer${containerd.cgroupParent}/${id}/freezer.state`;
    if (fs.existsSync(freezer)) expect(fs.readFileSync(freezer, 'utf8').trim()).toBe('FROZEN');
    expect(containerd.ctr(['tasks', 'resume', id]).status).toBe(0);
    expect(taskStatus(id)).toBe('RUNNING');

    expect(containerd.ctr(['tasks', 'kill', id]).status).toBe(0);
    await waitFor(`task ${id} to stop`, () => taskStatus(id) === 'STOPPED', () => containerd.ctr(['tasks', 'ls']).stdout);
    const deleted = containerd.ctr(['tasks', 'delete', id]);
    expect(deleted.status).toBe(0);
    expect(deleted.stderr).toContain('exit code 9'); // ctr reports the trap's exit status
    expect(containerd.ctr(['containers', 'delete', id]).status).toBe(0);
    expect(containerd.ctr(['containers', 'ls', '-q']).stdout).toBe('');

    const verbs = runtime.invocations().filter((c) => c.args.includes(id)).map((c) => verbOf(c.args));
    expect(verbs).toEqual(expect.arrayContaining(['create', 'start', 'exec', 'pause', 'resume', 'kill', 'delete']));
    expect(runtime.calls('kill').find((c) => c.args.includes(id))?.args.slice(-2)).toEqual([id, '15']);
  });
});
