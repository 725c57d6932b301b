// Docker's exit codes for `run`: the command's own, 125 (berth failed), 126 (not executable),
// 127 (not found), 128+N (killed by signal N).
import { busyboxRoot, BusyboxRoot, startBerth, whenRunning } from './busybox-root';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

function run(...args: string[]) {
  return box.run(['run', '--rm', ...args]);
}

describe("the command's own exit code", () => {
  it.each([
    [0, ['true']],
    [1, ['false']],
    [3, ['sh', '-c', 'exit 3']],
    [255, ['sh', '-c', 'exit 255']],
  ])('exits %i', (code, command) => {
    const result = run('busybox', ...command);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(code);
  });
});

describe('125: berth itself failed, nothing ran', () => {
  it('for an unknown flag', () => {
    const result = run('--bogus', 'busybox', 'true');
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/bogus/);
  });

  it("for an invalid name, with Docker's message", () => {
    const result = run('--name', '컨테이너_이름', 'busybox', 'true');
    expect(result.status).toBe(125);
    expect(result.stderr).toContain('Invalid container name (컨테이너_이름), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed');
  });

  it('for an unknown image with --pull never', () => {
    const result = run('--pull', 'never', 'nosuchimage:v1', 'true');
    expect(result.status).toBe(125);
    expect(result.stderr).toContain('No such image: nosuchimage:v1');
  });

  it('leaves no container behind', () => {
    expect(box.run(['ps', '-aq']).stdout).toBe('');
  });
});

describe('126 and 127: the command could not be run', () => {
  it('126 for a directory as the command', () => {
    const result = run('busybox', '/etc');
    expect(result.status).toBe(126);
    expect(result.stderr).toContain('exec: "/etc": permission denied');
  });

  it('127 for a command not in $PATH, with the message Docker prints', () => {
    const result = run('busybox', 'nosuchcmd');
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('exec: "nosuchcmd": executable file not found in $PATH');
  });

  it('127 for a missing absolute path', () => {
    const result = run('busybox', '/no/such/file');
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('exec: "/no/such/file": no such file or directory');
  });

  it('a shell that cannot find a command exits 127 on its own', () => {
    expect(run('busybox', 'sh', '-c', 'nosuchcmd').status).toBe(127);
  });
});

describe('128+N: killed by a signal', () => {
  it('PID 1 ignores a SIGKILL from inside its own namespace (the kernel protects it)', () => {
    const result = run('busybox', 'sh', '-c', 'kill -9 $$; echo survived');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('survived\n');
  });

  it('137 when `berth kill` sends SIGKILL', async () => {
    const running = startBerth(box.root, ['run', '--name', 'killed', 'busybox', 'sleep', '30']);
    await whenRunning(box, 'killed');
    const killed = box.run(['kill', 'killed']);
    expect(killed).toMatchObject({ status: 0, stdout: 'killed\n' });
    expect((await running.done).status).toBe(137);
    expect(box.run(['inspect', '-f', '{{.State.ExitCode}}', 'killed']).stdout.trim()).toBe('137');
    expect(box.run(['rm', 'killed']).status).toBe(0);
  });

  it('143 when `berth kill -s TERM` reaches a trap that exits 143', async () => {
    const running = startBerth(box.root, ['run', '--name', 'termed', 'busybox', 'sh', '-c', 'trap "exit 143" TERM; sleep 30 & wait']);
    await whenRunning(box, 'termed');
    expect(box.run(['kill', '-s', 'TERM', 'termed']).status).toBe(0);
    expect((await running.done).status).toBe(143);
    expect(box.run(['rm', 'termed']).status).toBe(0);
  });

  it('a PID 1 without a handler ignores SIGTERM, as in Docker', async () => {
    const running = startBerth(box.root, ['run', '--name', 'ignoring', 'busybox', 'sleep', '30']);
    await whenRunning(box, 'ignoring');
    expect(box.run(['kill', '-s', 'TERM', 'ignoring']).status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(box.run(['inspect', '-f', '{{.State.Status}}', 'ignoring']).stdout.trim()).toBe('running');
    expect(box.run(['kill', 'ignoring']).status).toBe(0);
    expect((await running.done).status).toBe(137);
    expect(box.run(['rm', 'ignoring']).status).toBe(0);
  });
});
