// Each isolation property of `berth run`, checked from inside a real container with busybox applets.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { berthAsync } from '../helpers/berth';
import { busyboxRoot, BusyboxRoot, until } from './busybox-root';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

/** Docker's 14 default capabilities as a CapEff word. */
const DEFAULT_CAP_EFF = '00000000a80425fb';
const CAP_SYS_ADMIN = 21n;
const CAP_NET_RAW = 13n;

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

/** `run --rm [FLAGS...] busybox ARGS...`: expects exit 0 and returns stdout. */
function inside(flags: string[], args: string[]): string {
  const result = box.run(['run', '--rm', ...flags, 'busybox', ...args]);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  return result.stdout;
}

function statusField(status: string, field: string): string {
  return new RegExp(`^${field}:\\s+(\\S+)`, 'm').exec(status)?.[1] ?? '';
}

describe('PID namespace', () => {
  it('runs the command as PID 1 and shows no host process', () => {
    const out = inside([], ['sh', '-c', 'echo "pid $$"; ps -o pid,comm']);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('pid 1');
    const pids = lines.slice(2).map((l) => Number(l.trim().split(/\s+/)[0]));
    // sh itself and ps (a child): nothing of the host (its PID 1 is systemd/init, and the test runner is there).
    expect(pids[0]).toBe(1);
    expect(pids.length).toBeLessThanOrEqual(2);
    expect(out).not.toMatch(/systemd|node|jest/);
    const procs = inside([], ['sh', '-c', 'ls /proc | grep -c "^[0-9]"']);
    expect(Number(procs.trim())).toBeLessThanOrEqual(3);
  });
});

describe('UTS namespace', () => {
  it('has the first 12 hex of the ID as hostname, unlike the host', () => {
    const created = box.run(['create', 'busybox', 'hostname']);
    expect(created.status).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const started = box.run(['start', '-a', id]);
    expect(started.status).toBe(0);
    expect(started.stdout.trim()).toBe(id.slice(0, 12));
    expect(started.stdout.trim()).not.toBe(os.hostname());
    expect(box.run(['rm', id]).status).toBe(0);
  });

  it('takes -h and --hostname', () => {
    expect(inside(['-h', 'myhost'], ['hostname']).trim()).toBe('myhost');
    expect(inside(['--hostname=other'], ['cat', '/proc/sys/kernel/hostname']).trim()).toBe('other');
    expect(os.hostname()).not.toBe('myhost');
  });
});

describe('mount namespace', () => {
  it('keeps a mount made inside out of the host mount table', async () => {
    const probe = `berth-probe-${process.pid}`;
    const signals = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-signal-'));
    try {
      const running = berthAsync(
        [
          'run', '--rm', '--privileged', '-v', `${signals}:/signal`, 'busybox', 'sh', '-c',
          `mkdir -p /mnt && mount -t tmpfs ${probe} /mnt && grep -c ${probe} /proc/self/mountinfo && touch /signal/mounted && ` +
            'while [ ! -e /signal/checked ]; do sleep 0.1; done',
        ],
        { root: box.root },
      );
      await until('the mount inside', () => (fs.existsSync(path.join(signals, 'mounted')) ? true : undefined), 60_000, 100);
      const hostTables = [fs.readFileSync('/proc/self/mountinfo', 'utf8'), fs.readFileSync('/proc/1/mountinfo', 'utf8')];
      fs.writeFileSync(path.join(signals, 'checked'), '');
      const result = await running;
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe('1');
      for (const table of hostTables) expect(table).not.toContain(probe);
    } finally {
      fs.rmSync(signals, { recursive: true, force: true });
    }
  });

  it('masks /proc/kcore, /proc/timer_list, /proc/keys with /dev/null', () => {
    const out = inside([], [
      'sh', '-c',
      'for f in /proc/kcore /proc/timer_list /proc/keys; do if [ -e $f ]; then echo "$f $(stat -c %t:%T $f) $(cat $f | wc -c)"; else echo "$f absent"; fi; done',
    ]);
    const [kcore, timerList, keys] = out.trim().split('\n');
    expect(['/proc/kcore absent', '/proc/kcore 1:3 0']).toContain(kcore);
    expect(timerList).toBe('/proc/timer_list 1:3 0');
    expect(keys).toBe('/proc/keys 1:3 0');
    // The host's own file has content: the mask is what empties it.
    expect(fs.readFileSync('/proc/timer_list', 'utf8').length).toBeGreaterThan(0);
  });

  it('hides /sys/firmware under an empty read-only tmpfs', () => {
    const out = inside([], ['sh', '-c', 'ls -A /sys/firmware | wc -l; grep " /sys/firmware " /proc/self/mountinfo; touch /sys/firmware/x 2>&1; true']);
    const [count, mountLine, touch] = out.trim().split('\n');
    expect(count.trim()).toBe('0');
    expect(mountLine).toMatch(/ \/sys\/firmware ro[, ].* - tmpfs /);
    expect(touch).toMatch(/Read-only file system/);
  });

  it('mounts /proc/sys read-only', () => {
    const result = box.run(['run', '--rm', 'busybox', 'sh', '-c', 'echo changed > /proc/sys/kernel/hostname']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Read-only file system/);
  });

  it('gives /dev the basic nodes (mode 0666), devpts and /dev/shm', () => {
    const nodes = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
    const out = inside([], ['sh', '-c', `cd /dev && stat -c '%n %F %a' ${nodes.join(' ')}; grep -E " /dev/(pts|shm) " /proc/self/mountinfo`]);
    const lines = out.trim().split('\n');
    expect(lines.slice(0, nodes.length)).toEqual(nodes.map((n) => `${n} character special file 666`));
    expect(lines.slice(nodes.length).join('\n')).toMatch(/ \/dev\/pts .* - devpts /);
    expect(lines.slice(nodes.length).join('\n')).toMatch(/ \/dev\/shm .* - tmpfs /);
  });

  it('--read-only refuses writes to the root but not to /dev/shm', () => {
    const result = box.run(['run', '--rm', '--read-only', 'busybox', 'sh', '-c', 'touch /x; echo "root $?"; touch /dev/shm/y && echo shm ok']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('root 1\nshm ok\n');
    expect(result.stderr).toMatch(/touch: \/x: Read-only file system/);
  });
});

describe('capabilities and privileges', () => {
  it("gives PID 1 Docker's 14 default capabilities, without CAP_SYS_ADMIN", () => {
    const status = inside([], ['cat', '/proc/1/status']);
    expect(statusField(status, 'CapEff')).toBe(DEFAULT_CAP_EFF);
    expect(statusField(status, 'CapBnd')).toBe(DEFAULT_CAP_EFF);
    expect((BigInt(`0x${statusField(status, 'CapEff')}`) >> CAP_SYS_ADMIN) & 1n).toBe(0n);
    // And it shows: root inside cannot mount.
    const mount = box.run(['run', '--rm', 'busybox', 'sh', '-c', 'mkdir -p /mnt && mount -t tmpfs x /mnt']);
    expect(mount.status).not.toBe(0);
  });

  it("--privileged gives the host's whole bounding set", () => {
    const host = fs.readFileSync('/proc/self/status', 'utf8');
    const status = inside(['--privileged'], ['cat', '/proc/1/status']);
    expect(statusField(status, 'CapEff')).toBe(statusField(host, 'CapBnd'));
    expect(statusField(status, 'CapBnd')).toBe(statusField(host, 'CapBnd'));
  });

  it('--cap-drop ALL --cap-add NET_RAW leaves NET_RAW only', () => {
    const status = inside(['--cap-drop', 'ALL', '--cap-add', 'NET_RAW'], ['cat', '/proc/1/status']);
    expect(BigInt(`0x${statusField(status, 'CapEff')}`)).toBe(1n << CAP_NET_RAW);
    expect(BigInt(`0x${statusField(status, 'CapBnd')}`)).toBe(1n << CAP_NET_RAW);
  });

  it('--security-opt no-new-privileges sets NoNewPrivs', () => {
    expect(statusField(inside([], ['cat', '/proc/1/status']), 'NoNewPrivs')).toBe('0');
    expect(statusField(inside(['--security-opt', 'no-new-privileges'], ['cat', '/proc/1/status']), 'NoNewPrivs')).toBe('1');
  });

  it('runs as uid 0 without a user namespace by default', () => {
    expect(inside([], ['id']).trim()).toBe('uid=0(root) gid=0(root) groups=0(root)');
    // No user namespace: the container's root maps to the host's root one to one.
    expect(inside([], ['cat', '/proc/self/uid_map']).trim().split(/\s+/)).toEqual(['0', '0', '4294967295']);
  });
});

describe('network namespace', () => {
  it('--network none has only loopback, and it is up', () => {
    const out = inside(['--network', 'none'], ['sh', '-c', 'ls /sys/class/net; cat /sys/class/net/lo/flags']);
    const [ifaces, flags] = out.trim().split('\n');
    expect(ifaces).toBe('lo');
    expect(Number(flags) & 0x1).toBe(1); // IFF_UP
  });

  it('--network host sees the host interfaces', () => {
    const out = inside(['--network', 'host'], ['ls', '-1', '/sys/class/net']);
    const host = fs.readdirSync('/sys/class/net').sort();
    expect(host.length).toBeGreaterThan(1);
    expect(out.trim().split('\n').sort()).toEqual(host);
  });
});

describe('process settings', () => {
  it('applies -e, -w and -u', () => {
    const out = inside(['-e', 'A=1', '-w', '/tmp', '-u', 'nobody'], ['sh', '-c', 'echo "$A"; pwd; id -u; id -g']);
    expect(out).toBe('1\n/tmp\n65534\n65534\n');
  });

  it("combines the image's CMD with --entrypoint as Docker does", () => {
    expect(inside(['--entrypoint', 'echo'], ['hi'])).toBe('hi\n');
    // --entrypoint resets the image's CMD: echo runs with no argument.
    expect(inside(['--entrypoint', 'echo'], [])).toBe('\n');
    // The image's CMD (sh) runs when no command is given; stdin is empty, so it exits 0 at once.
    expect(inside([], [])).toBe('');
  });
});
