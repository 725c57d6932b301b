// Fake cgroupfs trees in a temp dir: directories plus the files the kernel
// would show, as plain files. Writes land in them, so tests read back values.
import * as fs from 'node:fs';
import * as path from 'node:path';

const V1_FILES: Record<string, Record<string, string>> = {
  memory: {
    'memory.limit_in_bytes': '9223372036854771712',
    'memory.memsw.limit_in_bytes': '9223372036854771712',
    'memory.soft_limit_in_bytes': '9223372036854771712',
    'memory.usage_in_bytes': '0',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
  },
  cpu: { 'cpu.shares': '1024', 'cpu.cfs_quota_us': '-1', 'cpu.cfs_period_us': '100000' },
  cpuacct: { 'cpuacct.usage': '0' },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '' },
  pids: { 'pids.max': 'max', 'pids.current': '0' },
  devices: { 'devices.allow': '', 'devices.deny': '', 'devices.list': 'a *:* rwm\n' },
  freezer: { 'freezer.state': 'THAWED\n' },
};

/** Writes the files a v1 kernel shows in a new cgroup of a hierarchy holding `controllers`. */
export function populateV1(dir: string, controllers: string[], overrides: Record<string, string> = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = { 'cgroup.procs': '' };
  for (const controller of controllers) Object.assign(files, V1_FILES[controller] ?? {});
  for (const [file, content] of Object.entries({ ...files, ...overrides })) {
    if (file in files) fs.writeFileSync(path.join(dir, file), content);
  }
}

/**
 * A v1 tree under `root`, one directory per hierarchy (`['cpu','cpuacct']`
 * is a co-mount named `cpu,cpuacct`); returns the layout's mounts.
 */
export function fakeV1Tree(root: string, hierarchies: string[][]): Record<string, string> {
  const mounts: Record<string, string> = {};
  for (const controllers of hierarchies) {
    const mount = path.join(root, controllers.join(','));
    populateV1(mount, controllers, { 'cpuset.cpus': '0-3\n', 'cpuset.mems': '0\n' });
    for (const c of controllers) mounts[c] = mount;
  }
  return mounts;
}

/** Files of a v2 cgroup with `controllers` enabled in it by its parent. */
export function populateV2(dir: string, controllers: string[], isRoot = false): void {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'cgroup.controllers': controllers.join(' ') + '\n',
    'cgroup.subtree_control': '\n',
    'cgroup.procs': '',
    'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n',
  };
  if (!isRoot) Object.assign(files, { 'cgroup.freeze': '0\n', 'cgroup.events': 'populated 0\nfrozen 0\n' });
  const perController: Record<string, Record<string, string>> = {
    memory: { 'memory.max': 'max', 'memory.swap.max': 'max', 'memory.low': '0', 'memory.current': '0', 'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n' },
    cpu: { 'cpu.max': 'max 100000', 'cpu.weight': '100' },
    cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '' },
    pids: { 'pids.max': 'max', 'pids.current': '0' },
    io: { 'io.max': '' },
  };
  if (!isRoot) for (const c of controllers) Object.assign(files, perController[c] ?? {});
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
}

export function read(file: string): string {
  return fs.readFileSync(file, 'utf8').trim();
}
