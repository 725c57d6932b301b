// run -it through a real pseudo-terminal on the host side: util-linux's
// `script` gives berth a controlling terminal, the test types into it.
import { BERTH_BIN } from '../helpers/berth';
import { underTerminal, type TerminalRun } from '../helpers/terminal';
import { busyboxRoot, BusyboxRoot } from './busybox-root';

jest.setTimeout(300_000);

/** Runs `berth ARGS` on a 30x100 terminal, typing `lines` one by one; resolves with the screen text and exit code. */
function berthOnTerminal(root: string, args: string[], lines: string[]): Promise<TerminalRun> {
  return underTerminal([process.execPath, BERTH_BIN, '--root', root, ...args], { lines, env: { ...process.env, BERTH_CONFIG: '/nonexistent' } });
}

describe('run -it', () => {
  let box: BusyboxRoot;
  beforeAll(async () => (box = await busyboxRoot()));
  afterAll(async () => box?.cleanup());

  test('a shell on a pty: prompt, commands, window size, controlling tty, exit code', async () => {
    const { screen, status } = await berthOnTerminal(box.root, ['run', '-it', '--rm', 'busybox', 'sh'], [
      'echo sum=$((40+2))\n',
      'stty size\n',
      'tty; ls -l /dev/console | cut -c1\n',
      'exit 7\n',
    ]);
    expect(screen).toContain('/ # ');
    expect(screen).toContain('sum=42');
    expect(screen).toContain('30 100');
    expect(screen).toMatch(/\/dev\/pts\/\d+\nc\n/);
    expect(status).toBe(7);
    expect(box.run(['ps', '-a', '-q']).stdout).toBe('');
  });

  test('Ctrl-C reaches the container through the terminal', async () => {
    const { screen, status } = await berthOnTerminal(box.root, ['run', '-it', '--rm', 'busybox', 'sh', '-c', 'trap "echo got-INT; exit 5" INT; sleep 20 & wait'], ['\x03']);
    expect(screen).toContain('got-INT');
    expect(status).toBe(5);
  });

  test('-t without -i: output through the pty, no input', async () => {
    const { screen, status } = await berthOnTerminal(box.root, ['run', '-t', '--rm', 'busybox', 'sh', '-c', 'test -t 1 && echo on-a-tty'], []);
    expect(screen).toContain('on-a-tty');
    expect(status).toBe(0);
  });

  test('Ctrl-P Ctrl-Q detaches: run exits 0, the container runs on; attach takes the terminal back, its own detach exits 1', async () => {
    const first = await berthOnTerminal(box.root, ['run', '-it', '--detach-keys', 'ctrl-a,d', '--name', 'detachable', 'busybox', 'sh'], [
      'echo before\n',
      '\x10\x11', // the default keys mean nothing with --detach-keys: typed through
      '\x01d',
    ]);
    expect(first.status).toBe(0);
    expect(first.screen).toContain('before');
    expect(box.run(['inspect', '-f', '{{.State.Status}}', 'detachable']).stdout.trim()).toBe('running');
    const second = await berthOnTerminal(box.root, ['attach', 'detachable'], ['echo again\n', '\x10\x11']);
    expect(second.screen).toContain('again');
    expect(second.screen).toContain('read escape sequence');
    expect(second.status).toBe(1);
    const third = await berthOnTerminal(box.root, ['attach', 'detachable'], ['exit 3\n']);
    expect(third.status).toBe(3);
    expect(box.run(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'detachable']).stdout.trim()).toBe('exited 3');
    box.run(['rm', 'detachable']);
  });
});
