// Small process helpers for tests that put children into cgroups.
import * as fs from 'node:fs';
import { ChildProcess, spawnSync, SpawnSyncReturns } from 'node:child_process';

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** `sh` that writes its pid to `procsFile` before exec'ing `command`, so nothing of it runs outside that cgroup. */
export function runInCgroup(procsFile: string, command: string): SpawnSyncReturns<string> {
  return spawnSync('sh', ['-c', `echo $$ > ${procsFile} && exec ${command}`], { encoding: 'utf8', timeout: 30_000 });
}

/** The State line of /proc/<pid>/status, e.g. `S (sleeping)`. */
export function processState(pid: number): string {
  return /^State:\s+(.*)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
}
