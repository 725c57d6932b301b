/**
 * The cgroup limit flags `run`/`create` and `update` share: one definition,
 * so both verbs spell and describe them alike.
 */
import type { FlagSet } from '../../flags';
import { parseCpus, parseMemoryBytes, parseMemorySwap } from '../../../runtime/spec/parse-flags';
import type { RunOptions } from '../../../runtime/spec/run-options';

export interface ResourceFlags {
  memory?: string;
  'memory-swap'?: string;
  'memory-reservation'?: string;
  cpus?: string;
  'cpu-shares'?: number;
  'cpuset-cpus'?: string;
  'cpuset-mems'?: string;
  'pids-limit'?: number;
}

/** The flags, as `run`/`create` or `update` describe them (Docker words --memory-swap twice). */
export function resourceFlagOptions(flags: FlagSet, verb: 'run' | 'update'): FlagSet {
  const unlimitedSwap = verb === 'run' ? "'-1'" : '-1';
  // Sizes and CPU counts are checked as they are read, so a bad one names its flag (Docker's MemBytes, NanoCPUs).
  const bytes = { type: 'string', valueName: 'bytes', check: parseMemoryBytes } as const;
  return flags
    .option('memory', { alias: 'm', ...bytes, describe: 'Memory limit' })
    .option('memory-swap', {
      ...bytes, check: parseMemorySwap, describe: `Swap limit equal to memory plus swap: ${unlimitedSwap} to enable unlimited swap`,
    })
    .option('memory-reservation', { ...bytes, describe: 'Memory soft limit' })
    .option('cpus', { type: 'string', valueName: 'decimal', check: parseCpus, describe: 'Number of CPUs' })
    .option('cpu-shares', { alias: 'c', type: 'number', describe: 'CPU shares (relative weight)' })
    .option('cpuset-cpus', { type: 'string', describe: 'CPUs in which to allow execution (0-3, 0,1)' })
    .option('cpuset-mems', { type: 'string', describe: 'MEMs in which to allow execution (0-3, 0,1)' })
    .option('pids-limit', { type: 'number', describe: 'Tune container pids limit (set -1 for unlimited)' });
}

export type ParsedResources = Pick<
  RunOptions,
  'memory' | 'memoryReservation' | 'memorySwap' | 'nanoCpus' | 'cpuShares' | 'cpusetCpus' | 'cpusetMems' | 'pidsLimit'
>;

/** The flags' values, sizes and CPU counts parsed (undefined where a flag was not given). */
export function resourcesOfFlags(flags: ResourceFlags): ParsedResources {
  return {
    memory: flags.memory !== undefined ? parseMemoryBytes(flags.memory) : undefined,
    memoryReservation: flags['memory-reservation'] !== undefined ? parseMemoryBytes(flags['memory-reservation']) : undefined,
    memorySwap: flags['memory-swap'] !== undefined ? parseMemorySwap(flags['memory-swap']) : undefined,
    nanoCpus: flags.cpus !== undefined ? parseCpus(flags.cpus) : undefined,
    cpuShares: flags['cpu-shares'],
    cpusetCpus: flags['cpuset-cpus'],
    cpusetMems: flags['cpuset-mems'],
    pidsLimit: flags['pids-limit'],
  };
}
