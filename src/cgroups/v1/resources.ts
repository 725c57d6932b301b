/**
 * Writing Resources into v1 controller files, one function per controller.
 * `dirOf(controller)` is the container's directory in that controller's
 * hierarchy, undefined when the controller is not mounted.
 */
import type { DeviceRule, Resources } from '../manager';
import { v1DeviceLine, validateDeviceRule } from '../device-rules';
import { CgroupError, CgroupWriter, cgroupFileExists, parseCgroupNumber, readCgroupFile, writeCgroupFile } from '../files';

export type DirOf = (controller: string) => string | undefined;


function need(dirOf: DirOf, controller: string, flag: string): string {
  const dir = dirOf(controller);
  if (!dir) {
    throw new CgroupError(`apply \`${flag}\`: the \`${controller}\` cgroup controller is not mounted`, {
      hint: `mount it, e.g. \`mount -t cgroup -o ${controller} cgroup /sys/fs/cgroup/${controller}\``,
    });
  }
  return dir;
}

export function applyV1Resources(dirOf: DirOf, r: Resources, write: CgroupWriter = writeCgroupFile): void {
  applyMemory(dirOf, r, write);
  applyCpu(dirOf, r, write);
  applyCpuset(dirOf, r, write);
  if (r.pidsLimit !== undefined) {
    const dir = need(dirOf, 'pids', '--pids-limit');
    write(dir, 'pids.max', r.pidsLimit > 0 ? String(r.pidsLimit) : 'max');
  }
  if (r.devices) applyDevices(need(dirOf, 'devices', '--device'), r.devices, write);
}

/**
 * The kernel keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes at
 * every step, so the order of the two writes depends on whether memsw grows.
 * Without swap accounting (no memsw files) the swap limit is ignored.
 */
function applyMemory(dirOf: DirOf, r: Resources, write: CgroupWriter): void {
  if (r.memory === undefined && r.memorySwap === undefined && r.memoryReservation === undefined) return;
  const dir = need(dirOf, 'memory', '--memory');
  const swapFile = 'memory.memsw.limit_in_bytes';
  const writeSwap = r.memorySwap !== undefined && cgroupFileExists(dir, swapFile);
  const writeLimit = (): void => {
    if (r.memory !== undefined) write(dir, 'memory.limit_in_bytes', String(r.memory));
  };
  if (writeSwap) {
    const swap = r.memorySwap as number;
    const current = parseCgroupNumber(readCgroupFile(dir, swapFile), `${dir}/${swapFile}`);
    const grows = swap === -1 || swap >= current;
    if (!grows) writeLimit();
    write(dir, swapFile, String(swap));
    if (grows) writeLimit();
  } else {
    writeLimit();
  }
  if (r.memoryReservation !== undefined) write(dir, 'memory.soft_limit_in_bytes', String(r.memoryReservation));
}

function applyCpu(dirOf: DirOf, r: Resources, write: CgroupWriter): void {
  if (r.cpuQuota === undefined && r.cpuPeriod === undefined && r.cpuShares === undefined) return;
  const dir = need(dirOf, 'cpu', '--cpus');
  if (r.cpuShares !== undefined && r.cpuShares > 0) write(dir, 'cpu.shares', String(r.cpuShares));
  // Period before quota, as runc does (the order only matters under a parent with its own quota).
  if (r.cpuPeriod !== undefined) write(dir, 'cpu.cfs_period_us', String(r.cpuPeriod));
  if (r.cpuQuota !== undefined) write(dir, 'cpu.cfs_quota_us', String(r.cpuQuota < 0 ? -1 : r.cpuQuota));
}

function applyCpuset(dirOf: DirOf, r: Resources, write: CgroupWriter): void {
  if (r.cpusetCpus !== undefined) write(need(dirOf, 'cpuset', '--cpuset-cpus'), 'cpuset.cpus', r.cpusetCpus);
  if (r.cpusetMems !== undefined) write(need(dirOf, 'cpuset', '--cpuset-mems'), 'cpuset.mems', r.cpusetMems);
}

/** Deny everything, then each rule in order: each line is its own write, as the kernel requires. */
function applyDevices(dir: string, rules: readonly DeviceRule[], write: CgroupWriter): void {
  rules.forEach(validateDeviceRule);
  write(dir, 'devices.deny', 'a');
  for (const rule of rules) {
    write(dir, rule.allow ? 'devices.allow' : 'devices.deny', v1DeviceLine(rule));
  }
}
