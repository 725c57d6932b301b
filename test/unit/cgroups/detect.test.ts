import * as path from 'node:path';
import { cgroupManager, detectLayout, parseMountinfo } from '../../../src/cgroups/detect';
import { CgroupError } from '../../../src/cgroups/files';

const fixture = (name: string): string => path.resolve(__dirname, '../../fixtures/cgroups', name);

describe('detectLayout', () => {
  test('this machine: v1 controllers beside a cgroup2 mount holding only hugetlb is v1 (hybrid)', () => {
    const layout = detectLayout(fixture('proc-hybrid'));
    expect(layout).toEqual({
      version: 1,
      mounts: {
        cpu: '/sys/fs/cgroup/cpu',
        cpuacct: '/sys/fs/cgroup/cpuacct',
        cpuset: '/sys/fs/cgroup/cpuset',
        memory: '/sys/fs/cgroup/memory',
        devices: '/sys/fs/cgroup/devices',
        freezer: '/sys/fs/cgroup/freezer',
        blkio: '/sys/fs/cgroup/blkio',
        pids: '/sys/fs/cgroup/pids',
        'name=systemd': '/sys/fs/cgroup/systemd',
      },
      unified: '/sys/fs/cgroup/unified',
    });
    expect(cgroupManager(layout, '/berth/abc').version).toBe(1);
  });

  test('pure v2: one cgroup2 mount at /sys/fs/cgroup', () => {
    const layout = detectLayout(fixture('proc-v2'));
    expect(layout).toEqual({ version: 2, mounts: {}, unified: '/sys/fs/cgroup' });
    expect(cgroupManager(layout, '/berth/abc').version).toBe(2);
  });

  test('pure v1 with co-mounted cpu,cpuacct and net_cls,net_prio; a sub-tree bind of memory is ignored', () => {
    const layout = detectLayout(fixture('proc-v1-comounted'));
    expect(layout.version).toBe(1);
    expect(layout.unified).toBeUndefined();
    expect(layout.mounts).toEqual({
      'name=systemd': '/sys/fs/cgroup/systemd',
      cpu: '/sys/fs/cgroup/cpu,cpuacct',
      cpuacct: '/sys/fs/cgroup/cpu,cpuacct',
      memory: '/sys/fs/cgroup/memory',
      net_cls: '/sys/fs/cgroup/net_cls,net_prio',
      net_prio: '/sys/fs/cgroup/net_cls,net_prio',
      pids: '/sys/fs/cgroup/pids',
      cpuset: '/sys/fs/cgroup/cpuset',
      devices: '/sys/fs/cgroup/devices',
      freezer: '/sys/fs/cgroup/freezer',
      blkio: '/sys/fs/cgroup/blkio',
    });
  });

  test('a v1 hierarchy holding only name=systemd does not make a v2 machine v1 (no /proc/cgroups either)', () => {
    expect(detectLayout(fixture('proc-v2-named-v1'))).toEqual({ version: 2, mounts: {}, unified: '/sys/fs/cgroup' });
  });

  test('no cgroup mount at all, or no mountinfo, is a CgroupError', () => {
    expect(() => detectLayout(fixture('proc-none'))).toThrow(/no cgroup hierarchy is mounted/);
    expect(() => detectLayout(fixture('missing'))).toThrow(CgroupError);
  });

  test('parseMountinfo unescapes octal escapes and skips optional fields', () => {
    const [entry] = parseMountinfo('40 31 0:37 / /sys/fs/cgroup/a\\040b rw shared:1 master:2 - cgroup cgroup rw,pids\n');
    expect(entry).toEqual({ root: '/', mountPoint: '/sys/fs/cgroup/a b', fsType: 'cgroup', superOptions: ['rw', 'pids'] });
  });

  test('cgroupManager rejects paths that are relative or climb', () => {
    const layout = detectLayout(fixture('proc-v2'));
    expect(() => cgroupManager(layout, 'berth/x')).toThrow(/must be absolute/);
    expect(() => cgroupManager(layout, '/berth/../../etc')).toThrow(CgroupError);
    expect(() => cgroupManager(layout, '/')).toThrow(CgroupError);
  });
});
