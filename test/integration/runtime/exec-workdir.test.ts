// `exec -w DIR` where DIR cannot be the working directory: Docker 20.10 exits 126 with runc's OCI runtime error.
import { busyboxRoot, BusyboxRoot, whenRunning } from './busybox-root';

jest.setTimeout(300_000);

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
  expect(box.run(['run', '-d', '--name', 'wd', 'busybox', 'sleep', '1000']).status).toBe(0);
  await whenRunning(box, 'wd');
});

afterAll(async () => {
  await box?.cleanup();
});

const PREFIX = 'Error: OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd';

it('a missing directory: 126 and one line naming it', () => {
  const r = box.run(['exec', '-w', '/missing', 'wd', 'true']);
  expect(r.status).toBe(126);
  expect(r.stderr).toBe(`${PREFIX} ("/missing") set in config.json failed: no such file or directory: unknown\n`);
  expect(r.stdout).toBe('');
});

it('a file: 126, not a directory', () => {
  const r = box.run(['exec', '-w', '/etc/passwd', 'wd', 'true']);
  expect(r.status).toBe(126);
  expect(r.stderr).toBe(`${PREFIX} ("/etc/passwd") set in config.json failed: not a directory: unknown\n`);
});

it('an existing directory still works, and the container keeps running', () => {
  expect(box.run(['exec', '-w', '/tmp', 'wd', 'pwd'])).toMatchObject({ status: 0, stdout: '/tmp\n' });
  expect(box.run(['inspect', '-f', '{{.State.Status}}', 'wd']).stdout.trim()).toBe('running');
});
