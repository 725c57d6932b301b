// What Docker refuses, berth refuses too, in Docker's words and with its exit code, before anything is created
// (texts recorded from the Docker 28 CLI: test/fixtures/docker-help/docker-28.json); and --stop-timeout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { busyboxRootPerFile, inspect, whenRunning } from '../runtime/busybox-root';

jest.setTimeout(300_000);

const box = busyboxRootPerFile();

const recorded = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/docker-help/docker-28.json'), 'utf8')) as {
  errors: Array<{ args: string[]; status: number; stdout: string; stderr: string }>;
}).errors;

/** What Docker's CLI printed for `docker ARGS`, as berth's. */
function docker(args: string[]) {
  const found = recorded.find((e) => e.args.join(' ') === args.join(' '));
  if (!found) throw new Error(`no recording of docker ${args.join(' ')}`);
  return { status: found.status, stdout: found.stdout, stderr: found.stderr.replace(/\bdocker\b/g, 'berth') };
}

/** bin/berth with a stdin that is a pipe, not a terminal. */
function piped(args: string[]) {
  return box().run(args, '');
}

function containers(): string {
  return box().run(['ps', '-aq']).stdout;
}

describe('a terminal for the container, but our stdin is no terminal', () => {
  it.each([
    [['run', '-it', '--rm', 'busybox', 'true']],
    [['run', '-t', '-i', '--rm', 'busybox', 'true']],
  ])('berth %j: "the input device is not a TTY", exit 1, nothing created', (args) => {
    expect(piped(args)).toEqual(docker(args));
    expect(containers()).toBe('');
  });

  it('run -t alone, or -it with -d, is fine', () => {
    expect(piped(['run', '--rm', '-t', 'busybox', 'true']).status).toBe(0);
    const detached = piped(['run', '-dit', '--name', 'dit', 'busybox', 'sh']);
    expect(detached.status).toBe(0);
    expect(box().run(['rm', '-f', 'dit']).status).toBe(0);
  });

  it('exec -it and attach to a terminal refuse the same way; the container is untouched', async () => {
    expect(box().run(['run', '-dit', '--name', 'term', 'busybox', 'sh']).status).toBe(0);
    await whenRunning(box(), 'term');
    const refusal = { status: 1, stdout: '', stderr: 'the input device is not a TTY\n' };
    expect(piped(['exec', '-it', 'term', 'true'])).toEqual(refusal);
    expect(piped(['attach', 'term'])).toEqual(refusal);
    expect(piped(['exec', '-t', 'term', 'true']).status).toBe(0);
    expect(piped(['exec', 'nosuchbox', 'true'])).toMatchObject({ status: 1, stderr: 'Error: No such container: nosuchbox\n' });
    expect(inspect(box(), 'term', '{{.State.Status}}')).toBe('running');
    expect(box().run(['rm', '-f', 'term']).status).toBe(0);
  });
});

describe('run and create: conflicting and invalid options', () => {
  it.each([
    [['run', '--rm', '--restart', 'always', 'busybox', 'true']],
    [['run', '--rm', '--restart', 'on-failure', 'busybox', 'true']],
    [['run', '-d', '--rm', '--restart', 'unless-stopped', 'busybox', 'true']],
    [['create', '--rm', '--restart', 'always', 'busybox']],
  ])('berth %j: --rm with a restart policy, exit 125', (args) => {
    expect(piped(args)).toEqual(docker(args));
    expect(containers()).toBe('');
  });

  it.each([
    [['run', '--rm', '--stop-signal', 'BOGUS', 'busybox', 'true']],
    [['create', '--stop-signal', 'BOGUS', 'busybox']],
    [['create', '--stop-signal', '0', 'busybox']],
  ])("berth %j: dockerd's Invalid signal, exit 125", (args) => {
    const signal = args[args.indexOf('--stop-signal') + 1];
    // Docker 28's CLI ends run's and create's own failures with its help footer.
    const footer = `\nRun 'berth ${args[0]} --help' for more information\n`;
    expect(piped(args)).toEqual({ status: 125, stdout: '', stderr: `Error: Invalid signal: ${signal}\n${footer}` });
    expect(containers()).toBe('');
  });

  it('a stop signal given by name or number is taken', () => {
    expect(piped(['run', '--rm', '--stop-signal', 'SIGUSR1', 'busybox', 'true']).status).toBe(0);
    expect(piped(['run', '--rm', '--stop-signal', 'usr2', 'busybox', 'true']).status).toBe(0);
    expect(piped(['run', '--rm', '--stop-signal', '9', 'busybox', 'true']).status).toBe(0);
  });
});

describe('run and create --stop-timeout', () => {
  it('is recorded as the container\'s, shown by inspect, and used by a stop without -t', async () => {
    expect(box().run(['run', '-d', '--name', 'patient', '--stop-timeout', '1', 'busybox', 'sh', '-c', 'trap "" TERM; while :; do sleep 1; done']).status).toBe(0);
    await whenRunning(box(), 'patient');
    expect(inspect(box(), 'patient', '{{.Config.StopTimeout}}')).toBe('1');
    expect(box().run(['stop', 'patient'])).toMatchObject({ status: 0, stdout: 'patient\n' });
    expect(inspect(box(), 'patient', '{{.State.ExitCode}}')).toBe('137');
    expect(box().run(['rm', 'patient']).status).toBe(0);
    expect(box().run(['create', '--name', 'later', '--stop-timeout', '0', 'busybox']).status).toBe(0);
    expect(inspect(box(), 'later', '{{.Config.StopTimeout}}')).toBe('0');
    expect(box().run(['rm', 'later']).status).toBe(0);
  });

  it('is refused when it is no integer, naming the flag', () => {
    const args = ['create', '--stop-timeout', '1.5', 'busybox'];
    expect(piped(args)).toEqual(docker(args));
  });
});

describe('exec of a command that is not there', () => {
  it("exits 127 with Docker's message (Docker 28's code: src/runtime/exec-error.ts)", async () => {
    expect(box().run(['run', '-d', '--name', 'execbox', 'busybox', 'sleep', '1000']).status).toBe(0);
    await whenRunning(box(), 'execbox');
    expect(piped(['exec', 'execbox', 'nosuch'])).toEqual({
      status: 127,
      stdout: '',
      stderr: 'Error: OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown\n',
    });
    expect(piped(['exec', 'execbox', '/etc/passwd'])).toMatchObject({ status: 126 });
    expect(box().run(['rm', '-f', 'execbox']).status).toBe(0);
  });
});

describe('usage errors of a real run', () => {
  it.each([
    [['rename', 'a']],
    [['run', '-m', 'abc', 'busybox']],
    [['exec', 'a']],
    [['ps', 'a']],
    [['bogus']],
  ])('berth %j: Docker\'s text and exit code', (args) => {
    expect(piped(args)).toEqual(docker(args));
  });

  it('run -h is the hostname, as in Docker', () => {
    expect(piped(['run', '--rm', '-h', 'myhost', 'busybox', 'hostname'])).toMatchObject({ status: 0, stdout: 'myhost\n' });
  });
});
