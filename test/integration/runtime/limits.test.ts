// Resource limits of `berth run`: memory (OOM kill), pids, CPU, rlimits and the devices cgroup, seen from
// inside the container and in the container's cgroup on the host.
import * as fs from 'node:fs';
import { busyboxRoot, BusyboxRoot, cgroupFile, inspect, startBerth, until } from './busybox-root';

jest.setTimeout(300_000); // jest ignores the project's testTimeout

let box: BusyboxRoot;

beforeAll(async () => {
  box = await busyboxRoot();
});

afterAll(async () => {
  await box?.cleanup();
});

/** The container's full ID, from `create`. */
function create(flags: string[], args: string[]): string {
  const created = box.run(['create', ...flags, 'busybox', ...args]);
  expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });
  return created.stdout.trim();
}

function readWhenPresent(file: string): Promise<string> {
  return until(`\`${file}\``, () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined), 60_000, 50);
}

describe('memory', () => {
  it('-m 16m OOM-kills a memory hog: exit 137 and State.OOMKilled', () => {
    const result = box.run(['run', '--name', 'hog', '-m', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 64m /dev/zero | tr "\\0" a); echo done']);
    expect(result.status).toBe(137);
    expect(result.stdout).not.toContain('done');
    expect(inspect(box, 'hog', '{{.State.OOMKilled}} {{.State.ExitCode}}')).toBe('true 137');
    // A container that stays in its limit is not reported as OOM-killed.
    expect(box.run(['run', '--name', 'small', '-m', '16m', 'busybox', 'sh', '-c', 'x=$(head -c 1m /dev/zero | tr "\\0" a); echo done']).stdout).toBe('done\n');
    expect(inspect(box, 'small', '{{.State.OOMKilled}}')).toBe('false');
    expect(box.run(['rm', 'hog', 'small']).status).toBe(0);
  });
});

describe('pids', () => {
  it('--pids-limit 10 stops a fork bomb, and the cgroup holds 10 while it runs', async () => {
    // The loop runs in a subshell, whose failure to fork does not end PID 1; the count uses shell
    // builtins only (no fork left), and exec keeps the container alive without a new process.
    const id = create(['--pids-limit', '10'], [
      'sh', '-c', '(for i in $(seq 1 50); do sleep 6 & done); set -- /proc/[0-9]*; echo "processes $#"; exec sleep 4',
    ]);
    const run = startBerth(box.root, ['start', '-a', id]);
    const max = cgroupFile(id, 'pids', 'pids.max', 'pids.max');
    expect(await readWhenPresent(max)).toBe('10');
    const current = await readWhenPresent(cgroupFile(id, 'pids', 'pids.current', 'pids.current'));
    expect(Number(current)).toBeLessThanOrEqual(10);
    const result = await run.done;
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/can't fork/);
    const counted = Number(/processes (\d+)/.exec(result.stdout)?.[1]);
    expect(counted).toBeGreaterThan(1);
    expect(counted).toBeLessThan(10);
    expect(box.run(['rm', id]).status).toBe(0);
  });
});

describe('cpu', () => {
  it('--cpus 0.5 and --cpu-shares 512 land in the cpu controller', async () => {
    const id = create(['--cpus', '0.5', '--cpu-shares', '512'], ['sleep', '2']);
    const run = startBerth(box.root, ['start', '-a', id]);
    const v1 = fs.existsSync('/sys/fs/cgroup/cpu');
    if (v1) {
      expect(await readWhenPresent(`/sys/fs/cgroup/cpu/berth/${id}/cpu.cfs_quota_us`)).toBe('50000');
      expect(await readWhenPresent(`/sys/fs/cgroup/cpu/berth/${id}/cpu.cfs_period_us`)).toBe('100000');
      expect(await readWhenPresent(`/sys/fs/cgroup/cpu/berth/${id}/cpu.shares`)).toBe('512');
    } else {
      expect(await readWhenPresent(`/sys/fs/cgroup/berth/${id}/cpu.max`)).toBe('50000 100000');
    }
    expect((await run.done).status).toBe(0);
    expect(box.run(['rm', id]).status).toBe(0);
  });
});

describe('rlimits', () => {
  it('--ulimit nofile=1024:1024 shows in ulimit -n', () => {
    const result = box.run(['run', '--rm', '--ulimit', 'nofile=1024:1024', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn']);
    expect(result.stdout).toBe('1024\n1024\n');
  });

  it("refuses a hard limit above the caller's with exit 125, naming nofile", () => {
    const before = box.run(['ps', '-aq']).stdout;
    const result = box.run(['run', '--rm', '--ulimit', 'nofile=30000:30000', 'busybox', 'true']);
    const hard = Number(/^Max open files\s+\d+\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    // The test runner inherits the caller's limit; this machine's is 20000 (the check needs one below 30000).
    expect(hard).toBeLessThan(30000);
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/nofile/);
    // Refused before anything was created.
    expect(box.run(['ps', '-aq']).stdout).toBe(before);
  });
});

describe('devices cgroup', () => {
  it('lets a block node be made inside but not opened', () => {
    const result = box.run(['run', '--rm', '--cap-add', 'MKNOD', 'busybox', 'sh', '-c', 'mknod /tmp/sda b 8 0 && echo made && head -c1 /tmp/sda']);
    expect(result.stdout).toBe('made\n');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/head: \/tmp\/sda: Operation not permitted/);
  });
});
