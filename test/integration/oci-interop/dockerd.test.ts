// dockerd (Debian's 20.10, private) with the runtime under test added as
// `--add-runtime berth=...`: `docker run --runtime berth --rm busybox echo hi`,
// and a detached container with exec, exec -t and stop.
import { startDockerd, DOCKER_RUNTIME_NAME, type PrivateDockerd } from './engines/dockerd';
import { loggedRuntime, runtimeUnderTest, verbOf, type LoggedRuntime } from './runtime-under-test';

jest.setTimeout(300_000);

describe(`dockerd --add-runtime ${DOCKER_RUNTIME_NAME}=${runtimeUnderTest().label}`, () => {
  let runtime: LoggedRuntime;
  let dockerd: PrivateDockerd;
  const runArgs = ['run', '--runtime', DOCKER_RUNTIME_NAME, '--network', 'none'];

  beforeAll(async () => {
    runtime = loggedRuntime();
    dockerd = await startDockerd(runtime);
    dockerd.loadFixture('busybox');
  });

  afterAll(async () => {
    runtime?.record('dockerd');
    await dockerd?.stop();
    runtime?.cleanup();
  });

  test('run --runtime berth --rm busybox echo hi', () => {
    const result = dockerd.docker([...runArgs, '--rm', 'busybox', 'echo', 'hi']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hi\n');
    expect(result.status).toBe(0);
    const calls = runtime.invocations();
    expect(calls.map((c) => verbOf(c.args))).toEqual(expect.arrayContaining(['create', 'start', 'delete']));
    expect(calls[0].parent).toBe('containerd-shim');
  });

  test('run --rm: the exit code of the container is docker\'s', () => {
    expect(dockerd.docker([...runArgs, '--rm', 'busybox', 'sh', '-c', 'exit 42']).status).toBe(42);
  });

  test('run -d, exec, exec -t, stop', () => {
    const started = dockerd.docker([...runArgs, '-d', 'busybox', 'sh', '-c', 'trap "exit 4" TERM; while :; do sleep 0.1; done']);
    expect(started.status).toBe(0);
    const id = started.stdout.trim();

    const exec = dockerd.docker(['exec', id, 'sh', '-c', 'echo in-exec; exit 3']);
    expect(exec.stdout).toBe('in-exec\n');
    expect(exec.status).toBe(3);
    const tty = dockerd.docker(['exec', '-t', id, 'sh', '-c', 'tty']);
    expect(tty.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n$/);
    const execs = runtime.calls('exec').filter((c) => c.args.at(-1) === id);
    expect(execs).toHaveLength(2);
    expect(execs[1].args).toContain('--console-socket');

    expect(dockerd.docker(['stop', '--time', '10', id]).status).toBe(0);
    expect(dockerd.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', id]).stdout.trim()).toBe('exited 4');
    expect(runtime.calls('kill').find((c) => c.args.includes(id))?.args.slice(-2)).toEqual([id, '15']);
    expect(dockerd.docker(['rm', id]).status).toBe(0);
  });
});
