// What every private engine needs from the host: commands with their output,
// a scratch dir, and leaving nothing behind (its processes, mounts, cgroups).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mountsUnder } from '../../helpers/berth';

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Runs a command to its end; a signal death reads as 128+N, a spawn failure throws. */
export function run(command: string, args: string[], opts: RunOptions = {}): CommandResult {
  const spawnOpts: SpawnSyncOptions = {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    input: opts.input,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  };
  const result = spawnSync(command, args, spawnOpts);
  if (result.error) throw new Error(`run \`${command} ${args.join(' ')}\`: ${result.error.message}`);
  const status = result.status ?? 128 + (os.constants.signals[result.signal as NodeJS.Signals] ?? 9);
  return { status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Like run(), without blocking the event loop (for tests that also serve or call something in-process). */
export function runAsync(command: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? 128 + (signal ? os.constants.signals[signal] : 9), stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** run(), throwing with the command's stderr unless it exits 0. */
export function mustRun(command: string, args: string[], opts: RunOptions = {}): string {
  const result = run(command, args, opts);
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited ${result.status}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout;
}

export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Polls `ready` every 200 ms until it is true, or throws after `timeoutMs` with `what` and `detail()`. */
export async function waitFor(what: string, ready: () => boolean | Promise<boolean>, detail: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`wait for ${what}: not ready after ${timeoutMs} ms: ${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Pids of processes whose argv contains `needle` as one whole argument (e.g. an engine's private socket). */
export function pidsWithArgument(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once every pid is gone. */
export async function stopPids(pids: number[], graceMs = 10_000): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (sig: NodeJS.Signals) => pids.filter(alive).forEach((pid) => process.kill(pid, sig));
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signal('SIGKILL');
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
}

/** Lazily unmounts every mount at or below dir (deepest first), then removes dir. */
export function removeTree(dir: string): void {
  for (const mp of mountsUnder(dir)) spawnSync('umount', ['--lazy', mp]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Removes the cgroup `rel` (e.g. `/berth-interop-x`) and what is below it, in every mounted hierarchy. */
export function removeCgroup(rel: string): void {
  const hierarchies = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f.length > 8 && /^cgroup2?$/.test(f[f.indexOf('-') + 1]))
    .map((f) => f[4]);
  const rmdirDeep = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmdirDeep(path.join(dir, e.name));
    fs.rmdirSync(dir);
  };
  for (const root of hierarchies) {
    const dir = path.join(root, rel);
    if (fs.existsSync(dir)) rmdirDeep(dir);
  }
}

/** A name unique to this test process, for cgroups, netns and images. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
