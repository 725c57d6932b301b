import {
  DEFAULT_CAPABILITIES,
  DEFAULT_DEVICES,
  DEFAULT_MASKED_PATHS,
  DEFAULT_PATH_ENV,
  DEFAULT_READONLY_PATHS,
  defaultDeviceRules,
  defaultHostname,
  defaultMounts,
  effectiveDeviceRules,
  runtimeDeviceRules,
} from '../../../../src/runtime/spec/defaults';

describe('Docker defaults', () => {
  it('has the 14 default capabilities', () => {
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
    expect(new Set(DEFAULT_CAPABILITIES).size).toBe(14);
    expect(DEFAULT_CAPABILITIES).not.toContain('CAP_SYS_ADMIN');
    expect(DEFAULT_CAPABILITIES).not.toContain('CAP_NET_ADMIN');
  });
  it('masks moby’s current list, /proc/interrupts included', () => {
    expect(DEFAULT_MASKED_PATHS).toEqual(
      expect.arrayContaining(['/proc/kcore', '/proc/keys', '/proc/interrupts', '/sys/firmware', '/sys/devices/virtual/powercap']),
    );
    expect(DEFAULT_READONLY_PATHS).toEqual(['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  });
  it('mounts proc, a 64k /dev tmpfs, devpts, read-only sysfs and cgroup, mqueue and shm', () => {
    const mounts = defaultMounts();
    expect(mounts.map((m) => `${m.destination} ${m.type}`)).toEqual([
      '/proc proc',
      '/dev tmpfs',
      '/dev/pts devpts',
      '/sys sysfs',
      '/sys/fs/cgroup cgroup',
      '/dev/mqueue mqueue',
      '/dev/shm tmpfs',
    ]);
    expect(mounts[1].options).toEqual(['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
    expect(mounts[2].options).toEqual(['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
    expect(mounts[3].options).toContain('ro');
    expect(mounts[4].options).toContain('ro');
  });
  it('returns fresh mount objects each time', () => {
    defaultMounts()[0].options.push('changed');
    expect(defaultMounts()[0].options).toEqual(['nosuid', 'noexec', 'nodev']);
  });
  it('denies all devices first, then allows the basic nodes, and denies /dev/fuse', () => {
    const rules = defaultDeviceRules();
    expect(rules[0]).toEqual({ allow: false, access: 'rwm' });
    const allowed = rules.filter((r) => r.allow).map((r) => `${r.type} ${r.major}:${r.minor}`);
    expect(allowed).toEqual(['c 1:5', 'c 1:3', 'c 1:9', 'c 1:8', 'c 5:0', 'c 5:1']);
    expect(rules[rules.length - 1]).toEqual({ allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' });
  });
  it('adds runc’s own rules after the spec’s: mknod, ptys, ptmx, tun', () => {
    const extra = runtimeDeviceRules().map((r) => `${r.type} ${r.major}:${r.minor} ${r.access}`);
    expect(extra).toEqual(
      expect.arrayContaining(['c -1:-1 m', 'b -1:-1 m', 'c 1:7 rwm', 'c 136:-1 rwm', 'c 5:2 rwm', 'c 10:200 rwm']),
    );
    expect(effectiveDeviceRules(defaultDeviceRules())[0]).toEqual({ allow: false, access: 'rwm' });
    expect(effectiveDeviceRules([])).toHaveLength(runtimeDeviceRules().length);
  });
  it('creates null zero full random urandom tty, 0666', () => {
    expect(DEFAULT_DEVICES.map((d) => d.path).sort()).toEqual(
      ['/dev/full', '/dev/null', '/dev/random', '/dev/tty', '/dev/urandom', '/dev/zero'],
    );
    expect(DEFAULT_DEVICES.every((d) => d.fileMode === 0o666)).toBe(true);
  });
  it('uses Docker’s PATH and a 12-character hostname', () => {
    expect(DEFAULT_PATH_ENV).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(defaultHostname('0123456789abcdef'.repeat(4))).toBe('0123456789ab');
  });
});
