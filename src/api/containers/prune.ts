/** Docker's `container prune`: every container that is not running or paused, with its writable layer. */
import { ContainerState } from '../../runtime/state';
import { bundlePaths } from '../../runtime/spec-to-init';
import { ConflictError, NotFoundError } from '../../errors/kinds';
import { directorySize } from './disk-usage';
import { isActive } from '../../runtime/status';

export interface PruneContainersResult {
  /** Full IDs of the removed containers. */
  deleted: string[];
  /** Bytes of their writable layers. */
  reclaimed: number;
}

export async function pruneContainers(
  candidates: readonly ContainerState[],
  remove: (id: string) => Promise<unknown>,
): Promise<PruneContainersResult> {
  const result: PruneContainersResult = { deleted: [], reclaimed: 0 };
  for (const state of candidates) {
    if (isActive(state) || state.status === 'creating') continue;
    const size = directorySize(bundlePaths(state.bundle).upper);
    try {
      await remove(state.id);
    } catch (err) {
      // Started (or removed) since it was listed: no longer ours to prune.
      if (err instanceof ConflictError || err instanceof NotFoundError) continue;
      throw err;
    }
    result.deleted.push(state.id);
    result.reclaimed += size;
  }
  return result;
}
