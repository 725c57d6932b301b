/** Writing Resources into a v2 cgroup's files, one function per controller. */
import type { Resources } from '../manager';
import { attachDeviceFilter } from '../../sys/bpf';
import { CgroupError, CgroupWriter, cgroupFileExists, readCgroupFile, writeCgroupFile } from '../files';
import { deviceFilterProgram } from './device-filter';

/** Default CFS period (µs), as Docker uses for --cpus. */
const DEFAULT_CPU_PERIOD = 100000;

/** cpu.weight (1..10000) for v1-style cpu.shares (2..262144), the conversion runc and crun use. */
export function cpuSharesToWeight(shares: number): number {
  const clamped = Math.min(Math.max(shares, 2), 262144);
  return 1 + Math.floor(((clamped - 2) * 9999) / 262142);
}

function need(dir: string, controller: string, flag: string): void {
  const available = readCgroupFile(dir, 'cgroup.controllers').split(/\s+/);
  if (!available.includes(controller)) {
    throw new CgroupError(`apply \`${flag}\`: the \`${controller}\` controller is not enabled for \`${dir}\``, {
      hint: `enable it in the parent's cgroup.subtree_control (\`+${controller}\`)`,
    });
  }
}

export function applyV2Resources(dir: string, r: Resources, write: CgroupWriter = writeCgroupFile): void {
  applyMemory(dir, r, write);
  applyCpu(dir, r, write);
  if (r.cpusetCpus !== undefined || r.cpusetMems !== undefined) need(dir, 'cpuset', '--cpuset-cpus');
  if (r.cpusetCpus !== undefined) write(dir, 'cpuset.cpus', r.cpusetCpus);
  if (r.cpusetMems !== undefined) write(dir, 'cpuset.mems', r.cpusetMems);
  if (r.pidsLimit !== undefined) {
    need(dir, 'pids', '--pids-limit');
    write(dir, 'pids.max', r.pidsLimit > 0 ? String(r.pidsLimit) : 'max');
  }
  if (r.devices) attachDeviceFilter(dir, deviceFilterProgram(r.devices));
}

/** v2 limits swap alone (memory.swap.max), where --memory-swap counts memory plus swap. */
function applyMemory(dir: string, r: Resources, write: CgroupWriter): void {
  if (r.memory === undefined && r.memorySwap === undefined && r.memoryReservation === undefined) return;
  need(dir, 'memory', '--memory');
  if (r.memory !== undefined) write(dir, 'memory.max', r.memory < 0 ? 'max' : String(r.memory));
  if (r.memorySwap !== undefined && cgroupFileExists(dir, 'memory.swap.max')) {
    if (r.memorySwap < 0) {
      write(dir, 'memory.swap.max', 'max');
    } else {
      if (r.memory === undefined || r.memory < 0) {
        throw new CgroupError(`apply \`--memory-swap\` \`${r.memorySwap}\`: needs \`--memory\` too`);
      }
      if (r.memorySwap < r.memory) {
        throw new CgroupError(`apply \`--memory-swap\` \`${r.memorySwap}\`: less than \`--memory\` \`${r.memory}\``);
      }
      write(dir, 'memory.swap.max', String(r.memorySwap - r.memory));
    }
  }
  if (r.memoryReservation !== undefined) write(dir, 'memory.low', String(r.memoryReservation));
}

function applyCpu(dir: string, r: Resources, write: CgroupWriter): void {
  if (r.cpuQuota === undefined && r.cpuPeriod === undefined && r.cpuShares === undefined) return;
  need(dir, 'cpu', '--cpus');
  if (r.cpuShares !== undefined && r.cpuShares > 0) write(dir, 'cpu.weight', String(cpuSharesToWeight(r.cpuShares)));
  if (r.cpuQuota !== undefined || r.cpuPeriod !== undefined) {
    const quota = r.cpuQuota === undefined || r.cpuQuota < 0 ? 'max' : String(r.cpuQuota);
    write(dir, 'cpu.max', `${quota} ${r.cpuPeriod ?? DEFAULT_CPU_PERIOD}`);
  }
}
