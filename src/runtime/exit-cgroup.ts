/**
 * What happens to a container's cgroup once the exit of its run is
 * recorded in the state (ContainerStore.reconcileHeld): the kernel's OOM-kill
 * count is read first (v1 memory.oom_control `oom_kill`, v2 memory.events
 * `oom_kill`: Docker's State.OOMKilled), then the empty cgroup is removed,
 * as Docker does when a container stops. A restart or `start` creates it
 * afresh, so the count never carries over from an earlier run.
 */
import type { CgroupManager } from '../cgroups/manager';
import type { ContainerState } from './state';

/**
 * Sets `state.oomKilled` from the cgroup and removes it when no process is
 * left in it (one still there, e.g. a restart that already joined it, keeps
 * it: `rm` removes it later). Never throws: a missing spec or cgroup is no
 * reason to fail the read that noticed the exit.
 */
export function releaseExitedCgroup(state: ContainerState, cgroupOf: () => CgroupManager): void {
  let cgroup: CgroupManager;
  try {
    cgroup = cgroupOf();
  } catch {
    return; // no spec in the bundle: no cgroup was ever made
  }
  try {
    if (cgroup.oomKilled()) state.oomKilled = true;
  } catch {
    // the cgroup is already gone: nothing to tell
  }
  try {
    if (cgroup.pids().length === 0) cgroup.destroy();
  } catch {
    // busy or gone: `rm` tries again
  }
}
