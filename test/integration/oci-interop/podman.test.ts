// podman (Debian's 4.3, private storage) runs busybox through the runtime under
// test: `run --rm`, exit codes, `run -d` + `exec` + `logs` + `stop` + `rm`, and
// `run -it` on a real terminal through conmon's console socket.
import { underTerminal } from '../helpers/terminal';
import { startPodman, type PrivatePodman } from './engines/podman';
import { loggedRuntime, runtimeUnderTest, verbOf, type LoggedRuntime } from './runtime-under-test';

jest.setTimeout(300_000);

describe(`podman --runtime ${runtimeUnderTest().label}`, () => {
  let runtime: LoggedRuntime;
  let podman: PrivatePodman;
  const runArgs = () => ['run', '--network', 'none', '--cgroup-parent', podman.cgroupParent];

  beforeAll(() => {
    runtime = loggedRuntime();
    podman = startPodman(runtime);
    podman.loadFixture('busybox');
  });

  afterAll(async () => {
    runtime?.record('podman');
    await podman?.stop();
    runtime?.cleanup();
  });

  test('run --rm busybox true: exit 0, through conmon: create, start, delete', () => {
    const before = runtime.invocations().length;
    const result = podman.podman([...runArgs(), '--rm', 'busybox', 'true']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const calls = runtime.invocations().slice(before);
    expect(calls.map((c) => verbOf(c.args))).toEqual(['create', 'start', 'delete']);
    expect(calls[0].parent).toBe('conmon');
    expect(calls[0].args).toEqual(expect.arrayContaining(['--bundle', '--pid-file']));
  });

  test('run --rm: the container\'s exit code and output come back', () => {
    const result = podman.podman([...runArgs(), '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result.stdout).toBe('out\n');
    expect(result.stderr).toBe('err\n');
    expect(result.status).toBe(7);
  });

  test('run -d, exec, logs, stop, rm', () => {
    const started = podman.podman([...runArgs(), '-d', '--name', 'bg', 'busybox', 'sh', '-c', 'echo started; trap "echo got-TERM; exit 3" TERM; while :; do sleep 0.1; done']);
    expect(started.status).toBe(0);
    const id = started.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    const exec = podman.podman(['exec', 'bg', 'sh', '-c', 'echo from exec; exit 4']);
    expect(exec.stdout).toBe('from exec\n');
    expect(exec.status).toBe(4);
    const execCall = runtime.calls('exec').find((c) => c.args.at(-1) === id);
    expect(execCall?.parent).toBe('conmon');
    expect(execCall?.args).toEqual(expect.arrayContaining(['--process', '--detach', '--pid-file']));

    expect(podman.podman(['logs', 'bg']).stdout).toBe('started\n');
    expect(podman.podman(['stop', '--time', '10', 'bg']).status).toBe(0);
    expect(podman.podman(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'bg']).stdout.trim()).toBe('exited 3');
    expect(podman.podman(['logs', 'bg']).stdout).toBe('started\ngot-TERM\n');
    expect(runtime.calls('kill').find((c) => c.args.includes(id))?.args.slice(-3)).toEqual(['kill', id, '15']);

    expect(podman.podman(['rm', 'bg']).status).toBe(0);
    expect(podman.podman(['ps', '--all', '--quiet']).stdout).toBe('');
    expect(runtime.calls('delete').some((c) => c.args.includes(id))).toBe(true);
  });

  test('run -it: a shell on a pty through the console socket, sized, typed into', async () => {
    const { screen, status } = await underTerminal(['podman', ...podman.globalArgs, ...runArgs(), '-it', '--rm', 'busybox', 'sh'], {
      rows: 31,
      cols: 101,
      env: podman.env,
      lines: ['echo sum=$((40+2))\n', 'stty size; tty\n', 'exit 6\n'],
    });
    expect(screen).toContain('sum=42');
    expect(screen).toMatch(/31 101\n\/dev\/pts\/\d+\n/);
    expect(status).toBe(6);
    const create = runtime.calls('create').at(-1);
    expect(create?.args).toContain('--console-socket');
  });
});
