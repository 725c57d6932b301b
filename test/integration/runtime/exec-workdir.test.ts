// `exec -w DIR` where DIR cannot be the working directory: runc's OCI runtime error, and Docker 28's exit code
// (127: the directory is not there; src/runtime/exec-error.ts says why 28's and not 20.10's 126).
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

it('a missing directory: 127 and one line naming it', () => {
  const r = box.run(['exec', '-w', '/missing', 'wd', 'true']);
  expect(r.status).toBe(127);
  expect(r.stderr).toBe(`${PREFIX} ("/missing") set in config.json failed: no such file or directory: unknown\n`);
  expect(r.stdout).toBe('');
});

it("a file: 127, not a directory, with dockerd's hint", () => {
  const r = box.run(['exec', '-w', '/etc/passwd', 'wd', 'true']);
  expect(r.status).toBe(127);
  expect(r.stderr).toBe(
    `${PREFIX} ("/etc/passwd") set in config.json failed: not a directory: unknown: `
      + 'Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type\n',
  );
});

it('an existing directory still works, and the container keeps running', () => {
  expect(box.run(['exec', '-w', '/tmp', 'wd', 'pwd'])).toMatchObject({ status: 0, stdout: '/tmp\n' });
  expect(box.run(['inspect', '-f', '{{.State.Status}}', 'wd']).stdout.trim()).toBe('running');
});
