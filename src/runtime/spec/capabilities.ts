/**
 * The container's capability set: Docker's defaults tweaked by --cap-add,
 * --cap-drop and --privileged (moby daemon/pkg/oci/caps). "All
 * capabilities" means all those in the caller's bounding set: berth can
 * only hand out what it holds (a sandbox without CAP_SYS_RESOURCE must not
 * ask for it).
 */
import { UsageError } from '../../errors/kinds';
import { DEFAULT_CAPABILITIES } from './defaults';

/** Linux capabilities by number (linux/capability.h). */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** The CapBnd (or CapEff, ...) mask from the text of /proc/<pid>/status. */
export function parseCapabilityMask(procStatus: string, field = 'CapBnd'): bigint {
  const match = new RegExp(`^${field}:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(procStatus);
  if (!match) throw new UsageError(`read capabilities: no \`${field}\` line in /proc/self/status`);
  return BigInt(`0x${match[1]}`);
}

/** Names of the capabilities set in `mask`, in number order (bits berth has no name for are left out). */
export function capabilitiesInMask(mask: bigint): string[] {
  return CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

function unknownCapability(name: string): UsageError {
  return new UsageError(`unknown capability: ${JSON.stringify(name)}`, { exitCode: 125 });
}

/**
 * --cap-add/--cap-drop values upper-cased with a CAP_ prefix; `ALL` kept as
 * is. Known capabilities the caller does not hold are refused as Docker
 * refuses capabilities missing from its own environment.
 */
export function normalizeCapabilities(names: readonly string[], available: readonly string[]): string[] {
  return names.map((raw) => {
    let name = raw.toUpperCase();
    if (name === 'ALL') return name;
    if (!name.startsWith('CAP_')) name = `CAP_${name}`;
    if (!CAPABILITIES.includes(name)) throw unknownCapability(name);
    if (!available.includes(name)) {
      throw new UsageError(
        `capability not supported by your kernel or not available in the current environment: ${JSON.stringify(name)}`,
        { exitCode: 125, hint: 'berth can only grant capabilities that are in its own bounding set' },
      );
    }
    return name;
  });
}

export interface CapabilityRequest {
  capAdd: readonly string[];
  capDrop: readonly string[];
  privileged: boolean;
  /** The caller's bounding set (CapBnd of /proc/self/status). */
  callerBoundingSet: bigint;
}

/**
 * Docker's TweakCapabilities: privileged or `--cap-add ALL` = everything
 * available (minus drops); `--cap-drop ALL` = only the adds; otherwise the
 * defaults minus drops plus adds. Defaults the caller lacks are left out
 * (the kernel would refuse them anyway); the result has no duplicates.
 */
export function resolveCapabilities(request: CapabilityRequest): string[] {
  const available = capabilitiesInMask(request.callerBoundingSet);
  if (request.privileged) return available;
  const drops = normalizeCapabilities(request.capDrop, available);
  const adds = normalizeCapabilities(request.capAdd, available);
  let caps: string[];
  if (adds.includes('ALL')) caps = available.filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = adds;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => available.includes(c) && !drops.includes(c)), ...adds];
  return [...new Set(caps.filter((c) => c !== 'ALL'))];
}
