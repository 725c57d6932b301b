// cgroup v1 on this machine's real hierarchy (root only): limits land in the
// kernel's files, a joined process is counted, frozen and thawed, the devices
// controller refuses /dev/zero, the OOM killer is seen, and destroy cleans up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { exited, processState, runInCgroup } from '../helpers/processes';
import { cgroupManager, detectLayout } from '../../../src/cgroups/detect';
import { V1CgroupManager } from '../../../src/cgroups/v1/manager';

const layout = detectLayout();
const managers: V1CgroupManager[] = [];
const children: ChildProcess[] = [];

function newManager(): V1CgroupManager {
  const manager = cgroupManager(layout, `/berth-test-${randomBytes(4).toString('hex')}`) as V1CgroupManager;
  managers.push(manager);
  return manager;
}

const readFile = (dir: string | undefined, name: string): string => fs.readFileSync(path.join(dir as string, name), 'utf8').trim();

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
  for (const manager of managers) manager.destroy();
});

describe('cgroup v1 on this machine', () => {
  test('the layout is v1 (hybrid: the cgroup2 mount does not own the controllers)', () => {
    expect(layout.version).toBe(1);
    expect(layout.mounts.memory).toBe('/sys/fs/cgroup/memory');
  });

  test('limits, join, stats, freeze/thaw, devices and destroy', async () => {
    const manager = newManager();
    manager.create();
    manager.apply({ memory: 64 << 20, pidsLimit: 20, cpuQuota: 50000, cpuPeriod: 100000, cpuShares: 512 });
    expect(readFile(manager.dirOf('memory'), 'memory.limit_in_bytes')).toBe(String(64 << 20));
    expect(readFile(manager.dirOf('pids'), 'pids.max')).toBe('20');
    expect(readFile(manager.dirOf('cpu'), 'cpu.cfs_quota_us')).toBe('50000');
    expect(readFile(manager.dirOf('cpu'), 'cpu.cfs_period_us')).toBe('100000');
    expect(readFile(manager.dirOf('cpu'), 'cpu.shares')).toBe('512');
    // create copied the parent's cpus and mems into the new cpuset.
    expect(readFile(manager.dirOf('cpuset'), 'cpuset.cpus')).toBe(readFile('/sys/fs/cgroup/cpuset', 'cpuset.cpus'));

    // The child waits on stdin until it has been moved, then burns a little CPU and execs sleep.
    const child = spawn('sh', ['-c', 'read go; i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; exec sleep 60'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    children.push(child);
    const pid = child.pid as number;
    manager.join(pid);
    child.stdin?.write('go\n');
    await until('the child to exec sleep', () => fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep');

    expect(manager.pids()).toEqual([pid]);
    const procCgroup = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    expect(procCgroup).toContain(`:memory:${manager.path}\n`);
    expect(procCgroup).toContain(`:pids:${manager.path}\n`);
    const stats = manager.stats();
    expect(stats.memoryUsage).toBeGreaterThan(0);
    expect(stats.cpuUsageNs).toBeGreaterThan(0);
    expect(stats).toMatchObject({ memoryLimit: 64 << 20, pids: 1, pidsLimit: 20 });

    manager.freeze();
    expect(readFile(manager.dirOf('freezer'), 'freezer.state')).toBe('FROZEN');
    expect(processState(pid)).toMatch(/^D/); // frozen tasks show as D (disk sleep)
    manager.thaw();
    expect(readFile(manager.dirOf('freezer'), 'freezer.state')).toBe('THAWED');
    await until('the child to sleep again', () => processState(pid).startsWith('S'));

    manager.apply({ devices: [
      { allow: false, type: 'a', major: '*', minor: '*', access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
    ] });
    expect(readFile(manager.dirOf('devices'), 'devices.list')).toBe('c 1:3 rwm');
    const procs = path.join(manager.dirOf('devices') as string, 'cgroup.procs');
    const zero = runInCgroup(procs, 'head -c1 /dev/zero');
    expect(zero.status).not.toBe(0);
    expect(zero.stderr).toMatch(/Operation not permitted/);
    const nullDevice = runInCgroup(procs, 'head -c1 /dev/null');
    expect(nullDevice.stderr).toBe('');
    expect(nullDevice.status).toBe(0);

    child.kill('SIGKILL');
    await exited(child);
    manager.destroy();
    for (const dir of manager.dirs()) expect(fs.existsSync(dir)).toBe(false);
    expect(manager.dirs().length).toBeGreaterThanOrEqual(8);
  });

  test('a process over its memory limit is OOM-killed and oomKilled() sees it', () => {
    const manager = newManager();
    manager.create();
    expect(manager.oomKilled()).toBe(false);
    manager.apply({ memory: 16 << 20, memorySwap: 16 << 20 });
    // tail keeps the whole newline-free 64 MiB "line" in memory.
    const procs = path.join(manager.dirOf('memory') as string, 'cgroup.procs');
    const result = spawnSync('sh', ['-c', `echo $$ > ${procs} && head -c 64m /dev/zero | tail > /dev/null`], { timeout: 30_000 });
    expect(result.status).not.toBe(0);
    expect(manager.oomKilled()).toBe(true);
    manager.destroy();
    expect(fs.existsSync(manager.dirOf('memory') as string)).toBe(false);
  });
});
