/**
 * What berth-monitor leaves in a detached container's bundle: exit.json
 * (written atomically the moment it reaps the container's PID 1),
 * monitor.pid (present while the monitor lives, removed last, after the
 * log is drained) and <id>-json.log (Docker's json-file log). The CLI
 * never waits for a detached container: these files are how it learns
 * what happened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists } from '../sys/atomic-file';

export interface ExitRecord {
  exitCode: number;
  /** The signal that killed PID 1, or 0. */
  signal: number;
  /** berth-init's host pid: matches ContainerState.pid of the run it ends. */
  pid: number;
  finishedAt: string;
}

export function exitFilePath(bundle: string): string {
  return path.join(bundle, 'exit.json');
}

export function monitorPidPath(bundle: string): string {
  return path.join(bundle, 'monitor.pid');
}

/** Left by stop, kill and rm -f: the monitor does not apply the restart policy (Docker's HasBeenManuallyStopped). */
export function manuallyStoppedPath(bundle: string): string {
  return path.join(bundle, 'manually-stopped');
}

/** Left by `update --restart`: the monitor of a running container reads the new policy here at its exit. */
export function restartPolicyPath(bundle: string): string {
  return path.join(bundle, 'restart-policy');
}

export function markStoppedByUser(bundle: string): void {
  try {
    fs.writeFileSync(manuallyStoppedPath(bundle), '');
  } catch (err) {
    // Removed meanwhile: nothing is left to restart (and its directory must not come back).
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export function clearStoppedByUser(bundle: string): void {
  fs.rmSync(manuallyStoppedPath(bundle), { force: true });
}

export function logPath(bundle: string, id: string): string {
  return path.join(bundle, `${id}-json.log`);
}

export function readExitRecord(bundle: string): ExitRecord | undefined {
  try {
    return readJsonIfExists<ExitRecord>(exitFilePath(bundle));
  } catch {
    return undefined; // torn or foreign file: treated as absent
  }
}

/** Before a start: an old record must never be taken for the new run's exit. */
export function removeExitRecord(bundle: string): void {
  fs.rmSync(exitFilePath(bundle), { force: true });
}

/** The monitor's pid while it runs (checked against /proc, so a stale file or a reused pid does not count). */
export function livingMonitor(bundle: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(monitorPidPath(bundle), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'berth-monitor') return undefined;
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')) ? undefined : pid;
  } catch {
    return undefined;
  }
}

/**
 * The exit of a run whose PID 1 is gone. The monitor writes the record
 * right after reaping, so while it still lives the record is at most a few
 * milliseconds away: wait for it (synchronously: callers are sync) rather
 * than call the exit lost.
 */
export function awaitExitRecord(bundle: string, pid: number | undefined, timeoutMs = 1000): ExitRecord | undefined {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const record = readExitRecord(bundle);
    if (record && (pid === undefined || record.pid === pid)) return record;
    if (livingMonitor(bundle) === undefined) {
      const last = readExitRecord(bundle);
      return last && (pid === undefined || last.pid === pid) ? last : undefined;
    }
    if (Date.now() > deadline) return undefined;
    Atomics.wait(pause, 0, 0, 10);
  }
}
