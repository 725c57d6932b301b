// A closed stdout (`berth logs c | head -1`): berth prints nothing and dies of SIGPIPE, as Docker's CLI
// (a Go program) does; a --rm container is still removed (src/cli/closed-pipe.ts).
import { spawn } from 'node:child_process';
import { BERTH_BIN } from '../helpers/berth';
import { busyboxRootPerFile, until } from '../runtime/busybox-root';

jest.setTimeout(300_000);

const box = busyboxRootPerFile();

interface Closed {
  firstLine: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs bin/berth as a shell would, and closes its stdout after the first chunk, as `| head -1` does. */
function withStdoutClosedEarly(args: string[]): Promise<Closed> {
  const child = spawn(BERTH_BIN, ['--root', box().root, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
  });
  let firstLine: string | undefined;
  let stderr = '';
  child.stdout.once('data', (chunk: Buffer) => {
    firstLine = chunk.toString().split('\n')[0];
    child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ firstLine: firstLine ?? '', status, signal, stderr })));
}

describe('a closed stdout', () => {
  it('run --rm: no stack trace, death by SIGPIPE, and the container is removed all the same', async () => {
    const result = await withStdoutClosedEarly(['run', '--rm', '--name', 'closed-run', 'busybox', 'seq', '1', '200000']);
    expect(result.firstLine).toBe('1');
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGPIPE');
    await until('the --rm container to be removed', () => (box().run(['ps', '-aq']).stdout === '' ? true : undefined), 120_000);
  });

  it('logs: no stack trace, death by SIGPIPE', async () => {
    expect(box().run(['run', '--name', 'closed-logs', 'busybox', 'seq', '1', '200000']).status).toBe(0);
    const result = await withStdoutClosedEarly(['logs', 'closed-logs']);
    expect(result.firstLine).toBe('1');
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGPIPE');
    box().run(['rm', 'closed-logs']);
  });

  it('run -t (the pty through the attach relay): the same', async () => {
    const result = await withStdoutClosedEarly(['run', '--rm', '-t', 'busybox', 'seq', '1', '200000']);
    expect(result.firstLine.trim()).toBe('1');
    expect(result.stderr).toBe('');
    expect(result.signal).toBe('SIGPIPE');
    await until('the --rm container to be removed', () => (box().run(['ps', '-aq']).stdout === '' ? true : undefined), 120_000);
  });
});
