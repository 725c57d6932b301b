import * as fs from 'node:fs';
import * as path from 'node:path';
import { V1CgroupManager } from '../../../../src/cgroups/v1/manager';
import { applyV1Resources } from '../../../../src/cgroups/v1/resources';
import { CgroupError } from '../../../../src/cgroups/files';
import { tempDir } from '../../helpers/tmp';
import { fakeV1Tree, populateV1, read } from '../fake-cgroupfs';

const HIERARCHIES = [['cpu', 'cpuacct'], ['cpuset'], ['memory'], ['devices'], ['freezer'], ['pids'], ['name=systemd']];
const CGROUP = '/berth/c1';

let root: string;
let mounts: Record<string, string>;
let manager: V1CgroupManager;

/** The kernel's part of mkdir: the new cgroup directories get their files. */
function kernelPopulates(overrides: Record<string, Record<string, string>> = {}): void {
  for (const controllers of HIERARCHIES) {
    const mount = mounts[controllers[0]];
    populateV1(path.join(mount, '/berth'), controllers, { 'cpuset.cpus': '0-3', 'cpuset.mems': '0' });
    populateV1(path.join(mount, CGROUP), controllers, overrides[controllers[0]]);
  }
}

beforeEach(() => {
  root = tempDir('berth-cgv1-');
  mounts = fakeV1Tree(root, HIERARCHIES);
  manager = new V1CgroupManager(mounts, CGROUP);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const file = (controller: string, name: string): string => path.join(mounts[controller], CGROUP, name);

describe('V1CgroupManager', () => {
  test('create makes one directory per hierarchy (co-mounted cpu,cpuacct share one)', () => {
    populateV1(path.join(mounts.cpuset, '/berth'), ['cpuset']);
    populateV1(path.join(mounts.cpuset, CGROUP), ['cpuset']);
    manager.create();
    const dirs = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, CGROUP)));
    expect(dirs.sort()).toEqual(['cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'name=systemd', 'pids']);
    expect(manager.dirs()).toHaveLength(7);
  });

  test('create copies cpuset.cpus and cpuset.mems down from the parent when empty', () => {
    populateV1(path.join(mounts.cpuset, '/berth'), ['cpuset']);
    populateV1(path.join(mounts.cpuset, CGROUP), ['cpuset']);
    manager.create();
    expect(read(path.join(mounts.cpuset, '/berth/cpuset.cpus'))).toBe('0-3');
    expect(read(file('cpuset', 'cpuset.cpus'))).toBe('0-3');
    expect(read(file('cpuset', 'cpuset.mems'))).toBe('0');
  });

  test('apply writes every limit into its controller file', () => {
    kernelPopulates();
    manager.apply({
      memory: 64 << 20,
      memorySwap: 128 << 20,
      memoryReservation: 32 << 20,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      cpuShares: 512,
      cpusetCpus: '1',
      cpusetMems: '0',
      pidsLimit: 20,
    });
    expect(read(file('memory', 'memory.limit_in_bytes'))).toBe(String(64 << 20));
    expect(read(file('memory', 'memory.memsw.limit_in_bytes'))).toBe(String(128 << 20));
    expect(read(file('memory', 'memory.soft_limit_in_bytes'))).toBe(String(32 << 20));
    expect(read(file('cpu', 'cpu.cfs_quota_us'))).toBe('50000');
    expect(read(file('cpu', 'cpu.cfs_period_us'))).toBe('100000');
    expect(read(file('cpu', 'cpu.shares'))).toBe('512');
    expect(read(file('cpuset', 'cpuset.cpus'))).toBe('1');
    expect(read(file('cpuset', 'cpuset.mems'))).toBe('0');
    expect(read(file('pids', 'pids.max'))).toBe('20');
  });

  test('pids limit 0 or less writes max; cpu quota -1 writes -1', () => {
    kernelPopulates();
    manager.apply({ pidsLimit: 0, cpuQuota: -1 });
    expect(read(file('pids', 'pids.max'))).toBe('max');
    expect(read(file('cpu', 'cpu.cfs_quota_us'))).toBe('-1');
  });

  test('without swap accounting (no memsw file) the swap limit is skipped, not created', () => {
    kernelPopulates();
    fs.rmSync(file('memory', 'memory.memsw.limit_in_bytes'));
    manager.apply({ memory: 1 << 20, memorySwap: 2 << 20 });
    expect(read(file('memory', 'memory.limit_in_bytes'))).toBe(String(1 << 20));
    expect(fs.existsSync(file('memory', 'memory.memsw.limit_in_bytes'))).toBe(false);
  });

  test('memsw is written before the limit when it grows, after it when it shrinks', () => {
    kernelPopulates();
    const writes: string[] = [];
    const record = (dir: string, name: string, value: string): void => {
      writes.push(`${name}=${value}`);
      fs.writeFileSync(path.join(dir, name), value);
    };
    const dirOf = (c: string): string | undefined => manager.dirOf(c);
    // From unlimited down to 128: memsw shrinks, so the limit goes first.
    applyV1Resources(dirOf, { memory: 64, memorySwap: 128 }, record);
    expect(writes).toEqual(['memory.limit_in_bytes=64', 'memory.memsw.limit_in_bytes=128']);
    writes.length = 0;
    applyV1Resources(dirOf, { memory: 256, memorySwap: 512 }, record);
    expect(writes).toEqual(['memory.memsw.limit_in_bytes=512', 'memory.limit_in_bytes=256']);
    writes.length = 0;
    applyV1Resources(dirOf, { memory: 16, memorySwap: -1 }, record);
    expect(writes).toEqual(['memory.memsw.limit_in_bytes=-1', 'memory.limit_in_bytes=16']);
  });

  test('devices: deny all first, then each rule to devices.allow or devices.deny, one write each', () => {
    kernelPopulates();
    const writes: string[] = [];
    applyV1Resources((c) => manager.dirOf(c), {
      devices: [
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
        { allow: true, type: 'c', major: 136, minor: '*', access: 'rw' },
        { allow: false, type: 'c', major: 1, minor: 3, access: 'm' },
        { allow: true, type: 'a', major: '*', minor: '*', access: 'rwm' },
      ],
    }, (dir, name, value) => writes.push(`${path.relative(root, dir)} ${name} ${value}`));
    expect(writes).toEqual([
      'devices/berth/c1 devices.deny a',
      'devices/berth/c1 devices.allow c 1:3 rwm',
      'devices/berth/c1 devices.allow c 136:* rw',
      'devices/berth/c1 devices.deny c 1:3 m',
      'devices/berth/c1 devices.allow a',
    ]);
  });

  test('a bad device rule is refused before anything is written', () => {
    kernelPopulates();
    expect(() => manager.apply({ devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rx' }] })).toThrow(
      /apply device rule `allow c 1:3 rx`: access must be/,
    );
    expect(read(file('devices', 'devices.deny'))).toBe('');
  });

  test('a limit for an unmounted controller names it; a missing file names file and value', () => {
    const noPids = new V1CgroupManager({ memory: mounts.memory }, CGROUP);
    expect(() => noPids.apply({ pidsLimit: 5 })).toThrow(/apply `--pids-limit`: the `pids` cgroup controller is not mounted/);
    kernelPopulates();
    fs.rmSync(file('cpu', 'cpu.shares'));
    const err = (() => {
      try {
        manager.apply({ cpuShares: 256 });
      } catch (e) {
        return e as CgroupError;
      }
    })();
    expect(err).toBeInstanceOf(CgroupError);
    expect(err?.message).toBe(`write \`256\` to \`${file('cpu', 'cpu.shares')}\`: ENOENT (no such file or directory)`);
  });

  test('join writes the pid to cgroup.procs in every hierarchy; pids() reads it back', () => {
    kernelPopulates();
    manager.join(4242);
    for (const dir of manager.dirs()) expect(read(path.join(dir, 'cgroup.procs'))).toBe('4242');
    expect(manager.pids()).toEqual([4242]);
  });

  test('stats reads usage, limit, cpuacct and pids; unlimited reads as Infinity / undefined', () => {
    kernelPopulates({
      memory: { 'memory.usage_in_bytes': '1048576', 'memory.limit_in_bytes': '67108864' },
      cpu: { 'cpuacct.usage': '123456789' },
      pids: { 'pids.current': '3', 'pids.max': '20' },
    });
    expect(manager.stats()).toEqual({ memoryUsage: 1048576, memoryLimit: 67108864, cpuUsageNs: 123456789, pids: 3, pidsLimit: 20 });
    fs.writeFileSync(file('memory', 'memory.limit_in_bytes'), '9223372036854771712\n');
    fs.writeFileSync(file('pids', 'pids.max'), 'max\n');
    const stats = manager.stats();
    expect(stats.memoryLimit).toBe(Infinity);
    expect(stats.pidsLimit).toBeUndefined();
  });

  test('oomKilled reads the oom_kill counter of memory.oom_control', () => {
    kernelPopulates();
    expect(manager.oomKilled()).toBe(false);
    fs.writeFileSync(file('memory', 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    expect(manager.oomKilled()).toBe(true);
  });

  test('freeze and thaw write freezer.state and wait for the state they asked for', () => {
    kernelPopulates();
    manager.freeze();
    expect(read(file('freezer', 'freezer.state'))).toBe('FROZEN');
    manager.thaw();
    expect(read(file('freezer', 'freezer.state'))).toBe('THAWED');
  });

  test('destroy removes the (empty) directories, sub-cgroups first; a missing cgroup is fine', () => {
    // No cpuset here: on a fake tree its files would make the directories non-empty.
    const { cpuset: _cpuset, ...withoutCpuset } = mounts;
    manager = new V1CgroupManager(withoutCpuset, CGROUP);
    manager.create();
    fs.mkdirSync(path.join(mounts.memory, CGROUP, 'nested'));
    manager.destroy();
    for (const dir of manager.dirs()) expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(path.join(mounts.memory, '/berth'))).toBe(true);
    expect(() => manager.destroy()).not.toThrow();
  });
});
