// berth-init, the C init stage, run for real: PID 1 of a fresh PID namespace inside a private mount namespace,
// on a busybox rootfs, fed a plan written by encodeInitPlan. The checks run inside with busybox applets.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import {
  GO_BYTE, capabilityMask, encodeInitPlan, parseInitError, type InitError, type InitPlan,
} from '../../../src/runtime/init-plan';
import { buildExeRace } from '../helpers/exe-race';

jest.setTimeout(120_000); // jest ignores testTimeout inside a project entry

const REPO = path.resolve(__dirname, '../../..');
const BERTH_INIT = path.join(REPO, 'native/build/berth-init');
const APPLETS = ['sh', 'cat', 'ls', 'id', 'echo', 'grep', 'sleep', 'stat', 'touch', 'pwd', 'true', 'wc'];

interface InitRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What berth-init wrote on fd 4 (empty when execve succeeded). */
  errorText: string;
  error?: InitError;
}

let work: string;
let hostOnly: string;
let exeRace: string;

/** A rootfs with busybox, a real /dev/null, /proc, /work, a directory to mask and a non-executable file. */
function makeRootfs(name: string): string {
  const rootfs = path.join(work, name);
  for (const dir of ['bin', 'dev', 'proc', 'work/sub', 'secret', 'etc']) fs.mkdirSync(path.join(rootfs, dir), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of APPLETS) fs.symlinkSync('busybox', path.join(rootfs, 'bin', applet));
  const mknod = spawnSync('mknod', ['-m', '666', path.join(rootfs, 'dev/null'), 'c', '1', '3'], { encoding: 'utf8' });
  expect(mknod.stderr).toBe('');
  fs.writeFileSync(path.join(rootfs, 'secret/key'), 'hidden\n');
  fs.writeFileSync(path.join(rootfs, 'bin/notexec'), '#!/bin/sh\necho should not run\n', { mode: 0o644 });
  return rootfs;
}

function plan(rootfs: string, args: string[], overrides: Partial<InitPlan> = {}): InitPlan {
  const caps = capabilityMask(['CAP_CHOWN', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT']);
  return {
    rootfs,
    cwd: '/work',
    args,
    env: ['PATH=/bin', 'HOME=/root'],
    uid: 0,
    gid: 0,
    groups: [],
    noNewPrivileges: true,
    capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: 0n, ambient: 0n },
    rlimits: [],
    maskedPaths: [],
    readonlyPaths: [],
    mountProc: true,
    cgroupNamespace: true,
    readonlyRootfs: false,
    ...overrides,
  };
}

/**
 * unshare(mnt, pid, uts, ipc) -> sh makes / private and the rootfs a mount point (pivot_root needs one), then
 * execs berth-init (or `command`, which ends in it) as PID 1 with fd 3 = the plan file, fd 4 = the error file and
 * three extra fds (5, 7, 9) that must not reach the command. `leak` is what fd 5 opens (a directory for the
 * CVE-2024-21626 check).
 */
function runInit(rootfs: string, planBytes: Buffer, leak = '/dev/null', command = [BERTH_INIT]): InitRun {
  const dir = fs.mkdtempSync(path.join(work, 'run-'));
  const planFile = path.join(dir, 'plan');
  const errorFile = path.join(dir, 'error');
  fs.writeFileSync(planFile, planBytes);
  const script = 'mount --make-rprivate / && mount --bind "$1" "$1" && p=$2 e=$3 l=$4 && shift 4 && ' +
    'exec "$@" 3<"$p" 4>"$e" 5<"$l" 7</dev/null 9</dev/null';
  const result = spawnSync(
    'unshare',
    ['--mount', '--pid', '--fork', '--uts', '--ipc', 'sh', '-c', script, 'launcher', rootfs, planFile, errorFile, leak, ...command],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (result.error) throw result.error;
  const errorText = fs.readFileSync(errorFile, 'utf8');
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, errorText, error: parseInitError(errorText) };
}

function run(rootfs: string, p: InitPlan, leak?: string): InitRun {
  return runInit(rootfs, Buffer.concat([encodeInitPlan(p), GO_BYTE]), leak);
}

/** `Name:\tvalue` fields of /proc/self/status. */
function statusFields(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').filter((l) => l.includes(':')).map((l) => l.split(/:\s*/, 2) as [string, string]));
}

beforeAll(() => {
  const make = spawnSync('make', ['-C', path.join(REPO, 'native')], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make -C native failed:\n${make.stdout}${make.stderr}`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-init-'));
  hostOnly = path.join(work, 'host-only-marker');
  fs.writeFileSync(hostOnly, 'host\n');
  exeRace = buildExeRace(work);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('berth-init', () => {
  let rootfs: string;
  beforeAll(() => {
    rootfs = makeRootfs('rootfs');
  });

  test('traces every step in the documented order, then runs the command', () => {
    const caps = `0x${plan(rootfs, []).capabilities.bounding.toString(16)}`;
    const result = run(rootfs, plan(rootfs, ['sh', '-c', 'echo ran'], {
      uid: 1000, gid: 1000, groups: [10],
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 256, hard: 512 }],
      maskedPaths: ['/proc/keys', '/secret'],
      readonlyPaths: ['/proc/sys'],
      parentDeathSignal: 9,
      readonlyRootfs: true,
      trace: true,
    }));
    expect(result.errorText).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('ran\n');
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'berth-init: unshare CLONE_NEWCGROUP',
      `berth-init: proc ${rootfs}/proc`,
      `berth-init: chdir ${rootfs}`,
      'berth-init: pivot_root .',
      'berth-init: umount2 . MNT_DETACH',
      'berth-init: chdir /',
      'berth-init: mask /proc/keys',
      'berth-init: mask /secret',
      'berth-init: readonly /proc/sys',
      'berth-init: rootfs-readonly /',
      'berth-init: setrlimit NOFILE 256 512',
      'berth-init: pdeathsig 9',
      'berth-init: chdir /work',
      'berth-init: close_range 3 ~0 except 4',
      'berth-init: nonewprivs',
      `berth-init: capbset ${caps}`,
      'berth-init: keepcaps',
      'berth-init: setgroups 10',
      'berth-init: setresgid 1000',
      'berth-init: setresuid 1000',
      'berth-init: pdeathsig 9 again',
      `berth-init: capset e=${caps} p=${caps} i=0`,
      'berth-init: ambient 0',
      'berth-init: dumpable 0',
      'berth-init: stdio',
      'berth-init: execve sh',
    ]);
  });

  test('re-execs from a sealed memfd copy also where memfd_create knows no MFD_EXEC (Linux before 6.3)', () => {
    // exe-race pre-6.3: memfd_create with MFD_EXEC gets EINVAL, as from an older kernel
    const result = runInit(rootfs, Buffer.concat([encodeInitPlan(plan(rootfs, ['sh', '-c', 'echo ran'])), GO_BYTE]), undefined,
      [exeRace, 'pre-6.3', BERTH_INIT]);
    expect(result.errorText).toBe('');
    expect([result.status, result.stdout]).toEqual([0, 'ran\n']);
  });

  test('root gets exactly the asked capabilities, no inheritable or ambient ones, and no_new_privs', () => {
    const caps = capabilityMask(['CAP_CHOWN', 'CAP_NET_RAW', 'CAP_SYS_CHROOT', 'CAP_BPF']);
    const result = run(rootfs, plan(rootfs, ['cat', '/proc/self/status'], {
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: 0n, ambient: 0n },
    }));
    expect(result.errorText).toBe('');
    expect(result.status).toBe(0);
    const status = statusFields(result.stdout);
    const hex = caps.toString(16).padStart(16, '0');
    expect(status).toMatchObject({ CapEff: hex, CapBnd: hex, CapPrm: hex, CapInh: '0'.repeat(16), CapAmb: '0'.repeat(16), NoNewPrivs: '1' });
    expect(status.Pid).toBe('1'); // the command took berth-init's place as PID 1
  });

  test('a non-root user gets its uid, gid and groups, and its ambient capabilities survive exec', () => {
    const bind = capabilityMask(['CAP_NET_BIND_SERVICE']);
    const bounding = capabilityMask(['CAP_NET_BIND_SERVICE', 'CAP_KILL']);
    const result = run(rootfs, plan(rootfs, ['sh', '-c', 'id; grep -E "^(Cap|NoNew)" /proc/self/status'], {
      uid: 1000, gid: 1001, groups: [10, 20],
      noNewPrivileges: false,
      capabilities: { bounding, effective: bind, permitted: bind, inheritable: bind, ambient: bind },
    }));
    expect(result.errorText).toBe('');
    expect(result.status).toBe(0);
    const [idLine, ...rest] = result.stdout.split('\n');
    expect(idLine).toBe('uid=1000 gid=1001 groups=10,20');
    const status = statusFields(rest.join('\n'));
    expect(status).toMatchObject({
      CapEff: '0000000000000400', CapPrm: '0000000000000400', CapInh: '0000000000000400', CapAmb: '0000000000000400',
      CapBnd: bounding.toString(16).padStart(16, '0'), NoNewPrivs: '0',
    });
  });

  test('masked paths read empty or hide their contents, read-only paths refuse writes', () => {
    const kcoreOnHost = fs.existsSync('/proc/kcore'); // some kernels are built without it
    const script = [
      'echo "keys=$(cat /proc/keys | wc -c) $(stat -c "%F %t:%T" /proc/keys)"',
      'echo "kcore=$(cat /proc/kcore 2>/dev/null | wc -c) exists=$(test -e /proc/kcore && echo yes || echo no)"',
      'echo "secret=$(ls -A /secret | wc -l)"',
      'touch /secret/new 2>/dev/null && echo secret-writable || echo secret-readonly',
      'echo x 2>/dev/null >/proc/sys/kernel/hostname && echo sysctl-writable || echo sysctl-readonly',
      'touch /work/file && echo rootfs-writable',
    ].join('; ');
    const result = run(rootfs, plan(rootfs, ['sh', '-c', script], {
      maskedPaths: ['/proc/kcore', '/proc/keys', '/secret', '/does/not/exist'],
      readonlyPaths: ['/proc/sys', '/not/there/either'],
    }));
    expect(result.errorText).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'keys=0 character special file 1:3',
      kcoreOnHost ? 'kcore=0 exists=yes' : 'kcore=0 exists=no',
      'secret=0',
      'secret-readonly',
      'sysctl-readonly',
      'rootfs-writable',
      '',
    ]);
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(rootfs, 'secret/key'), 'utf8')).toBe('hidden\n'); // masked, not touched
  });

  test('rootfs.readonly makes / read-only', () => {
    const result = run(rootfs, plan(rootfs, ['sh', '-c', 'touch /work/ro-check 2>/dev/null && echo writable || echo readonly'], {
      readonlyRootfs: true,
    }));
    expect(result.stdout).toBe('readonly\n');
    expect(fs.existsSync(path.join(rootfs, 'work/ro-check'))).toBe(false);
  });

  test('the old root is gone: / is the rootfs, host files are invisible, only the container mounts remain', () => {
    const result = run(rootfs, plan(rootfs, ['sh', '-c', `ls /; echo ---; cat ${hostOnly} 2>&1; echo ---; cat /proc/self/mountinfo`], {
      maskedPaths: ['/proc/keys'],
      readonlyPaths: ['/proc/sys'],
    }));
    expect(result.errorText).toBe('');
    const [ls, host, mountinfo] = result.stdout.split('---\n');
    expect(ls.split('\n').filter(Boolean)).toEqual(fs.readdirSync(rootfs).sort());
    expect(host).toMatch(/No such file or directory/);
    const mountPoints = mountinfo.split('\n').filter(Boolean).map((line) => line.split(' ')[4]);
    expect(mountPoints.sort()).toEqual(['/', '/proc', '/proc/keys', '/proc/sys']);
  });

  test('the command runs in the asked cwd, with the rlimits, in its own cgroup namespace', () => {
    const result = run(rootfs, plan(rootfs, ['sh', '-c', 'pwd; ulimit -n; ulimit -Hn; cat /proc/self/cgroup'], {
      cwd: '/work/sub',
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 300, hard: 600 }],
    }));
    expect(result.errorText).toBe('');
    const [cwd, soft, hard, ...cgroups] = result.stdout.split('\n').filter(Boolean);
    expect([cwd, soft, hard]).toEqual(['/work/sub', '300', '600']);
    expect(cgroups.length).toBeGreaterThan(0);
    for (const line of cgroups) expect(line).toMatch(/:\/$/); // every hierarchy is rooted at the namespace
  });

  test('fds above 2 do not reach the command (only ls holds its own directory fd)', () => {
    const result = run(rootfs, plan(rootfs, ['ls', '/proc/self/fd']));
    expect(result.errorText).toBe('');
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(['0', '1', '2', '3']);
  });

  test('a command missing from PATH exits 127 with ENOENT from execve', () => {
    const result = run(rootfs, plan(rootfs, ['nosuchcmd', 'arg']));
    expect(result.status).toBe(127);
    expect(result.error).toEqual({ errno: 2, step: 'execve', detail: 'nosuchcmd' });
    expect(result.stdout).toBe('');
  });

  test('an absolute path that does not exist exits 127 too', () => {
    const result = run(rootfs, plan(rootfs, ['/bin/nosuchcmd']));
    expect(result.status).toBe(127);
    expect(result.error).toEqual({ errno: 2, step: 'execve', detail: '/bin/nosuchcmd' });
  });

  test('a file without the exec bit exits 126 with EACCES, by path and through PATH', () => {
    const byPath = run(rootfs, plan(rootfs, ['/bin/notexec']));
    expect(byPath.status).toBe(126);
    expect(byPath.error).toEqual({ errno: 13, step: 'execve', detail: '/bin/notexec' });
    const byLookup = run(rootfs, plan(rootfs, ['notexec']));
    expect(byLookup.status).toBe(126);
    expect(byLookup.error).toEqual({ errno: 13, step: 'execve', detail: 'notexec' });
    expect(byPath.stdout + byLookup.stdout).toBe('');
  });

  test('PATH comes from the container environment', () => {
    const result = run(rootfs, plan(rootfs, ['id', '-u'], { env: ['PATH=/nowhere:/bin'], uid: 4242, gid: 4242 }));
    expect(result.stdout).toBe('4242\n');
    const missing = run(rootfs, plan(rootfs, ['id'], { env: ['PATH=/nowhere'] }));
    expect(missing.status).toBe(127);
  });

  test('a cwd that does not exist exits 125 at step chdir', () => {
    const result = run(rootfs, plan(rootfs, ['true'], { cwd: '/nope' }));
    expect(result.status).toBe(125);
    expect(result.error).toEqual({ errno: 2, step: 'chdir', detail: '/nope' });
  });

  test('CVE-2024-21626: a cwd reached through a leaked host directory fd is refused', () => {
    const result = run(rootfs, plan(rootfs, ['true'], { cwd: '/proc/self/fd/5' }), work);
    expect(result.status).toBe(125);
    expect(result.error?.step).toBe('chdir');
    expect(result.error?.detail).toBe('/proc/self/fd/5');
  });

  test('closing fd 3 without the go byte exits 125 quietly and runs nothing', () => {
    const marker = path.join(rootfs, 'work/ran');
    const p = plan(rootfs, ['sh', '-c', 'echo ran; touch /work/ran'], { trace: true });
    for (const bytes of [encodeInitPlan(p), encodeInitPlan(p).subarray(0, 40)]) {
      const result = runInit(rootfs, bytes);
      expect(result.status).toBe(125);
      expect(result.stdout + result.stderr + result.errorText).toBe('');
      expect(fs.existsSync(marker)).toBe(false);
    }
  });

  test('a byte other than the go byte is a protocol error', () => {
    const result = runInit(rootfs, Buffer.concat([encodeInitPlan(plan(rootfs, ['true'])), Buffer.from('x')]));
    expect(result.status).toBe(125);
    expect(result.error).toEqual({ errno: 71, step: 'go', detail: 'expected `g`' });
  });

  test('an unknown plan key is refused before anything runs', () => {
    const bytes = Buffer.concat([Buffer.from('bogus=1\0'), encodeInitPlan(plan(rootfs, ['true'])), GO_BYTE]);
    const result = runInit(rootfs, bytes);
    expect(result.status).toBe(125);
    expect(result.error).toEqual({ errno: 22, step: 'plan', detail: 'bogus' });
  });
});

describe('berth-init refuses a hostile rootfs', () => {
  test('masking fails when /dev/null is not the char device 1:3', () => {
    const rootfs = makeRootfs('fake-dev-null');
    fs.rmSync(path.join(rootfs, 'dev/null'));
    fs.writeFileSync(path.join(rootfs, 'dev/null'), 'not a device\n');
    const result = run(rootfs, plan(rootfs, ['true'], { maskedPaths: ['/proc/keys'] }));
    expect(result.status).toBe(125);
    expect(result.error).toEqual({ errno: 19, step: 'mask', detail: '/dev/null is not the char device 1:3' });
  });

  test('proc is not mounted through a symlinked <rootfs>/proc', () => {
    const rootfs = makeRootfs('proc-symlink');
    const elsewhere = path.join(work, 'proc-target');
    fs.mkdirSync(elsewhere);
    fs.rmdirSync(path.join(rootfs, 'proc'));
    fs.symlinkSync(elsewhere, path.join(rootfs, 'proc'));
    const result = run(rootfs, plan(rootfs, ['true']));
    expect(result.status).toBe(125);
    expect(result.error?.step).toBe('proc');
    expect([40, 20]).toContain(result.error?.errno); // ELOOP (openat2 RESOLVE_NO_SYMLINKS) or ENOTDIR (O_NOFOLLOW fallback)
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});

describe('berth-init exec mode', () => {
  let rootfs: string;
  let container: ChildProcess | undefined;
  let containerPid: number;

  /** The process a `sleep` container runs as, seen from the host (the child of `unshare --fork`). */
  function sleeperPid(unsharePid: number): number | undefined {
    const children = spawnSync('pgrep', ['-P', String(unsharePid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    const pid = Number(children[0]);
    if (!pid) return undefined;
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\x00120\x00' ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  beforeAll(async () => {
    rootfs = makeRootfs('exec-rootfs');
    const dir = fs.mkdtempSync(path.join(work, 'container-'));
    fs.writeFileSync(path.join(dir, 'plan'), Buffer.concat([encodeInitPlan(plan(rootfs, ['sleep', '120'], { maskedPaths: ['/secret'] })), GO_BYTE]));
    const script = 'mount --make-rprivate / && mount --bind "$1" "$1" && exec "$2" 3<"$3" 4>"$4"';
    container = spawn('unshare', ['--mount', '--pid', '--fork', '--uts', '--ipc', 'sh', '-c', script, 'launcher', rootfs, BERTH_INIT,
      path.join(dir, 'plan'), path.join(dir, 'error')], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const pid = sleeperPid(container.pid!);
      if (pid) {
        containerPid = pid;
        break;
      }
      if (Date.now() > deadline) throw new Error(`the sleep container did not start: ${fs.readFileSync(path.join(dir, 'error'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(() => {
    container?.kill('SIGKILL');
  });

  /**
   * berth-init spawned in the host's namespaces with fds 5-8 = the container's mnt, pid, uts and ipc namespaces, as
   * `berth exec` does. The result's signal is the one that ended berth-init (the relay).
   */
  function execInit(planBytes: Buffer): InitRun & { signal: NodeJS.Signals | null } {
    const dir = fs.mkdtempSync(path.join(work, 'exec-'));
    const planFile = path.join(dir, 'plan');
    const errorFile = path.join(dir, 'error');
    fs.writeFileSync(planFile, planBytes);
    const ns = (kind: string) => `/proc/${containerPid}/ns/${kind}`;
    const result = spawnSync('sh', ['-c', 'exec "$1" 3<"$2" 4>"$3" 5<"$4" 6<"$5" 7<"$6" 8<"$7"', 'launcher', BERTH_INIT,
      planFile, errorFile, ns('mnt'), ns('pid'), ns('uts'), ns('ipc')], { encoding: 'utf8', timeout: 30_000 });
    if (result.error) throw result.error;
    const errorText = fs.readFileSync(errorFile, 'utf8');
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, errorText, error: parseInitError(errorText) };
  }

  const execPlan = (args: string[], overrides: Partial<InitPlan> = {}): Buffer =>
    Buffer.concat([encodeInitPlan(plan('/', args, {
      mountProc: false, cgroupNamespace: false, execNamespaces: { mnt: 5, pid: 6, uts: 7, ipc: 8 }, ...overrides,
    })), GO_BYTE]);

  test("joins the container's mount namespace: its root, its /proc, its masks; skips the set-up steps", () => {
    const caps = `0x${plan(rootfs, []).capabilities.bounding.toString(16)}`;
    const script = `ls /; echo ---; tr "\\0" " " < /proc/1/cmdline; echo; cat ${hostOnly} 2>&1; ls -A /secret | wc -l; pwd; echo $$`;
    const result = execInit(execPlan(['sh', '-c', script], { trace: true }));
    expect(result.errorText).toBe('');
    expect(result.status).toBe(0);
    const [ls, rest] = result.stdout.split('---\n');
    expect(ls.split('\n').filter(Boolean)).toEqual(fs.readdirSync(rootfs).sort());
    const [cmdline, host, secret, cwd, pid] = rest.split('\n');
    expect(cmdline).toBe('sleep 120 ');
    expect(host).toMatch(/No such file or directory/);
    expect([secret, cwd]).toEqual(['0', '/work']);
    expect(Number(pid)).toBeGreaterThan(1); // a second process of the container's PID namespace
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'berth-init: setns ipc fd 8',
      'berth-init: setns uts fd 7',
      'berth-init: setns pid fd 6',
      'berth-init: setns mnt fd 5',
      'berth-init: chdir /work',
      'berth-init: close_range 3 ~0 except 4',
      'berth-init: nonewprivs',
      `berth-init: capbset ${caps}`,
      'berth-init: setgroups -',
      'berth-init: setresgid 0',
      'berth-init: setresuid 0',
      `berth-init: capset e=${caps} p=${caps} i=0`,
      'berth-init: ambient 0',
      'berth-init: dumpable 0',
      'berth-init: stdio',
      'berth-init: fork',
      'berth-init: execve sh',
    ]);
  });

  test("the command is the child of a relay outside the container's PID namespace, which ends as the command ends", () => {
    // PPid 0: the parent has no pid in the container's PID namespace.
    const parent = execInit(execPlan(['sh', '-c', 'grep PPid /proc/$$/status; exit 7']));
    expect([parent.status, parent.stdout, parent.errorText]).toEqual([7, 'PPid:\t0\n', '']);
    const killed = execInit(execPlan(['sh', '-c', 'kill -TERM $$']));
    expect([killed.status, killed.signal]).toEqual([null, 'SIGTERM']);
    const missing = execInit(execPlan(['nosuchcmd']));
    expect([missing.status, missing.error]).toEqual([127, { errno: 2, step: 'execve', detail: 'nosuchcmd' }]);
    // the child's parent-death signal is its own (a fork clears it), set after the fork
    const traced = execInit(execPlan(['true'], { trace: true, parentDeathSignal: 9 }));
    expect(traced.stderr.split('\n').filter(Boolean).slice(-4)).toEqual([
      'berth-init: stdio', 'berth-init: fork', 'berth-init: pdeathsig 9', 'berth-init: execve true',
    ]);
  });

  test('detach=1 forks: the command is orphaned to the container PID 1, its errors still reach fd 4', () => {
    const result = execInit(execPlan(['sh', '-c', 'sleep 0.5; grep PPid /proc/$$/status'], { detach: true, trace: true }));
    expect(result.errorText).toBe('');
    expect(result.stdout).toBe('PPid:\t1\n');
    expect(result.stderr.split('\n').filter((l) => l === 'berth-init: fork')).toHaveLength(2);
    const missing = execInit(execPlan(['nosuchcmd'], { detach: true }));
    expect(missing.error).toEqual({ errno: 2, step: 'execve', detail: 'nosuchcmd' });
  });

  test('exec=1 without setns.mnt is refused: the command never runs in the host mounts', () => {
    const bytes = Buffer.concat([Buffer.from('exec=1\0'), encodeInitPlan(plan(rootfs, ['true'])), GO_BYTE]);
    const result = runInit(rootfs, bytes);
    expect(result.status).toBe(125);
    expect(result.error).toEqual({ errno: 22, step: 'plan', detail: 'setns.mnt' });
  });
});
