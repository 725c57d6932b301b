// The user of `start` and `exec` is resolved against the container's own /etc/passwd and /etc/group, read from the
// host through the container's root. An image (or the container itself) may put a FIFO there: a blocking open would
// wait for a writer for ever and hang the command. Such a file is refused at once, with a one-line error.
import { busyboxRoot, BusyboxRoot, until } from './busybox-root';
import { berth } from '../helpers/berth';

jest.setTimeout(120_000);

const REFUSED = 'Error: read `/etc/passwd` in the container: not a regular file\n';
/** A hang fails the test after 20 s instead of running into jest's timeout. */
const promptly = (args: string[]) => berth(args, { root: box.root, timeoutMs: 20_000 });

let box: BusyboxRoot;
beforeAll(async () => {
  box = await busyboxRoot();
});
afterAll(async () => box?.cleanup());

describe('an /etc/passwd that is a FIFO', () => {
  test('start refuses it (exit 125) instead of hanging', () => {
    expect(box.run(['run', '--name', 'fifo-start', 'busybox', 'sh', '-c', 'rm /etc/passwd && mkfifo /etc/passwd']).status).toBe(0);
    const started = promptly(['start', '-a', 'fifo-start']);
    expect([started.status, started.stderr]).toEqual([125, REFUSED]);
    expect(box.run(['inspect', '-f', '{{.State.Status}}', 'fifo-start']).stdout).toBe('exited\n');
  });

  test('exec refuses it (exit 125) instead of hanging, with -u NAME and without', async () => {
    const script = 'rm /etc/passwd && mkfifo /etc/passwd && echo ready && exec sleep 60';
    expect(box.run(['run', '-d', '--name', 'fifo-exec', 'busybox', 'sh', '-c', script]).status).toBe(0);
    await until('the FIFO to be in place', () => (box.run(['logs', 'fifo-exec']).stdout === 'ready\n' ? true : undefined), 20_000, 100);
    for (const flags of [['-u', 'nobody'], []]) {
      const result = promptly(['exec', ...flags, 'fifo-exec', 'id']);
      expect([result.status, result.stdout, result.stderr]).toEqual([125, '', REFUSED]);
    }
    box.run(['rm', '-f', 'fifo-exec']);
  });
});
