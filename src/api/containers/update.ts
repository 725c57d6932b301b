/**
 * Docker's `update`: new limits written into a running (or paused)
 * container's cgroup, and kept in its bundle's config.json (linux.resources)
 * and its state (restart policy) so later starts use them. A created or
 * stopped container only has them recorded.
 */
import type { CgroupManager } from '../../cgroups/manager';
import type { ContainerStore } from '../../runtime/container-store';
import type { ContainerState } from '../../runtime/state';
import { isActive } from '../../runtime/status';
import { readSpec } from '../../runtime/start';
import { serializeSpec, Spec } from '../../runtime/spec/types';
import { cgroupWritesOf, isEmptyUpdate, mergeUpdate, ResourceUpdate, validateUpdate } from '../../runtime/spec/update-resources';
import { parseRestartPolicy } from '../../runtime/spec/parse-flags';
import { writeFileAtomic } from '../../sys/atomic-file';
import { ConflictError, UsageError } from '../../errors/kinds';
import { hostFacts } from './host-facts';
import { restartPolicyPath } from '../../runtime/exit-file';

export interface UpdateRequest extends ResourceUpdate {
  /** Docker's --restart value (`always`, `on-failure:3`, ...). */
  restart?: string;
}

export interface UpdateDeps {
  store: ContainerStore;
  cgroupOf: (spec: Spec) => CgroupManager;
}

/** Checks a request before any container is touched (the same for every container of `update a b c`). */
export function validateUpdateRequest(request: UpdateRequest): void {
  const { restart, ...resources } = request;
  if (isEmptyUpdate(resources) && restart === undefined) {
    throw new UsageError('you must provide one or more flags when using this command');
  }
  validateUpdate(resources, hostFacts().numCpus);
  if (restart !== undefined) restartPolicyOf(restart);
}

/** run's parser, with update's exit code (1: a daemon error in Docker, not a flag error). */
function restartPolicyOf(text: string): { name: string; maximumRetryCount: number } {
  try {
    return parseRestartPolicy(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function updateContainer(deps: UpdateDeps, ref: string, request: UpdateRequest): Promise<ContainerState> {
  validateUpdateRequest(request);
  const { restart, ...update } = request;
  const id = deps.store.get(ref).id;
  return deps.store.withContainerLock(id, () => {
    const state = deps.store.get(id);
    const policy = restart === undefined ? undefined : restartPolicyOf(restart);
    if (policy && policy.name !== 'no' && state.autoRemove) {
      throw new ConflictError(`Cannot update container ${id}: Restart policy cannot be updated because AutoRemove is enabled for the container`);
    }
    const spec = readSpec(state.bundle);
    const next = mergeUpdate(id, spec.linux.resources, update);
    // Live first: a limit the kernel refuses (e.g. below current usage) is then not recorded either.
    if (isActive(state)) deps.cgroupOf(spec).apply(cgroupWritesOf(next, update));
    spec.linux.resources = next;
    writeFileAtomic(`${state.bundle}/config.json`, serializeSpec(spec));
    if (policy) {
      state.hostConfig = { ...state.hostConfig, restartPolicy: { name: policy.name, maximumRetryCount: policy.maximumRetryCount } };
      deps.store.save(state, { durable: true });
      // A running container's monitor reads this at the exit (its --restart was given at start).
      writeFileAtomic(restartPolicyPath(state.bundle), `${policy.name}:${policy.maximumRetryCount}\n`);
    }
    return state;
  });
}
