/**
 * Docker's `stats --no-stream`: one figure per container, CPU % from two
 * samples taken an interval apart, as Docker computes it:
 *   (container CPU time delta / host CPU time delta) * online CPUs * 100
 * where the host time is the sum of the first 7 fields of /proc/stat's
 * `cpu` line. Memory, pids from the cgroup; network from the container's
 * network namespace (/proc/PID/net/dev, loopback left out); block I/O from
 * /proc/PID/io of its live processes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ContainerState } from '../../runtime/state';
import type { CgroupManager } from '../../cgroups/manager';
import { isActive } from '../../runtime/status';

export interface StatsSample {
  /** Container CPU time, ns. */
  cpuNs: number;
  /** Host CPU time over every CPU, ns. */
  systemNs: number;
  onlineCpus: number;
  memoryUsage: number;
  /** The cgroup's limit, or the host's memory when unlimited. */
  memoryLimit: number;
  pids: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
}

export interface ContainerStats {
  id: string;
  name: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

const CLOCK_TICKS = 100; // USER_HZ: /proc/stat counts in 1/100 s on every Linux ABI

/** Host CPU time in ns from /proc/stat (user nice system idle iowait irq softirq). */
export function parseSystemCpuNs(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((sum, f) => sum + Number(f), 0);
  return (ticks * 1e9) / CLOCK_TICKS;
}

/** Received and transmitted bytes over every interface but loopback, from /proc/PID/net/dev. */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    if (line.slice(0, colon).trim() === 'lo') continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    rx += fields[0] ?? 0;
    tx += fields[8] ?? 0;
  }
  return { rx, tx };
}

/** read_bytes and write_bytes of /proc/PID/io (what reached the block layer). */
export function parseProcIo(text: string): { read: number; write: number } {
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { read: field('read_bytes'), write: field('write_bytes') };
}

/** Docker's CPU %: 0 unless both the container and the host used time between the samples. */
export function cpuPercent(before: Pick<StatsSample, 'cpuNs' | 'systemNs'>, after: Pick<StatsSample, 'cpuNs' | 'systemNs' | 'onlineCpus'>): number {
  const cpuDelta = after.cpuNs - before.cpuNs;
  const systemDelta = after.systemNs - before.systemNs;
  if (cpuDelta <= 0 || systemDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * after.onlineCpus * 100;
}

export function memoryPercent(usage: number, limit: number): number {
  return limit > 0 && Number.isFinite(limit) ? (usage / limit) * 100 : 0;
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

const EMPTY: Omit<StatsSample, 'systemNs' | 'onlineCpus'> = {
  cpuNs: 0, memoryUsage: 0, memoryLimit: 0, pids: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0,
};

/** One sample of a container; a stopped container (or one whose cgroup just went away) reads as zeros. */
export function sampleStats(state: ContainerState, cgroup: CgroupManager | undefined): StatsSample {
  const host = { systemNs: parseSystemCpuNs(readOr('/proc/stat', '')), onlineCpus: os.cpus().length };
  if (!isActive(state) || !cgroup || state.pid === undefined) return { ...EMPTY, ...host };
  let sample: StatsSample;
  try {
    const figures = cgroup.stats();
    sample = {
      ...EMPTY,
      ...host,
      cpuNs: figures.cpuUsageNs,
      memoryUsage: figures.memoryUsage,
      memoryLimit: Number.isFinite(figures.memoryLimit) ? figures.memoryLimit : os.totalmem(),
      pids: figures.pids,
    };
    for (const pid of cgroup.pids()) {
      const io = parseProcIo(readOr(`/proc/${pid}/io`, ''));
      sample.blockRead += io.read;
      sample.blockWrite += io.write;
    }
  } catch {
    return { ...EMPTY, ...host };
  }
  // With the host's network the container has no interfaces of its own: Docker shows 0B / 0B.
  if (state.hostConfig.networkMode !== 'host') {
    const net = parseNetDev(readOr(`/proc/${state.pid}/net/dev`, ''));
    sample.netRx = net.rx;
    sample.netTx = net.tx;
  }
  return sample;
}

export function statsRow(state: ContainerState, before: StatsSample, after: StatsSample): ContainerStats {
  return {
    id: state.id,
    name: state.name,
    cpuPercent: cpuPercent(before, after),
    memoryUsage: after.memoryUsage,
    memoryLimit: after.memoryLimit,
    memoryPercent: memoryPercent(after.memoryUsage, after.memoryLimit),
    netRx: after.netRx,
    netTx: after.netTx,
    blockRead: after.blockRead,
    blockWrite: after.blockWrite,
    pids: after.pids,
  };
}
