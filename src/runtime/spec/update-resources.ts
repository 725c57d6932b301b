/**
 * `docker update`: new limits merged into a container's linux.resources,
 * with the daemon's checks and messages (moby daemon/daemon_unix.go
 * verifyPlatformContainerResources with update=true, then
 * container/container_unix.go UpdateContainer), and the cgroup writes that
 * take a running container from the old limits to the new ones.
 */
import type { Resources as CgroupResources } from '../../cgroups/manager';
import { ConflictError, UsageError } from '../../errors/kinds';
import { CPU_PERIOD, MIN_MEMORY } from './resources';
import type { Resources } from './types';

/** The flags of `update`; undefined (or Docker's 0 / "") means "keep". */
export interface ResourceUpdate {
  /** Bytes. */
  memory?: number;
  /** Bytes of memory plus swap, or -1 for unlimited swap. */
  memorySwap?: number;
  memoryReservation?: number;
  /** --cpus in nano-CPUs. */
  nanoCpus?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** 0 or less means unlimited. */
  pidsLimit?: number;
}

/** True when the update changes nothing (Docker: "you must provide one or more flags"). */
export function isEmptyUpdate(u: ResourceUpdate): boolean {
  return Object.values(u).every((v) => v === undefined);
}

/** The checks the daemon makes on the request alone, before it looks at the container. */
export function validateUpdate(u: ResourceUpdate, numCpus: number): void {
  const memory = u.memory ?? 0;
  const swap = u.memorySwap ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw new UsageError('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && swap < memory) {
    throw new UsageError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  const reservation = u.memoryReservation ?? 0;
  if (reservation !== 0 && reservation < MIN_MEMORY) throw new UsageError('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    throw new UsageError('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  const shares = u.cpuShares ?? 0;
  if (shares < 0) throw new UsageError(`invalid CPU shares (${shares}): value must be a positive integer`);
  const nano = u.nanoCpus ?? 0;
  if (nano < 0 || nano > numCpus * 1e9) {
    throw new UsageError(`Range of CPUs is from 0.01 to ${numCpus}.00, as there are only ${numCpus} CPUs available`);
  }
}

/**
 * The container's resources after the update (devices untouched). Errors
 * that depend on the container's current limits read, as Docker's do,
 * `Cannot update container <id>: <reason>`.
 */
export function mergeUpdate(id: string, current: Resources, u: ResourceUpdate): Resources {
  const conflict = (reason: string): ConflictError => new ConflictError(`Cannot update container ${id}: ${reason}`);
  const next: Resources = {
    ...current,
    ...(current.memory ? { memory: { ...current.memory } } : {}),
    ...(current.cpu ? { cpu: { ...current.cpu } } : {}),
  };
  const memory = u.memory ?? 0;
  const swap = u.memorySwap ?? 0;
  const currentSwap = current.memory?.swap ?? 0;
  if (memory !== 0 || swap !== 0 || (u.memoryReservation ?? 0) !== 0) {
    const m = (next.memory ??= {});
    if (memory !== 0) {
      // Docker compares with the stored swap as is: no limit (0) or unlimited (-1) counts as smaller.
      if (memory > currentSwap && swap === 0) {
        throw conflict('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
      }
      m.limit = memory;
    }
    if (swap !== 0) m.swap = swap;
    if ((u.memoryReservation ?? 0) !== 0) m.reservation = u.memoryReservation;
    if (m.swap !== undefined && m.swap > 0 && m.limit !== undefined && m.swap < m.limit) {
      throw conflict('Minimum memoryswap limit should be larger than memory limit, see usage');
    }
  }
  const nano = u.nanoCpus ?? 0;
  if (nano > 0 || (u.cpuShares ?? 0) > 0 || u.cpusetCpus || u.cpusetMems) {
    const c = (next.cpu ??= {});
    if (nano > 0) {
      c.period = CPU_PERIOD;
      c.quota = Math.trunc((nano * CPU_PERIOD) / 1e9);
    }
    if ((u.cpuShares ?? 0) > 0) c.shares = u.cpuShares;
    if (u.cpusetCpus) c.cpus = u.cpusetCpus;
    if (u.cpusetMems) c.mems = u.cpusetMems;
  }
  if (u.pidsLimit !== undefined) next.pids = { limit: u.pidsLimit <= 0 ? -1 : u.pidsLimit };
  return next;
}

/**
 * What to write into a live cgroup: only the limits the update touches.
 * Memory and swap go together (the v1 write order and v2's swap-only file
 * both need the other value).
 */
export function cgroupWritesOf(next: Resources, u: ResourceUpdate): CgroupResources {
  const writes: CgroupResources = {};
  if ((u.memory ?? 0) !== 0 || (u.memorySwap ?? 0) !== 0) {
    writes.memory = next.memory?.limit;
    writes.memorySwap = next.memory?.swap;
  }
  if ((u.memoryReservation ?? 0) !== 0) writes.memoryReservation = next.memory?.reservation;
  if ((u.nanoCpus ?? 0) > 0) {
    writes.cpuQuota = next.cpu?.quota;
    writes.cpuPeriod = next.cpu?.period;
  }
  if ((u.cpuShares ?? 0) > 0) writes.cpuShares = next.cpu?.shares;
  if (u.cpusetCpus) writes.cpusetCpus = next.cpu?.cpus;
  if (u.cpusetMems) writes.cpusetMems = next.cpu?.mems;
  if (u.pidsLimit !== undefined) writes.pidsLimit = next.pids?.limit;
  return writes;
}
