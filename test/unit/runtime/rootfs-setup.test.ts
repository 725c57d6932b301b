import { setupRootfs, overlayData, RootfsSetup } from '../../../src/runtime/rootfs-setup';
import { DEFAULT_DEVICES, defaultMounts } from '../../../src/runtime/spec/defaults';
import { AT_EMPTY_PATH, AT_RECURSIVE, MOUNT_ATTR_RDONLY, MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_PRIVATE, MS_RDONLY, MS_REC, MS_REMOUNT } from '../../../src/sys/mount';
import { S_IFBLK, S_IFCHR, makedev } from '../../../src/sys/fs-at';
import { SyscallError } from '../../../src/errors/syscall-error';
import { recordingHostCalls, RecordedCall, RecordingHostCalls } from './recording-host-calls';

const ROOTFS = '/var/lib/berth/containers/abc/rootfs';

function setupOf(overrides: Partial<RootfsSetup> = {}): RootfsSetup {
  return {
    rootfs: ROOTFS,
    lowerDirs: ['/layers/top/diff', '/layers/base/diff'],
    upperDir: '/var/lib/berth/containers/abc/upper',
    workDir: '/var/lib/berth/containers/abc/work',
    mounts: [
      ...defaultMounts(),
      { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'ro'] },
      { destination: '/etc/hostname', type: 'bind', source: '/var/lib/berth/containers/abc/hostname', options: ['rbind', 'rprivate'] },
    ],
    devices: [...DEFAULT_DEVICES, { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o600, uid: 0, gid: 6 }],
    hostname: 'abcdef012345',
    loopback: true,
    setHostname: true,
    sysctl: { 'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647' },
    ...overrides,
  };
}

/** The fd path mount(2) got for the ensureInRoot of `destination` (the mount target). */
function mountsOnto(sys: RecordingHostCalls, destination: string): RecordedCall[] {
  const result: RecordedCall[] = [];
  sys.calls.forEach((call, i) => {
    if (call.name !== 'ensureInRoot' || call.args[1] !== destination) return;
    const fd = 100 + sys.calls.slice(0, i + 1).filter((c) => c.name === 'ensureInRoot' || c.name === 'openat2').length - 1;
    const mount = sys.calls.slice(i + 1).find((c) => c.name === 'mount' && c.args[1] === `/proc/self/fd/${fd}`);
    if (mount) result.push(mount);
  });
  return result;
}

function run(setup: RootfsSetup = setupOf(), options: Parameters<typeof recordingHostCalls>[0] = {}): RecordingHostCalls {
  const sys = recordingHostCalls(options);
  setupRootfs(setup, sys);
  return sys;
}

describe('setupRootfs', () => {
  it('makes / private first, then mounts the overlay with the layer, upper and work dirs', () => {
    const sys = run();
    expect(sys.calls[0]).toEqual({ name: 'mount', args: [null, '/', null, MS_REC | MS_PRIVATE, null, expect.any(String)] });
    expect(sys.calls[1].name).toBe('mount');
    expect(sys.calls[1].args.slice(0, 5)).toEqual([
      'overlay',
      ROOTFS,
      'overlay',
      0,
      'lowerdir=/layers/top/diff:/layers/base/diff,upperdir=/var/lib/berth/containers/abc/upper,workdir=/var/lib/berth/containers/abc/work',
    ]);
    expect(overlayData(setupOf())).toBe(sys.calls[1].args[4]);
    // The root is opened once, as an O_PATH directory fd that every later lookup is relative to.
    expect(sys.calls[2]).toMatchObject({ name: 'openat2', args: [-100, ROOTFS, expect.any(Object)] });
  });

  it('ensures /proc as a directory, replacing a symlink, before any spec mount', () => {
    const sys = run();
    const proc = sys.indexOf((c) => c.name === 'ensureInRoot' && c.args[1] === '/proc');
    expect(sys.calls[proc].args).toEqual([100, '/proc', 'dir', { replaceSymlink: true }]);
    const firstSpecMount = sys.indexOf((c) => c.name === 'mount' && String(c.args[1]).startsWith('/proc/self/fd/'));
    expect(proc).toBeLessThan(firstSpecMount);
    // proc itself is berth-init's (it must be inside the new PID namespace), and cgroup is not mounted by the CLI.
    expect(sys.named('mount').map((c) => c.args[2])).not.toContain('proc');
    expect(sys.named('mount').map((c) => c.args[2])).not.toContain('cgroup');
  });

  it('mounts the spec mounts in order: /dev tmpfs, devpts, sysfs read-only, mqueue, shm, then binds', () => {
    const sys = run();
    const specMounts = sys.named('mount').filter((c) => String(c.args[1]).startsWith('/proc/self/fd/') && c.args[0] !== null);
    expect(specMounts.map((c) => [c.args[0], c.args[2]])).toEqual([
      ['tmpfs', 'tmpfs'],
      ['devpts', 'devpts'],
      ['sysfs', 'sysfs'],
      ['mqueue', 'mqueue'],
      ['shm', 'tmpfs'],
      ['/srv/data', null],
      ['/var/lib/berth/containers/abc/hostname', null],
    ]);
    const [dev] = mountsOnto(sys, '/dev');
    expect(dev.args[3]).toBe(MS_NOSUID | 0x1000000 /* strictatime */);
    expect(dev.args[4]).toBe('mode=755,size=65536k');
    const [pts] = mountsOnto(sys, '/dev/pts');
    expect(pts.args[4]).toBe('newinstance,ptmxmode=0666,mode=0620,gid=5');
    const [sys_] = mountsOnto(sys, '/sys');
    expect(sys_.args[3]).toBe(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
    const [shm] = mountsOnto(sys, '/dev/shm');
    expect(shm.args[4]).toBe('mode=1777');
    // /dev is replaced when the image ships it as a symlink, /data is not.
    expect(sys.named('ensureInRoot').find((c) => c.args[1] === '/dev')!.args[3]).toEqual({ replaceSymlink: true });
    expect(sys.named('ensureInRoot').find((c) => c.args[1] === '/data')!.args[3]).toEqual({ replaceSymlink: false });
  });

  it('binds with MS_BIND|MS_REC only, then remounts read-only when asked', () => {
    const sys = run(setupOf(), { files: ['/var/lib/berth/containers/abc/hostname'] });
    const [bind, remount] = mountsOnto(sys, '/data');
    expect(bind.args.slice(0, 5)).toEqual(['/srv/data', expect.stringMatching(/^\/proc\/self\/fd\/\d+$/), null, MS_BIND | MS_REC, null]);
    expect(remount.args.slice(0, 5)).toEqual([null, expect.any(String), null, MS_BIND | MS_REMOUNT | MS_RDONLY, null]);
    expect(sys.calls.indexOf(bind)).toBeLessThan(sys.calls.indexOf(remount));
    // A bind source that is a file gets a file as its mount point; no remount without flags, propagation applied after.
    expect(sys.named('ensureInRoot').find((c) => c.args[1] === '/etc/hostname')!.args[2]).toBe('file');
    expect(sys.named('ensureInRoot').find((c) => c.args[1] === '/data')!.args[2]).toBe('dir');
    const hostname = mountsOnto(sys, '/etc/hostname');
    expect(hostname.map((c) => c.args[3])).toEqual([MS_BIND | MS_REC, MS_PRIVATE | MS_REC]);
  });

  it('names a missing bind source in its error', () => {
    const sys = recordingHostCalls();
    sys.isDirectory = () => {
      throw new Error('ENOENT');
    };
    expect(() => setupRootfs(setupOf(), sys)).toThrow(/stat bind source `\/srv\/data`: ENOENT/);
    expect([...sys.openFds]).toEqual([]);
  });

  it('creates each device after /dev is mounted: mknodat, then fchmodat with the mode, then fchownat', () => {
    const sys = run();
    const devMount = sys.calls.indexOf(mountsOnto(sys, '/dev')[0]);
    const mknods = sys.named('mknodat');
    expect(mknods.map((c) => c.args[1])).toEqual(['null', 'random', 'full', 'tty', 'zero', 'urandom', 'sda']);
    expect(sys.calls.indexOf(mknods[0])).toBeGreaterThan(devMount);
    expect(mknods[0].args[2]).toBe(S_IFCHR | 0o666);
    expect(mknods[0].args[3]).toBe(makedev(1, 3));
    expect(mknods[6].args[2]).toBe(S_IFBLK | 0o600);
    expect(mknods[6].args[3]).toBe(makedev(8, 0));
    for (const [i, mknod] of mknods.entries()) {
      const at = sys.calls.indexOf(mknod);
      const [chmod, chown] = [sys.calls[at + 1], sys.calls[at + 2]];
      // Same directory fd, same name: the mode is set explicitly because mknod applies the umask.
      expect(chmod).toEqual({ name: 'fchmodat', args: [mknod.args[0], mknod.args[1], i === 6 ? 0o600 : 0o666, 0, expect.any(String)] });
      expect(chown).toEqual({ name: 'fchownat', args: [mknod.args[0], mknod.args[1], 0, i === 6 ? 6 : 0, 0x100, expect.any(String)] });
    }
    // mknodat gets a real directory fd (opened from the O_PATH one), not the O_PATH fd itself.
    const dirOpen = sys.calls[sys.calls.indexOf(mknods[0]) - 1];
    expect(dirOpen).toMatchObject({ name: 'openat2', args: [expect.any(Number), '.', { flags: expect.any(Number), resolve: 0 }] });
  });

  it('links /dev/fd, stdin, stdout, stderr and ptmx after the devices, and tolerates links that exist', () => {
    const sys = recordingHostCalls();
    const symlinkat = sys.symlinkat;
    sys.symlinkat = (target, dirfd, name, subject) => {
      symlinkat(target, dirfd, name, subject);
      if (name === 'fd') throw new SyscallError('symlinkat', 17, 'fd');
    };
    setupRootfs(setupOf(), sys);
    const links = sys.named('symlinkat');
    expect(links.map((c) => [c.args[0], c.args[2]])).toEqual([
      ['/proc/self/fd', 'fd'],
      ['/proc/self/fd/0', 'stdin'],
      ['/proc/self/fd/1', 'stdout'],
      ['/proc/self/fd/2', 'stderr'],
      ['pts/ptmx', 'ptmx'],
    ]);
    expect(sys.calls.indexOf(links[0])).toBeGreaterThan(sys.calls.indexOf(sys.named('fchownat').pop()!));
  });

  it('sets the hostname, then brings loopback up, then writes the sysctls, last of all', () => {
    const sys = run();
    const tail = sys.calls.slice(-4);
    expect(tail).toEqual([
      { name: 'sethostname', args: ['abcdef012345'] },
      { name: 'interfaceUp', args: ['lo'] },
      { name: 'writeSysctl', args: ['net.ipv4.ip_unprivileged_port_start', '0'] },
      { name: 'writeSysctl', args: ['net.ipv4.ping_group_range', '0 2147483647'] },
    ]);
    // The root fd is closed before them: they act on namespaces, not on the rootfs.
    expect(sys.calls[sys.calls.length - 5]).toEqual({ name: 'close', args: [100] });
  });

  it('leaves the hostname and loopback alone when the UTS and network namespaces are shared', () => {
    const sys = run(setupOf({ setHostname: false, loopback: false, sysctl: {} }));
    expect(sys.named('sethostname')).toEqual([]);
    expect(sys.named('interfaceUp')).toEqual([]);
    expect(sys.named('writeSysctl')).toEqual([]);
  });

  it('closes every fd it opened', () => {
    const sys = run();
    expect(sys.named('openat2').length + sys.named('ensureInRoot').length).toBe(sys.named('close').length);
    expect([...sys.openFds]).toEqual([]);
  });

  it('closes every fd it opened when a call fails half-way', () => {
    const sys = recordingHostCalls({ failures: { mknodat: 1 } });
    expect(() => setupRootfs(setupOf(), sys)).toThrow(SyscallError);
    expect(sys.named('mknodat')).toHaveLength(1);
    expect([...sys.openFds]).toEqual([]);
    expect(sys.named('sethostname')).toEqual([]);
  });
});

describe('setupRootfs rro', () => {
  const rro = { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'rro'] };

  it('makes an rbind with rro read-only down its submounts with mount_setattr(AT_RECURSIVE), after the remount', () => {
    const sys = recordingHostCalls();
    setupRootfs(setupOf({ mounts: [rro] }), sys);
    const setattr = sys.named('mountSetattr');
    expect(setattr).toHaveLength(1);
    expect(setattr[0].args.slice(1, 4)).toEqual(['', AT_EMPTY_PATH | AT_RECURSIVE, { set: MOUNT_ATTR_RDONLY }]);
    const remount = sys.indexOf((c) => c.name === 'mount' && ((c.args[3] as number) & MS_REMOUNT) !== 0);
    expect(remount).toBeGreaterThan(-1);
    expect(sys.indexOf((c) => c.name === 'mountSetattr')).toBeGreaterThan(remount);
    expect([...sys.openFds]).toEqual([]);
  });

  it('needs no mount_setattr for a non-recursive bind or plain ro', () => {
    const sys = recordingHostCalls();
    setupRootfs(setupOf({ mounts: [{ ...rro, options: ['bind', 'rro'] }, { ...rro, destination: '/b', options: ['rbind', 'ro'] }] }), sys);
    expect(sys.named('mountSetattr')).toEqual([]);
  });

  it('says which kernel it needs when mount_setattr is missing (ENOSYS)', () => {
    const sys = recordingHostCalls({ failures: { mountSetattr: 38 } });
    expect(() => setupRootfs(setupOf({ mounts: [rro] }), sys)).toThrow(
      'mount `/data` recursively read-only: this kernel has no mount_setattr(2) (Linux 5.12 or later)',
    );
  });
});

describe('setupRootfs cgroup mounts', () => {
  it('leaves the cgroup filesystem to berth-init but makes sure its mount point exists', () => {
    const sys = recordingHostCalls();
    setupRootfs(setupOf({ mounts: defaultMounts() }), sys);
    expect(sys.named('mount').some((c) => c.args[1] === '/sys/fs/cgroup' || c.args[2] === 'cgroup')).toBe(false);
    expect(sys.named('ensureInRoot').some((c) => c.args[1] === '/sys/fs/cgroup' && c.args[2] === 'dir')).toBe(true);
  });
});
