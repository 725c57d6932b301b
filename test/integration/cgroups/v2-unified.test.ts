// cgroup v2 on the real unified mount (root only). On this hybrid machine it
// owns no controller we limit with, but the core files (procs, freeze,
// events) and the eBPF device filter work there as on a pure v2 machine:
// this proves the bpf(2) loader and attach, and v2 freeze/thaw.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { exited, runInCgroup } from '../helpers/processes';
import { detectLayout } from '../../../src/cgroups/detect';
import { V2CgroupManager } from '../../../src/cgroups/v2/manager';

const unified = detectLayout().unified;
const children: ChildProcess[] = [];
let manager: V2CgroupManager | undefined;

if (!unified) {
  // A pure v1 machine (no cgroup2 mount): the kernel feature is absent.
  console.log('skipping cgroup v2 tests: no cgroup2 mount on this machine');
}
const describeIfUnified = unified ? describe : describe.skip;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
  manager?.destroy();
});

describeIfUnified('cgroup v2 on the unified mount', () => {
  test('device filter (eBPF), join, pids, freeze/thaw and destroy', async () => {
    manager = new V2CgroupManager(unified as string, `/berth-test-${randomBytes(4).toString('hex')}`);
    manager.create();
    const procs = path.join(manager.dir, 'cgroup.procs');

    manager.apply({ devices: [
      { allow: false, type: 'a', major: '*', minor: '*', access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 8, access: 'r' }, // /dev/random, read only
    ] });
    const zero = runInCgroup(procs, 'head -c1 /dev/zero');
    expect(zero.stderr).toMatch(/Operation not permitted/);
    expect(zero.status).not.toBe(0);
    expect(runInCgroup(procs, 'head -c1 /dev/null').status).toBe(0);
    expect(runInCgroup(procs, 'head -c1 /dev/random').status).toBe(0);
    expect(runInCgroup(procs, 'sh -c "echo x > /dev/random"').stderr).toMatch(/Operation not permitted/);
    // Applying again replaces the filter rather than stacking a second one.
    manager.apply({ devices: [{ allow: true, type: 'a', major: '*', minor: '*', access: 'rwm' }] });
    expect(runInCgroup(procs, 'head -c1 /dev/zero').status).toBe(0);

    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(child);
    const pid = child.pid as number;
    manager.join(pid);
    expect(manager.pids()).toEqual([pid]);
    expect(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`0::${manager.path}\n`);

    manager.freeze();
    expect(fs.readFileSync(path.join(manager.dir, 'cgroup.events'), 'utf8')).toMatch(/^frozen 1$/m);
    manager.thaw();
    expect(fs.readFileSync(path.join(manager.dir, 'cgroup.events'), 'utf8')).toMatch(/^frozen 0$/m);

    child.kill('SIGKILL');
    await exited(child);
    manager.destroy();
    expect(fs.existsSync(manager.dir)).toBe(false);
  });
});
