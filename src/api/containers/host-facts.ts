/** What the spec builder needs to know about the calling process and host. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseCapabilityMask } from '../../runtime/spec/capabilities';
import { HardLimits } from '../../runtime/spec/rlimits';
import { hardLimits } from '../../sys/process';

export function callerBoundingSet(): bigint {
  return parseCapabilityMask(fs.readFileSync('/proc/self/status', 'utf8'), 'CapBnd');
}

/** The caller's hard rlimits keyed by ulimit name (`nofile`), -1 for unlimited. */
export function callerHardLimits(): HardLimits {
  const limits: Record<string, number> = {};
  for (const [name, hard] of Object.entries(hardLimits())) {
    limits[name.replace(/^RLIMIT_/, '').toLowerCase()] = Number.isFinite(hard) ? hard : -1;
  }
  return limits as HardLimits;
}

export function hostFacts(): { numCpus: number; hostHostname: string } {
  return { numCpus: os.cpus().length, hostHostname: os.hostname() };
}
