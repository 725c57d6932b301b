// Runtime core features seen from inside real containers: /sys/fs/cgroup with the container's own cgroup as
// its root, recursive read-only binds (mount_setattr), and sharing another container's network and IPC
// namespaces (--network/--ipc container:NAME).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { busyboxRoot, BusyboxRoot, whenRunning } from './busybox-root';
import { detectLayout } from '../../../src/cgroups/detect';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

function runIn(flags: string[], script: string): { status: number; stdout: string; stderr: string } {
  return box.run(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script]);
}

describe('/sys/fs/cgroup', () => {
  const layout = detectLayout();

  it('shows the container its own cgroup as / and its own limits, read-only', () => {
    const memoryFile = layout.version === 1 ? '/sys/fs/cgroup/memory/memory.limit_in_bytes' : '/sys/fs/cgroup/memory.max';
    const result = runIn(['-m', '64m'], [
      'cat /proc/self/cgroup',
      'echo ---',
      `cat ${memoryFile}`,
      'echo ---',
      'mkdir /sys/fs/cgroup/x 2>&1',
      layout.version === 1 ? 'mkdir /sys/fs/cgroup/memory/x 2>&1' : 'true',
      'echo ---',
      'grep " /sys/fs/cgroup" /proc/self/mountinfo',
    ].join('; '));
    expect(result.stderr).toBe('');
    const [cgroups, limit, writes, mounts] = result.stdout.split('---\n');
    // Every hierarchy's line ends in ":/": the cgroup namespace's root is the container's cgroup.
    const lines = cgroups.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\d+:[^:]*:\/$/);
    expect(limit.trim()).toBe(String(64 * 1024 * 1024));
    expect(writes).toContain('Read-only file system');
    if (layout.version === 2) {
      expect(writes.trim().split('\n')).toHaveLength(1);
      expect(mounts).toMatch(/ \/sys\/fs\/cgroup ro,[^ ]* - cgroup2 /);
      return;
    }
    expect(writes.trim().split('\n')).toHaveLength(2);
    // The tmpfs and every v1 hierarchy of the host, each read-only, by the directory name the host uses.
    expect(mounts).toMatch(/ \/sys\/fs\/cgroup ro,[^ ]* - tmpfs /);
    for (const mountPoint of new Set(Object.values(layout.mounts))) {
      expect(mounts).toMatch(new RegExp(` /sys/fs/cgroup/${path.basename(mountPoint)} ro,[^ ]* - cgroup `));
    }
  });

  it('the controller directories hold the container cgroup itself (no sub-cgroups of the host)', () => {
    if (layout.version === 2) {
      expect(runIn([], 'cat /sys/fs/cgroup/cgroup.procs').stdout.trim().split('\n')).toContain('1');
      return;
    }
    // In its own cgroup, PID 1 of the container is listed at the root of the hierarchy.
    const result = runIn([], 'cat /sys/fs/cgroup/memory/cgroup.procs; ls -d /sys/fs/cgroup/memory/*/ 2>/dev/null | wc -l');
    const [first, ...rest] = result.stdout.trim().split('\n');
    expect(first).toBe('1');
    expect(rest[rest.length - 1].trim()).toBe('0');
  });

  it('--privileged makes it writable, as Docker does', () => {
    const dir = detectLayout().version === 1 ? '/sys/fs/cgroup/memory/sub' : '/sys/fs/cgroup/sub';
    const result = runIn(['--privileged'], `mkdir ${dir} && rmdir ${dir} && echo writable`);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: 'writable\n' });
  });
});

describe('recursive read-only binds (rro)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rro-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', path.join(dir, 'sub')]);
    expect(mounted.status).toBe(0);
  });

  afterAll(() => {
    spawnSync('umount', [path.join(dir, 'sub')]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('-v SRC:DST:ro makes the bind and its submount read-only', () => {
    const result = runIn(['-v', `${dir}:/data:ro`], 'touch /data/top 2>&1; touch /data/sub/below 2>&1; grep " /data" /proc/self/mountinfo');
    expect(result.stdout).toContain("touch: /data/top: Read-only file system");
    expect(result.stdout).toContain("touch: /data/sub/below: Read-only file system");
    expect(result.stdout).toMatch(/ \/data\/sub ro,/);
    expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual([]);
  });

  it('a writable bind leaves the submount writable (the read-only one above is not a side effect)', () => {
    const result = runIn(['-v', `${dir}:/data`], 'touch /data/sub/below && echo ok');
    expect(result.stdout).toBe('ok\n');
    expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual(['below']);
    fs.rmSync(path.join(dir, 'sub', 'below'));
  });
});

describe('--network / --ipc container:NAME', () => {
  beforeAll(async () => {
    const started = box.run(['run', '-d', '--name', 'donor', 'busybox', 'sh', '-c',
      'mkdir /www && hostname > /www/name && touch /dev/mqueue/berth-queue && exec httpd -f -p 127.0.0.1:8080 -h /www']);
    expect(started.status).toBe(0);
    await whenRunning(box, 'donor');
  });

  afterAll(() => {
    box.run(['rm', '-f', 'donor']);
  });

  function namespaceOf(kind: string, flags: string[]): string {
    return runIn(flags, `readlink /proc/self/ns/${kind}`).stdout.trim();
  }

  it('--network container:donor shares the donor\'s loopback', async () => {
    const donorHost = box.run(['exec', 'donor', 'hostname']).stdout.trim();
    // The server listens on 127.0.0.1 inside the donor: only its network namespace reaches it.
    let shared = '';
    for (let i = 0; i < 50 && shared === ''; i++) {
      shared = runIn(['--network', 'container:donor'], 'wget -qO- http://127.0.0.1:8080/name').stdout.trim();
    }
    expect(shared).toBe(donorHost);
    expect(runIn([], 'wget -qO- -T 2 http://127.0.0.1:8080/name || echo unreachable').stdout.trim()).toBe('unreachable');
    expect(namespaceOf('net', ['--network', 'container:donor'])).toBe(box.run(['exec', 'donor', 'readlink', '/proc/self/ns/net']).stdout.trim());
    // Its own UTS namespace stays its own (with the donor's name in it, as Docker gives).
    expect(namespaceOf('uts', ['--network', 'container:donor'])).not.toBe(box.run(['exec', 'donor', 'readlink', '/proc/self/ns/uts']).stdout.trim());
  });

  it('--network container:donor takes the donor\'s hostname, /etc/hosts and /etc/resolv.conf, as Docker does', () => {
    const donor = box.run(['exec', 'donor', 'sh', '-c', 'hostname; cat /etc/hostname /etc/hosts /etc/resolv.conf']).stdout;
    expect(runIn(['--network', 'container:donor'], 'hostname; cat /etc/hostname /etc/hosts /etc/resolv.conf').stdout).toBe(donor);
    expect(runIn([], 'hostname').stdout).not.toBe(donor.split('\n')[0] + '\n');
  });

  it('--ipc container:donor shares the donor\'s IPC namespace (its POSIX message queues)', () => {
    expect(namespaceOf('ipc', ['--ipc', 'container:donor'])).toBe(box.run(['exec', 'donor', 'readlink', '/proc/self/ns/ipc']).stdout.trim());
    expect(runIn(['--ipc', 'container:donor'], 'ls /dev/mqueue').stdout).toBe('berth-queue\n');
    expect(runIn([], 'ls /dev/mqueue').stdout).toBe('');
  });

  it('records container:<id> as the network mode', () => {
    const donorId = box.run(['inspect', '-f', '{{.Id}}', 'donor']).stdout.trim();
    const created = box.run(['create', '--name', 'joiner', '--network', 'container:donor', 'busybox', 'true']);
    expect(created.status).toBe(0);
    expect(box.run(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'joiner']).stdout.trim()).toBe(`container:${donorId}`);
    expect(box.run(['rm', 'joiner']).status).toBe(0);
  });

  it('fails with Docker\'s messages for a missing or stopped container, and for -h', () => {
    const missing = runIn(['--network', 'container:nope'], 'true');
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 125, stderr: 'Error: No such container: nope\n\nRun \'berth run --help\' for more information\n' });
    const withHostname = runIn(['--network', 'container:donor', '-h', 'x1'], 'true');
    expect(withHostname.status).toBe(125);
    expect(withHostname.stderr).toContain('conflicting options: hostname and the network mode');
    expect(box.run(['create', '--name', 'stopped', 'busybox', 'true']).status).toBe(0);
    const stopped = runIn(['--ipc', 'container:stopped'], 'true');
    expect(stopped.status).toBe(125);
    expect(stopped.stderr).toMatch(/cannot join IPC of a non running container: [0-9a-f]{64}/);
    expect(box.run(['rm', 'stopped']).status).toBe(0);
  });
});
