// CVE-2019-5736 as an attacker inside the container plays it: while `berth exec` enters the container, a process
// there opens every new /proc/PID/exe with O_PATH and, once that process has exec'd or exited, reopens the handle
// for writing (test/fixtures/native/exe-race.c); it also tries /proc/PID/root/<a host-only file>. berth's binaries
// that enter a container run from sealed memfd copies, non-dumpable, and are inside the container's mounts and
// root before they are visible there; the --init reaper is a read-only bind.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { busyboxRoot, BusyboxRoot, until, whenRunning } from './busybox-root';
import { buildExeRace } from '../helpers/exe-race';

jest.setTimeout(300_000);

const PACKAGE = path.resolve(__dirname, '../../..');
const NATIVE = path.join(PACKAGE, 'native/build');
const HOST_BINARIES = ['berth-init', 'berth-monitor', 'berth-reaper'];
const EXECS = 100;

let box: BusyboxRoot;
let work: string;
let helpers: string;
let hostOnly: string;
let before: Record<string, string>;

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const hashes = () => Object.fromEntries(HOST_BINARIES.map((b) => [b, sha256(path.join(NATIVE, b))]));

/** Runs `body` (an async function's text, given `berth`) in a Node process of its own, as an embedding program would. */
function embedded(body: string): { status: number | null; stdout: string; stderr: string } {
  const program = `
    const fs = require('node:fs');
    const { spawnSync } = require('node:child_process');
    const { Berth } = require(${JSON.stringify(PACKAGE)});
    const berth = new Berth({ root: ${JSON.stringify(box.root)} });
    (async () => { ${body} })().catch((err) => { console.error('failed: ' + err.message); process.exitCode = 3; });
  `;
  const result = spawnSync(process.execPath, ['-e', program], {
    encoding: 'utf8', timeout: 240_000, env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function report(file: string): { counts: Record<string, number>; events: string[] } {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const counts = Object.fromEntries(lines.filter((l) => /^\w+=\d+$/.test(l)).map((l) => [l.split('=')[0], Number(l.split('=')[1])]));
  return { counts, events: lines.filter((l) => !/^\w+=\d+$/.test(l)) };
}

beforeAll(async () => {
  box = await busyboxRoot();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-exe-escape-'));
  helpers = path.join(work, 'helpers');
  fs.mkdirSync(helpers);
  buildExeRace(helpers);
  // The published exploit's entry point: run by berth-init, the kernel starts /proc/self/exe, i.e. berth-init's own file.
  fs.writeFileSync(path.join(helpers, 'self-exe'), '#!/proc/self/exe\n', { mode: 0o755 });
  hostOnly = path.join(work, `host-only-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(hostOnly, 'host secret\n');
  before = hashes();
});

afterAll(async () => {
  await box?.cleanup();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('CVE-2019-5736: exec raced from inside the container', () => {
  for (const [label, flags] of [['default capabilities', []], ['--cap-add SYS_PTRACE', ['--cap-add', 'SYS_PTRACE']]] as const) {
    test(`${label}: ${EXECS} execs leave berth's binaries unchanged and no host file read through /proc/PID/{exe,root}`, async () => {
      const name = `racer-${flags.length}`;
      const out = path.join(work, name);
      fs.mkdirSync(out);
      const started = box.run(['run', '-d', '--name', name, ...flags, '-v', `${helpers}:/race:ro`, '-v', `${out}:/out`,
        'busybox', '/race/exe-race', 'race', hostOnly, '/out/stop', '/out/report']);
      expect(started.stderr).toBe('');
      const { id } = await whenRunning(box, name);
      await until('the racer to watch', () => (fs.existsSync(path.join(out, 'report.ready')) ? true : undefined), 20_000, 50);
      // Half short commands, half the #!/proc/self/exe script that makes berth-init itself the container's process.
      const result = embedded(`
        const codes = [];
        for (let i = 0; i < ${EXECS}; i++) {
          const cmd = i % 2 === 0 ? ['sleep', '0.03'] : ['/race/self-exe'];
          const exec = await berth.containers.exec(${JSON.stringify(id)}, { cmd });
          codes.push(await exec.exited);
        }
        console.log(JSON.stringify(codes));
      `);
      expect(result.stderr).toBe('');
      const codes = JSON.parse(result.stdout) as number[];
      expect(codes.filter((_, i) => i % 2 === 0)).toEqual(new Array(EXECS / 2).fill(0));
      fs.writeFileSync(path.join(out, 'stop'), '');
      expect(box.run(['wait', name]).stdout).toBe('0\n');
      const { counts, events } = report(path.join(out, 'report'));
      expect(events.filter((e) => /^(wrote|read) /.test(e))).toEqual([]);
      expect([counts.writes, counts.reads]).toEqual([0, 0]);
      expect(counts.seen).toBeGreaterThanOrEqual(EXECS / 4); // the racer did see the exec'd processes (most sleeps)
      expect(hashes()).toEqual(before);
      box.run(['rm', name]);
    });
  }
});

describe('the berth binaries that enter a container', () => {
  let id: string;
  let containerPid: number;
  beforeAll(async () => {
    expect(box.run(['run', '-d', '--name', 'sealed', 'busybox', 'sleep', '120']).stderr).toBe('');
    ({ id, pid: containerPid } = await whenRunning(box, 'sealed'));
  });
  afterAll(() => box.run(['rm', '-f', 'sealed']));

  test("exec's berth-init is a sealed memfd, non-dumpable, outside the container PID namespace; its child is inside", () => {
    // Seen from the host while `sleep` runs: the CLI's child (the relay) and the command it forked.
    const result = embedded(`
      const exec = await berth.containers.exec(${JSON.stringify(id)}, { cmd: ['sleep', '2'] });
      await exec.init.started;
      const pid = exec.init.pid;
      const child = Number(fs.readFileSync('/proc/' + pid + '/task/' + pid + '/children', 'utf8').trim());
      const run = (cmd, args) => { const r = spawnSync(cmd, args, { encoding: 'utf8' }); return (r.stdout + r.stderr).trim(); };
      const facts = {
        exe: fs.readlinkSync('/proc/' + pid + '/exe'),
        seals: run(${JSON.stringify(path.join(helpers, 'exe-race'))}, ['seals', '/proc/' + pid + '/exe']),
        // without CAP_SYS_PTRACE only the dumpable flag (same uid, no extra capabilities) decides
        relayNoPtrace: run('setpriv', ['--bounding-set=-sys_ptrace', 'readlink', '-v', '/proc/' + pid + '/exe']),
        childNoPtrace: run('setpriv', ['--bounding-set=-sys_ptrace', 'readlink', '-v', '/proc/' + child + '/exe']),
        relayPidNs: fs.readlinkSync('/proc/' + pid + '/ns/pid') === fs.readlinkSync('/proc/self/ns/pid'),
        childPidNs: fs.readlinkSync('/proc/' + child + '/ns/pid'),
        code: await exec.exited,
      };
      console.log(JSON.stringify(facts));
    `);
    expect(result.stderr).toBe('');
    const facts = JSON.parse(result.stdout);
    expect(facts).toEqual({
      exe: expect.stringMatching(/^\/memfd:berth-init \(deleted\)$/),
      seals: 'seals=f', // F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE
      relayNoPtrace: expect.stringMatching(/Permission denied/),
      childNoPtrace: '/bin/busybox',
      relayPidNs: true,
      childPidNs: fs.readlinkSync(`/proc/${containerPid}/ns/pid`),
      code: 0,
    });
  });

  test("the berth-init berth-monitor starts for `run` is a sealed memfd copy", () => {
    const bundle = path.join(work, 'monitor-bundle');
    fs.mkdirSync(bundle);
    const result = embedded(`
      const { spawnMonitor } = require(${JSON.stringify(path.join(PACKAGE, 'dist/runtime/monitor-process.js'))});
      const plan = { rootfs: '/nonexistent', cwd: '/', args: ['true'], env: [], uid: 0, gid: 0, groups: [], noNewPrivileges: true,
        capabilities: { bounding: 0n, effective: 0n, permitted: 0n, inheritable: 0n, ambient: 0n }, rlimits: [], maskedPaths: [],
        readonlyPaths: [], mountProc: false, cgroupNamespace: false, readonlyRootfs: false };
      const monitor = spawnMonitor({ id: 'sealed-check', bundle: ${JSON.stringify(bundle)}, plan, newPidNamespace: true, namespaces: [],
        attachSocket: ${JSON.stringify(path.join(bundle, 'attach.sock'))}, openStdin: false, root: ${JSON.stringify(box.root)},
        autoRemove: false, restart: { name: 'no', maximumRetryCount: 0, restartCount: 0, timeoutMs: 0 } });
      const pid = await monitor.initPid;
      const exe = fs.readlinkSync('/proc/' + pid + '/exe');
      const seals = spawnSync(${JSON.stringify(path.join(helpers, 'exe-race'))}, ['seals', '/proc/' + pid + '/exe'], { encoding: 'utf8' }).stdout.trim();
      monitor.abort(); // no go byte: berth-init exits 125 having run nothing
      await monitor.started;
      console.log(JSON.stringify({ exe, seals }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ exe: '/memfd:berth-init (deleted)', seals: 'seals=f' });
    expect(hashes()).toEqual(before);
  });

  for (const [label, flags] of [['default capabilities', []], ['--cap-add SYS_PTRACE', ['--cap-add', 'SYS_PTRACE']]] as const) {
    test(`--init with ${label}: the reaper's /proc/1/exe is on a read-only bind, a write reopen is refused`, () => {
      const result = box.run(['run', '--rm', '--init', ...flags, '-v', `${helpers}:/race:ro`, 'busybox', '/race/exe-race', 'exe', '1']);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^target=\/sbin\/docker-init readonly=1 reopen=refused 1 \/sbin\/docker-init reopen (ETXTBSY|EROFS)\n$/);
      expect(hashes()).toEqual(before);
    });
  }
});
