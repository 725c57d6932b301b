/**
 * linux.resources from the memory, CPU and pids flags, with the daemon's
 * checks and defaults (moby daemon/daemon_unix.go: verifyPlatformContainerResources,
 * adaptContainerSettings, getMemoryResources, getCPUResources, getPidsLimit).
 */
import { flagError } from './parse-flags';
import type { RunOptions } from './run-options';
import type { Cpu, Memory, Resources } from './types';

/** Docker's floor for --memory and --memory-reservation (6 MiB), for start-up overhead. */
export const MIN_MEMORY = 6 * 1024 * 1024;

/** CFS period Docker uses for --cpus (100 ms). */
export const CPU_PERIOD = 100_000;

type ResourceFlags = Pick<
  RunOptions,
  'memory' | 'memoryReservation' | 'memorySwap' | 'nanoCpus' | 'cpuShares' | 'cpusetCpus' | 'cpusetMems' | 'pidsLimit'
>;

function memoryResources(flags: ResourceFlags): Memory | undefined {
  const memory = flags.memory ?? 0;
  const reservation = flags.memoryReservation ?? 0;
  let swap = flags.memorySwap ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw flagError('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap === 0) swap = memory * 2;
  if (memory > 0 && swap > 0 && swap < memory) {
    throw flagError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (memory === 0 && swap > 0) {
    throw flagError('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw flagError('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    throw flagError('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  const result: Memory = {};
  if (memory > 0) result.limit = memory;
  if (reservation > 0) result.reservation = reservation;
  if (swap > 0) result.swap = swap;
  return Object.keys(result).length > 0 ? result : undefined;
}

function cpuResources(flags: ResourceFlags, numCpus: number): Cpu | undefined {
  const result: Cpu = {};
  const shares = flags.cpuShares ?? 0;
  if (shares < 0) throw flagError(`invalid CPU shares (${shares}): value must be a positive integer`);
  if (shares > 0) result.shares = shares;
  if (flags.cpusetCpus) result.cpus = flags.cpusetCpus;
  if (flags.cpusetMems) result.mems = flags.cpusetMems;
  const nano = flags.nanoCpus ?? 0;
  if (nano !== 0 && (nano < 0 || nano > numCpus * 1e9)) {
    throw flagError(`range of CPUs is from 0.01 to ${numCpus}.00, as there are only ${numCpus} CPUs available`);
  }
  if (nano > 0) {
    result.period = CPU_PERIOD;
    result.quota = Math.trunc((nano * CPU_PERIOD) / 1e9);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Memory, CPU and pids parts of linux.resources (the device rules are added by buildSpec). */
export function buildResources(flags: ResourceFlags, numCpus: number): Omit<Resources, 'devices'> {
  const resources: Omit<Resources, 'devices'> = {};
  const memory = memoryResources(flags);
  if (memory) resources.memory = memory;
  const cpu = cpuResources(flags, numCpus);
  if (cpu) resources.cpu = cpu;
  if (flags.pidsLimit !== undefined) resources.pids = { limit: flags.pidsLimit <= 0 ? -1 : flags.pidsLimit };
  return resources;
}
