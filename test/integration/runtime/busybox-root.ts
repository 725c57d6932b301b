// A throwaway berth data root holding `busybox:latest`, imported from the
// busybox rootfs tarball (no registry), plus small helpers that watch
// containers from the host: their state through the CLI, their cgroups and
// processes through /sys and /proc.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { berth, withTempRoot, BERTH_BIN, BerthResult } from '../helpers/berth';

const ROOTFS_SCRIPT = path.resolve(__dirname, '../../../rootfs-cache/busybox-rootfs.sh');

export interface BusyboxRoot {
  root: string;
  /** `berth --root ROOT ARGS...`, synchronously. */
  run(args: string[], input?: string): BerthResult;
  cleanup(): Promise<void>;
}

export async function busyboxRoot(): Promise<BusyboxRoot> {
  const temp = await withTempRoot();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-busybox-tar-'));
  try {
    const tar = path.join(scratch, 'busybox.tar');
    const made = spawnSync('bash', [ROOTFS_SCRIPT, tar], { encoding: 'utf8', timeout: 120_000 });
    if (made.status !== 0) throw new Error(`make busybox rootfs: ${made.stderr}`);
    const imported = berth(['import', '--change', 'CMD ["sh"]', tar, 'busybox:latest'], { root: temp.root });
    if (imported.status !== 0) throw new Error(`import busybox: ${imported.stderr}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return {
    root: temp.root,
    run: (args, input) => berth(args, { root: temp.root, input }),
    cleanup: async () => {
      // Containers a failed test left running must not outlive the file.
      const all = berth(['ps', '-aq'], { root: temp.root }).stdout.split('\n').filter(Boolean);
      if (all.length > 0) berth(['rm', '-f', ...all], { root: temp.root });
      await temp.cleanup();
    },
  };
}

/** One busybox root for all tests of a file (made before the first, cleaned up after the last), and its getter. */
export function busyboxRootPerFile(): () => BusyboxRoot {
  let box: BusyboxRoot | undefined;
  beforeAll(async () => {
    box = await busyboxRoot();
  });
  afterAll(async () => {
    await box?.cleanup();
  });
  return () => {
    if (box === undefined) throw new Error('the busybox root is made in beforeAll');
    return box;
  };
}

export interface BackgroundBerth {
  child: ChildProcess;
  /** Resolves when the CLI exits. */
  done: Promise<BerthResult>;
}

/** Starts `berth --root ROOT ARGS...` without waiting, so a test can act on it while it runs. */
export function startBerth(root: string, args: string[]): BackgroundBerth {
  const child = spawn(BERTH_BIN, ['--root', root, ...args], {
    env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<BerthResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ status: code ?? 128 + (os.constants.signals[signal!] ?? 0), stdout, stderr })),
  );
  return { child, done };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `everyMs` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `inspect -f FORMAT NAME`, trimmed (undefined when the container is unknown). */
export function inspect(box: BusyboxRoot, name: string, format: string): string | undefined {
  const result = box.run(['inspect', '-f', format, name]);
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Waits until the container is running; returns its full ID and host pid. */
export async function whenRunning(box: BusyboxRoot, name: string): Promise<{ id: string; pid: number }> {
  return until(`container ${name} to run`, () => {
    const shown = inspect(box, name, '{{.State.Status}} {{.Id}} {{.State.Pid}}');
    if (!shown?.startsWith('running ')) return undefined;
    const [, id, pid] = shown.split(' ');
    return { id, pid: Number(pid) };
  }, 60_000, 250);
}

/** True while `pid` is a live process (a zombie counts as dead). */
export function processAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Cgroup directories of a container on the host, for every v1 controller or the v2 unified tree. */
export function cgroupDirsOf(id: string): string[] {
  const base = '/sys/fs/cgroup';
  const dirs = fs.readdirSync(base).map((c) => path.join(base, c, 'berth', id));
  dirs.push(path.join(base, 'berth', id));
  return dirs.filter((d) => fs.existsSync(d));
}

/** A controller file of the container's cgroup: the v1 name under /sys/fs/cgroup/CONTROLLER, or the v2 name. */
export function cgroupFile(id: string, controller: string, v1Name: string, v2Name: string): string {
  const v1 = path.join('/sys/fs/cgroup', controller, 'berth', id, v1Name);
  return fs.existsSync(path.join('/sys/fs/cgroup', controller)) ? v1 : path.join('/sys/fs/cgroup/berth', id, v2Name);
}

/** Mount points at or below `dir` in the host's mount table (through the test process's own view). */
export function hostMountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4])
    .filter((mp) => mp === dir || mp.startsWith(dir + '/'));
}

/** Pids of host processes whose cwd or root lies in `dir`. */
export function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    for (const link of ['cwd', 'root']) {
      try {
        const target = fs.readlinkSync(`/proc/${entry}/${link}`);
        if (target === dir || target.startsWith(dir + '/')) pids.push(Number(entry));
      } catch {
        // gone, or a kernel thread
      }
    }
  }
  return pids;
}
