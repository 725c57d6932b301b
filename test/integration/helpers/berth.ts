// Runs the berth CLI as a user would, against a throwaway data root.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

export const BERTH_BIN = path.resolve(__dirname, '../../../bin/berth');
const NO_CONFIG = '/nonexistent/berth-test-config.json';

export interface BerthResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface BerthOptions {
  /** Data root, passed as `--root`. */
  root: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * `bin/berth [--root R] ARGS...`, run as a shell runs it (its `#!` line starts Node), so that no argument
 * is read by Node itself; BERTH_CONFIG points at a missing file unless `env` sets it.
 */
export function berth(args: string[], opts?: BerthOptions): BerthResult {
  const argv = opts?.root ? ['--root', opts.root, ...args] : args;
  const result = spawnSync(BERTH_BIN, argv, {
    input: opts?.input,
    env: { ...process.env, BERTH_CONFIG: NO_CONFIG, ...opts?.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts?.timeoutMs ?? 240_000,
  });
  if (result.error) throw new Error(`run \`berth ${argv.join(' ')}\`: ${result.error.message}`);
  return { status: result.status ?? 128 + 9, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh, empty berth data root under /tmp; cleanup() unmounts anything left under it and removes it. */
export async function withTempRoot(): Promise<{ root: string; cleanup(): Promise<void> }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-root-'));
  return {
    root,
    cleanup: async () => {
      for (const mountPoint of mountsUnder(root)) {
        spawnSync('umount', ['--lazy', mountPoint]);
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Mount points at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  const mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4].replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((mp) => mp === dir || mp.startsWith(dir + '/'));
  return points.sort((a, b) => b.length - a.length);
}

/**
 * Like berth(), but does not block the event loop: needed when the test
 * process itself serves something berth talks to (the token issuer of
 * registry.ts runs in its own process, so berth() works against it too).
 */
export function berthAsync(args: string[], opts?: BerthOptions): Promise<BerthResult> {
  const argv = opts?.root ? ['--root', opts.root, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(BERTH_BIN, argv, {
      env: { ...process.env, BERTH_CONFIG: NO_CONFIG, ...opts?.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts?.timeoutMs ?? 240_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ status: code ?? 128 + (signal === 'SIGKILL' ? 9 : 15), stdout, stderr }));
    child.stdin.end(opts?.input ?? '');
  });
}
