// `berth exec` into a running busybox container: the exec'd process must share every namespace, the cgroup and
// the capabilities of the container's PID 1, and follow Docker's rules for env, user, cwd, stdin, tty and exit codes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { BerthResult, BERTH_BIN } from '../helpers/berth';
import { underTerminal } from '../helpers/terminal';
import { busyboxRoot, BusyboxRoot, startBerth, whenRunning, BackgroundBerth, until } from './busybox-root';

jest.setTimeout(300_000);

describe('exec', () => {
  let box: BusyboxRoot;
  let scratch: string;
  let cli: string;
  let container: BackgroundBerth;
  const name = 'ex1';

  const execIn = (args: string[], input?: string): BerthResult => {
    const result = spawnSync(process.execPath, [cli, '--root', box.root, 'exec', ...args], {
      input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    });
    return { status: result.status ?? 137, stdout: result.stdout, stderr: result.stderr };
  };
  const shIn = (script: string, flags: string[] = []) => execIn([...flags, name, 'sh', '-c', script]);

  beforeAll(async () => {
    box = await busyboxRoot();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-exec-'));
    cli = BERTH_BIN;
    container = startBerth(box.root, ['run', '--name', name, '--hostname', 'exec-host', '-e', 'FROM_RUN=yes', '-w', '/srv',
      'busybox', 'sh', '-c', 'echo written-by-container > /tmp/note; exec sleep 120']);
    await whenRunning(box, name);
    await until('the container to write its note', () => (shIn('cat /tmp/note').stdout.includes('written') ? true : undefined), 20_000, 200);
  });

  afterAll(async () => {
    container?.child.kill('SIGTERM');
    await box?.cleanup();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("sees the container's PID 1, hostname, files and environment, in its cwd", () => {
    const result = shIn('ps -o pid,args; echo ---; tr "\\0" " " < /proc/1/cmdline; echo; hostname; cat /tmp/note; echo "$FROM_RUN"; pwd');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const [ps, rest] = result.stdout.split('---\n');
    expect(ps).toMatch(/^\s*1 sleep 120$/m);
    expect(rest.split('\n')).toEqual(['sleep 120 ', 'exec-host', 'written-by-container', 'yes', '/srv', '']);
  });

  test("is in every namespace, the cgroup and the capability set of the container's PID 1", () => {
    const kinds = ['mnt', 'uts', 'ipc', 'net', 'pid', 'cgroup'];
    const script = [
      ...kinds.map((k) => `echo ${k} $(readlink /proc/self/ns/${k}) $(readlink /proc/1/ns/${k})`),
      'echo cgroup-same=$(test "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" && echo yes || echo no)',
      'echo caps $(grep -E "^Cap(Eff|Bnd)" /proc/self/status | tr -d "\\t") / $(grep -E "^Cap(Eff|Bnd)" /proc/1/status | tr -d "\\t")',
      'echo nnp $(grep NoNewPrivs /proc/self/status | tr -d "\\t")',
    ].join('; ');
    const result = shIn(script);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    for (const line of lines.slice(0, kinds.length)) {
      const [kind, mine, theirs] = line.split(' ');
      expect([kind, mine]).toEqual([kind, theirs]);
      expect(mine).toMatch(/^\w+:\[\d+\]$/);
    }
    // the container's own namespaces, not the host's (hostname and pid differ from the test process)
    expect(lines[4].split(' ')[1]).not.toBe(fs.readlinkSync('/proc/self/ns/pid'));
    expect(lines[kinds.length]).toBe('cgroup-same=yes');
    const [mine, theirs] = lines[kinds.length + 1].replace(/^caps /, '').split(' / ');
    expect(mine).toBe(theirs);
    expect(mine).not.toContain('CapEff:000001ffffffffff');
    expect(lines[kinds.length + 2]).toMatch(/^nnp NoNewPrivs:[01]$/);
  });

  test('seen from the host, the exec process has the cgroups of the container PID 1', async () => {
    const { id, pid: containerPid } = await whenRunning(box, name);
    const sleeper = spawn(process.execPath, [cli, '--root', box.root, 'exec', name, 'sleep', '7'], {
      stdio: 'ignore', env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    });
    try {
      const pid = await until('the exec process to appear', () => {
        const found = spawnSync('pgrep', ['-x', '-f', 'sleep 7'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
        return found.length > 0 ? Number(found[0]) : undefined;
      }, 20_000, 100);
      const cgroup = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
      expect(cgroup).toBe(fs.readFileSync(`/proc/${containerPid}/cgroup`, 'utf8'));
      expect(cgroup).toContain(`/berth/${id}\n`);
    } finally {
      sleeper.kill('SIGTERM');
    }
  });

  test('exit codes: the command\'s, 127 when not found, 126 when not executable', () => {
    expect(shIn('exit 0').status).toBe(0);
    expect(shIn('exit 3').status).toBe(3);
    const missing = execIn([name, 'no-such-command']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('exec: "no-such-command": executable file not found in $PATH');
    const notExecutable = execIn([name, '/etc/passwd']);
    expect(notExecutable.status).toBe(126);
    expect(notExecutable.stderr).toContain('exec: "/etc/passwd": permission denied');
  });

  test('-u, -w and -e follow Docker', () => {
    const nobody = execIn(['-u', 'nobody', name, 'id']);
    expect(nobody.stdout).toBe('uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n');
    const numeric = execIn(['-u', '1234:55', name, 'sh', '-c', 'id -u; id -g; echo $HOME']);
    expect(numeric.stdout).toBe('1234\n55\n/\n');
    const workdir = execIn(['-w', '/tmp', name, 'pwd']);
    expect(workdir.stdout).toBe('/tmp\n');
    const env = execIn(['-e', 'FROM_EXEC=1', '-e', 'FROM_RUN=replaced', name, 'sh', '-c', 'echo $FROM_EXEC $FROM_RUN $HOME']);
    expect(env.stdout).toBe('1 replaced /root\n');
  });

  test('--privileged gives every capability, not the container set', () => {
    const result = execIn(['--privileged', name, 'grep', 'CapEff', '/proc/self/status']);
    const host = /CapBnd:\s*(\w+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    expect(result.stdout.trim()).toBe(`CapEff:\t${host}`);
  });

  test('-i forwards stdin; without -i the command reads nothing', () => {
    expect(execIn(['-i', name, 'cat'], 'hi\n').stdout).toBe('hi\n');
    expect(execIn([name, 'cat'], 'hi\n').stdout).toBe('');
  });

  test('-d returns at once and leaves the command running, a child of the container PID 1', async () => {
    const detached = shIn('echo $PPID > /tmp/detached-ppid; sleep 2; echo done > /tmp/detached-done', ['-d']);
    expect(detached).toEqual({ status: 0, stdout: '', stderr: '' });
    const ppid = await until('the detached command to start', () => {
      const r = shIn('cat /tmp/detached-ppid 2>/dev/null');
      return r.stdout.trim() || undefined;
    }, 10_000, 100);
    expect(ppid).toBe('1');
    await until('the detached command to finish', () => (shIn('cat /tmp/detached-done 2>/dev/null').stdout === 'done\n' ? true : undefined), 15_000, 250);
  });

  test('-it gives a shell on a pty from the container devpts', async () => {
    const { screen: text, status } = await underTerminal([process.execPath, cli, '--root', box.root, 'exec', '-it', name, 'sh'], {
      lines: ['echo sum=$((40+2))\n', 'tty; stty size\n', 'exit 4\n'],
      env: { ...process.env, BERTH_CONFIG: '/nonexistent' },
    });
    expect(text).toContain('/srv # ');
    expect(text).toContain('sum=42');
    expect(text).toMatch(/\/dev\/pts\/\d+\n30 100\n/);
    expect(status).toBe(4);
  });

  test('a created or stopped container refuses exec with Docker\'s daemon error, exit 1', () => {
    const created = box.run(['create', '--name', 'ex-created', 'busybox', 'true']);
    expect(created.status).toBe(0);
    const id = created.stdout.trim();
    const result = execIn(['ex-created', 'true']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`Error: Container ${id} is not running\n`);
    expect(box.run(['run', '--name', 'ex-stopped', 'busybox', 'true']).status).toBe(0);
    const stopped = execIn(['ex-stopped', 'true']);
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(/^Error: Container [0-9a-f]{64} is not running\n$/);
  });

  test('no command is a usage error', () => {
    const result = execIn([name]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "berth: 'berth exec' requires at least 2 arguments\n\nUsage:  berth exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
        + "See 'berth exec --help' for more information\n",
    );
  });
});
