/**
 * The one cgroup manager interface. The version (v1 or v2) is picked once, by
 * detect.ts, from which hierarchy owns the controllers; callers never branch
 * on it. Paths are relative to each hierarchy's root, e.g. `/berth/<id>`.
 */

/** Limits as `berth run` flags give them; undefined means "leave as is". */
export interface Resources {
  /** Bytes (--memory). */
  memory?: number;
  /** Bytes of memory plus swap (--memory-swap); -1 means unlimited swap. */
  memorySwap?: number;
  /** Bytes (--memory-reservation): v1 memory.soft_limit_in_bytes, v2 memory.low. */
  memoryReservation?: number;
  /** Microseconds per period (--cpus N gives N * 100000); -1 means no quota. */
  cpuQuota?: number;
  cpuPeriod?: number;
  /** --cpu-shares (v2 converts it to cpu.weight). */
  cpuShares?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** --pids-limit; 0 or less means unlimited. */
  pidsLimit?: number;
  /**
   * Device rules in order, applied on top of "deny all": the last rule that
   * matches an access decides it.
   */
  devices?: DeviceRule[];
}

export interface DeviceRule {
  allow: boolean;
  /** `a` means every device, whatever major, minor and access say. */
  type: 'a' | 'c' | 'b';
  major: number | '*';
  minor: number | '*';
  /** Any of `r`, `w`, `m`. */
  access: string;
}

export interface CgroupStats {
  memoryUsage: number;
  /** Infinity when unlimited. */
  memoryLimit: number;
  cpuUsageNs: number;
  pids: number;
  /** Undefined when unlimited. */
  pidsLimit?: number;
}

export interface CgroupManager {
  readonly version: 1 | 2;
  /** The container's cgroup relative to the hierarchy root, e.g. `/berth/<id>`. */
  readonly path: string;
  /** Creates the cgroup directories (and enables controllers / fills cpuset as needed). */
  create(): void;
  /** Writes the limits; errors name the file and the value. */
  apply(resources: Resources): void;
  /** Moves `pid` into the cgroup in every hierarchy. */
  join(pid: number): void;
  /** Processes in the cgroup. */
  pids(): number[];
  /** Freezes every process and returns once the kernel reports them frozen. */
  freeze(): void;
  thaw(): void;
  stats(): CgroupStats;
  /** True when the kernel OOM-killed a process of this cgroup. */
  oomKilled(): boolean;
  /** Removes the cgroup directories (never kills); a missing cgroup is fine. */
  destroy(): void;
}
