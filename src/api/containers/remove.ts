/**
 * Docker's `rm [-f] [-v]`, under the container's lock, so that no start
 * (a restart by the monitor) slips in between the check and the removal.
 * rm -f first kills what still runs: PID 1 through a pidfd (thawed if it
 * was paused), or, for a dead record whose pid was lost with its state,
 * every process of its cgroups; then it waits for them and for the monitor
 * to be gone, so that nothing of the container outlives the rm. Removed
 * with it: every cgroup it may have (the state's, the spec's and the
 * convention's: a damaged config.json or state.json hides none), its
 * directory, attach socket and lock file (ContainerStore.remove).
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CgroupManager } from '../../cgroups/manager';
import type { ContainerStore } from '../../runtime/container-store';
import { ContainerState, processIsContainer } from '../../runtime/state';
import { assertCan, isActive } from '../../runtime/status';
import { livingMonitor, markStoppedByUser } from '../../runtime/exit-file';
import { pidfdOpen, pidfdSendSignal } from '../../sys/process';
import { close } from '../../sys/fs-at';
import { crashPoint } from '../../sys/crash-point';
import { ConflictError } from '../../errors/kinds';

const SIGKILL = 9;
/** How long rm -f waits for the killed processes and the monitor to be gone. */
const KILL_WAIT_MS = 10_000;

export interface RemoveContainerOptions {
  force?: boolean;
  volumes?: boolean;
}

export interface RemoveDeps {
  store: ContainerStore;
  /** Every cgroup the container may have, the one in use first. */
  cgroups(state: ContainerState): CgroupManager[];
  /** SIGKILL to PID 1 (ConflictError when it has exited meanwhile). */
  kill(state: ContainerState): void;
  /** After the removal, still under the lock: the `destroy` event, rm -v's volumes. */
  removed(state: ContainerState, options: RemoveContainerOptions): void;
}

export async function removeContainer(deps: RemoveDeps, ref: string, options: RemoveContainerOptions): Promise<ContainerState> {
  const { store } = deps;
  const id = store.get(ref).id;
  return store.withContainerLock(id, async () => {
    // Read under the lock (an ended run recorded by taking it): a restart may have started it since.
    let state = store.get(id);
    if (state.restarting && !options.force) {
      throw new ConflictError(`You cannot remove a restarting container ${state.id}. Stop the container before attempting removal or force remove`);
    }
    if (options.force) markStoppedByUser(state.bundle); // a restart pending in its back-off does not happen
    if (options.force && stillRuns(deps, state)) {
      await killEverything(deps, state);
      crashPoint('rm:after-kill');
      state = store.reconcileHeld(id) ?? state; // the exit of the kill: `die`, the cgroup released
    }
    if (state.status === 'dead' && stillRuns(deps, state)) {
      throw new ConflictError(`cannot remove container "${state.name || state.id}": container is dead and its processes still run: force remove`);
    }
    if (state.status === 'running') {
      throw new ConflictError(`You cannot remove a running container ${state.id}. Stop the container before attempting removal or force remove`);
    }
    if (state.status === 'paused') {
      throw new ConflictError(
        `You cannot remove a paused container ${state.id}. Unpause and then stop the container before attempting removal or force remove`,
      );
    }
    assertCan('delete', state.status, state.name);
    for (const cgroup of deps.cgroups(state)) {
      try {
        cgroup.destroy();
      } catch {
        // busy or gone: nothing more can be done here
      }
    }
    store.remove(id);
    deps.removed(state, options);
    return state;
  });
}

/** PID 1 (or, for a dead record, any process of its cgroups) or the monitor is still there. */
function stillRuns(deps: RemoveDeps, state: ContainerState): boolean {
  if (isActive(state)) return true;
  if (state.status !== 'dead') return false;
  return livingMonitor(state.bundle) !== undefined || deps.cgroups(state).some((c) => pidsOf(c).length > 0);
}

async function killEverything(deps: RemoveDeps, state: ContainerState): Promise<void> {
  const cgroups = deps.cgroups(state);
  const dead = state.status === 'dead';
  if (dead) {
    // The pid was lost with the record: the cgroup still knows the processes (thawed, or SIGKILL waits).
    for (const cgroup of cgroups) quietly(() => cgroup.thaw());
    for (const cgroup of cgroups) killCgroup(cgroup);
  } else {
    try {
      deps.kill(state);
      if (state.status === 'paused') cgroups[0].thaw();
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err; // it exited meanwhile
    }
  }
  const deadline = Date.now() + KILL_WAIT_MS;
  const running = (): boolean =>
    (dead ? cgroups.some((c) => pidsOf(c).length > 0) : processIsContainer(state)) || livingMonitor(state.bundle) !== undefined;
  while (running() && Date.now() < deadline) {
    await sleep(20);
    if (dead) for (const cgroup of cgroups) killCgroup(cgroup); // anything forked meanwhile
  }
}

/** SIGKILL to every process of the cgroup, each through a pidfd and checked to be in it still (no pid-reuse races). */
function killCgroup(cgroup: CgroupManager): void {
  for (const pid of pidsOf(cgroup)) {
    let fd: number;
    try {
      fd = pidfdOpen(pid);
    } catch {
      continue; // gone
    }
    try {
      if (inCgroup(pid, cgroup.path)) pidfdSendSignal(fd, SIGKILL);
    } finally {
      close(fd);
    }
  }
}

function inCgroup(pid: number, cgroupPath: string): boolean {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .some((line) => {
        const at = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
        return at === cgroupPath || at.startsWith(`${cgroupPath}/`);
      });
  } catch {
    return false;
  }
}

function pidsOf(cgroup: CgroupManager): number[] {
  try {
    return cgroup.pids();
  } catch {
    return []; // no such cgroup
  }
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // not frozen, or no such cgroup
  }
}
