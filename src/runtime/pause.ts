/**
 * pause and unpause: freeze or thaw every process of the container's cgroup
 * (the freezer: v1 freezer.state, v2 cgroup.freeze) and record `paused` /
 * `running`. The monitor keeps watching a paused container unchanged.
 * A commit's own freeze is no pause (commit-freeze.ts); `unpause` of a
 * container that a killed commit left frozen thaws it all the same.
 */
import { ContainerStore } from './container-store';
import { ContainerState } from './state';
import { CgroupManager } from '../cgroups/manager';
import { ConflictError } from '../errors/kinds';
import { freezeAbandoned } from './commit-freeze';

export async function pauseContainer(store: ContainerStore, id: string, cgroup: (state: ContainerState) => CgroupManager): Promise<ContainerState> {
  return store.withContainerLock(id, () => {
    const state = store.get(id);
    if (state.status === 'paused') throw new ConflictError(`Container ${state.id} is already paused`);
    if (state.status !== 'running') throw new ConflictError(`Container ${state.id} is not running`);
    cgroup(state).freeze();
    state.status = 'paused';
    store.save(state, { durable: true });
    return state;
  });
}

export async function unpauseContainer(store: ContainerStore, id: string, cgroup: (state: ContainerState) => CgroupManager): Promise<ContainerState> {
  // Frozen by a commit that was killed: the lock hook thaws it, which is the unpause asked for.
  const abandoned = freezeAbandoned(store.dir(id));
  return store.withContainerLock(id, () => {
    const state = store.get(id);
    if (abandoned && state.status === 'running') return state;
    if (state.status !== 'paused') throw new ConflictError(`Container ${state.id} is not paused`);
    cgroup(state).thaw();
    state.status = 'running';
    store.save(state, { durable: true });
    return state;
  });
}
