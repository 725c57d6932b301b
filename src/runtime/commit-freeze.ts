/**
 * A commit's freeze of a running container, recorded so that it never
 * outlives the commit. Docker's pause is the state's `paused` status; this
 * freeze is not a pause: the state keeps saying `running` (ps and inspect
 * show it so), and a user's pause is never thawed here.
 *
 *   commit, holding the container lock:
 *     write commit-freeze.json {pid, pidStartTime} atomically  ->  freeze
 *     ->  read the writable layer  ->  thaw  ->  remove the file
 *   SIGINT, SIGTERM or SIGHUP meanwhile (nobody else listening, so the
 *   signal would end the process without a `finally`):
 *     thaw, remove the file, then die of the signal as before
 *   kill -9 meanwhile:
 *     the file stays; the lock dies with the process. The next command that
 *     takes the container lock (ContainerStore's lock hook, which calls
 *     thawAbandonedFreeze) finds a file whose process is gone: it thaws the
 *     cgroup and removes the file.
 *
 * The pid is kept with its start time, so a reused pid never passes for the
 * commit. Under the lock the check is a second guard: a live commit holds
 * the lock for its whole freeze.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../sys/atomic-file';
import { processStartTime } from '../sys/proc-stat';
import { processIsContainer } from './state';
import type { OciStatus } from './status';
import type { CgroupManager } from '../cgroups/manager';

interface FreezeRecord {
  pid: number;
  pidStartTime?: string;
  frozenAt: string;
}

/** The signals whose default action ends the process; a commit thaws before it dies of one. */
const FATAL: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function commitFreezePath(bundle: string): string {
  return path.join(bundle, 'commit-freeze.json');
}

function readRecord(bundle: string): FreezeRecord | undefined {
  try {
    return readJsonIfExists<FreezeRecord>(commitFreezePath(bundle));
  } catch {
    // A torn or foreign file names no live commit: settled like an abandoned one.
    return { pid: 0, frozenAt: '' };
  }
}

/** The freeze of a running commit; `release` thaws and removes the record (once). */
export interface CommitFreeze {
  release(): void;
}

/** Records the freeze, then freezes `cgroup`: call with the container lock held, for a running container. */
export function freezeForCommit(bundle: string, cgroup: CgroupManager): CommitFreeze {
  const record: FreezeRecord = { pid: process.pid, pidStartTime: processStartTime(process.pid), frozenAt: new Date().toISOString() };
  // Not durable: after a power loss no cgroup is frozen, and a record lost with it is right.
  writeJsonAtomic(commitFreezePath(bundle), record, { durable: false });
  const taken = FATAL.filter((s) => process.listenerCount(s) === 0);
  let held = true;
  const unhold = (): void => {
    held = false;
    for (const s of taken) process.removeListener(s, onSignal);
  };
  const release = (): void => {
    if (!held) return;
    unhold();
    cgroup.thaw(); // when this fails the record stays, and the next command thaws
    fs.rmSync(commitFreezePath(bundle), { force: true });
  };
  function onSignal(signal: NodeJS.Signals): void {
    try {
      release();
    } finally {
      process.kill(process.pid, signal); // our listeners are gone: the signal's default action now
    }
  }
  for (const s of taken) process.on(s, onSignal);
  try {
    cgroup.freeze(); // thaws again itself when it fails
  } catch (err) {
    unhold();
    fs.rmSync(commitFreezePath(bundle), { force: true });
    throw err;
  }
  return { release };
}

/**
 * Thaws a container that a commit froze and could not thaw (it was killed),
 * and removes the record; true when there was such a freeze. Call with the
 * container lock held. `status` is the container's: a `paused` container is
 * left frozen (the user's pause), one without processes has nothing to thaw
 * (a cgroup already gone is fine).
 */
export function thawAbandonedFreeze(bundle: string, status: () => OciStatus | undefined, cgroup: () => CgroupManager): boolean {
  const record = readRecord(bundle);
  if (record === undefined || processIsContainer(record)) return false;
  const now = status();
  if (now !== 'paused') {
    try {
      cgroup().thaw();
    } catch (err) {
      if (now === 'running') throw err;
    }
  }
  fs.rmSync(commitFreezePath(bundle), { force: true });
  return true;
}

/** True when a commit froze the container and its process is gone (a lockless look, for reporting). */
export function freezeAbandoned(bundle: string): boolean {
  const record = readRecord(bundle);
  return record !== undefined && !processIsContainer(record);
}
