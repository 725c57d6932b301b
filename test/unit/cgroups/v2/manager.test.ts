import * as fs from 'node:fs';
import * as path from 'node:path';
import { V2CgroupManager } from '../../../../src/cgroups/v2/manager';
import { applyV2Resources, cpuSharesToWeight } from '../../../../src/cgroups/v2/resources';
import { tempDir } from '../../helpers/tmp';
import { populateV2, read } from '../fake-cgroupfs';

const ALL = ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids'];
let root: string;
let manager: V2CgroupManager;
const file = (name: string): string => path.join(root, 'berth/c1', name);

beforeEach(() => {
  root = tempDir('berth-cgv2-');
  populateV2(root, ALL, true);
  populateV2(path.join(root, 'berth'), ALL);
  populateV2(path.join(root, 'berth/c1'), ['cpuset', 'cpu', 'io', 'memory', 'pids']);
  manager = new V2CgroupManager(root, '/berth/c1');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('V2CgroupManager', () => {
  test('create enables, in the root and each ancestor, the wanted controllers not yet enabled', () => {
    fs.writeFileSync(path.join(root, 'cgroup.subtree_control'), 'cpu io memory pids\n');
    fs.writeFileSync(path.join(root, 'berth/cgroup.controllers'), 'cpu io memory pids hugetlb\n');
    fs.writeFileSync(path.join(root, 'berth/cgroup.subtree_control'), 'cpu io pids\n');
    manager.create();
    expect(read(path.join(root, 'cgroup.subtree_control'))).toBe('+cpuset'); // hugetlb is not wanted
    expect(read(path.join(root, 'berth/cgroup.subtree_control'))).toBe('+memory');
  });

  test('apply writes memory.max, memory.swap.max = swap - memory, cpu.max, cpu.weight, cpuset, pids', () => {
    manager.apply({
      memory: 64 << 20,
      memorySwap: 96 << 20,
      memoryReservation: 16 << 20,
      cpuQuota: 50000,
      cpuPeriod: 100000,
      cpuShares: 512,
      cpusetCpus: '0-1',
      cpusetMems: '0',
      pidsLimit: 20,
    });
    expect(read(file('memory.max'))).toBe(String(64 << 20));
    expect(read(file('memory.swap.max'))).toBe(String(32 << 20));
    expect(read(file('memory.low'))).toBe(String(16 << 20));
    expect(read(file('cpu.max'))).toBe('50000 100000');
    expect(read(file('cpu.weight'))).toBe('20');
    expect(read(file('cpuset.cpus'))).toBe('0-1');
    expect(read(file('cpuset.mems'))).toBe('0');
    expect(read(file('pids.max'))).toBe('20');
  });

  test('unlimited values: pids.max max, memory.swap.max max, cpu.max max with the default period', () => {
    manager.apply({ pidsLimit: -1, memory: 1 << 20, memorySwap: -1, cpuQuota: -1 });
    expect(read(file('pids.max'))).toBe('max');
    expect(read(file('memory.swap.max'))).toBe('max');
    expect(read(file('cpu.max'))).toBe('max 100000');
  });

  test('the order of writes', () => {
    const writes: string[] = [];
    applyV2Resources(path.join(root, 'berth/c1'), { memory: 10, memorySwap: 30, cpuQuota: 150000, cpuShares: 1024, pidsLimit: 0 }, (_d, f, v) =>
      writes.push(`${f}=${v}`),
    );
    expect(writes).toEqual(['memory.max=10', 'memory.swap.max=20', 'cpu.weight=39', 'cpu.max=150000 100000', 'pids.max=max']);
  });

  test('cpu.shares to cpu.weight as runc converts it', () => {
    expect(cpuSharesToWeight(2)).toBe(1);
    expect(cpuSharesToWeight(1024)).toBe(39);
    expect(cpuSharesToWeight(262144)).toBe(10000);
    expect(cpuSharesToWeight(1)).toBe(1);
  });

  test('a controller not enabled for the cgroup is named; swap without memory is refused', () => {
    fs.writeFileSync(file('cgroup.controllers'), 'cpu\n');
    expect(() => manager.apply({ pidsLimit: 3 })).toThrow(/apply `--pids-limit`: the `pids` controller is not enabled for/);
    fs.writeFileSync(file('cgroup.controllers'), 'memory\n');
    expect(() => manager.apply({ memorySwap: 100 })).toThrow(/needs `--memory` too/);
  });

  test('stats: memory.current, memory.max, cpu.stat usage_usec in ns, pids', () => {
    fs.writeFileSync(file('memory.current'), '4096\n');
    fs.writeFileSync(file('memory.max'), '67108864\n');
    fs.writeFileSync(file('cpu.stat'), 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n');
    fs.writeFileSync(file('pids.current'), '2\n');
    fs.writeFileSync(file('pids.max'), '20\n');
    expect(manager.stats()).toEqual({ memoryUsage: 4096, memoryLimit: 67108864, cpuUsageNs: 2500000, pids: 2, pidsLimit: 20 });
    fs.writeFileSync(file('memory.max'), 'max\n');
    fs.writeFileSync(file('pids.max'), 'max\n');
    const unlimited = manager.stats();
    expect(unlimited.memoryLimit).toBe(Infinity);
    expect(unlimited.pidsLimit).toBeUndefined();
  });

  test('oomKilled reads oom_kill of memory.events', () => {
    expect(manager.oomKilled()).toBe(false);
    fs.writeFileSync(file('memory.events'), 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n');
    expect(manager.oomKilled()).toBe(true);
  });

  test('freeze writes cgroup.freeze 1 and waits for cgroup.events frozen 1; thaw the reverse', () => {
    fs.writeFileSync(file('cgroup.events'), 'populated 1\nfrozen 1\n');
    manager.freeze();
    expect(read(file('cgroup.freeze'))).toBe('1');
    fs.writeFileSync(file('cgroup.events'), 'populated 1\nfrozen 0\n');
    manager.thaw();
    expect(read(file('cgroup.freeze'))).toBe('0');
  });

  test('join and pids() include sub-cgroups', () => {
    manager.join(77);
    populateV2(file('inner'), []);
    fs.writeFileSync(file('inner/cgroup.procs'), '78\n79\n');
    expect(manager.pids()).toEqual([77, 78, 79]);
  });

  test('destroy removes the directory and nested cgroups; missing is fine', () => {
    const empty = new V2CgroupManager(root, '/berth/empty');
    fs.mkdirSync(path.join(root, 'berth/empty/sub'), { recursive: true });
    empty.destroy();
    expect(fs.existsSync(path.join(root, 'berth/empty'))).toBe(false);
    expect(() => empty.destroy()).not.toThrow();
  });
});
