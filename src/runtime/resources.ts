/** The spec's linux.resources as the cgroup manager takes them. */
import { Spec } from './spec/types';
import { Resources } from '../cgroups/manager';
import { effectiveDeviceRules } from './spec/defaults';

export function resourcesOf(spec: Spec): Resources {
  const r = spec.linux.resources;
  return {
    memory: r.memory?.limit,
    memorySwap: r.memory?.swap,
    memoryReservation: r.memory?.reservation,
    cpuQuota: r.cpu?.quota,
    cpuPeriod: r.cpu?.period,
    cpuShares: r.cpu?.shares,
    cpusetCpus: r.cpu?.cpus,
    cpusetMems: r.cpu?.mems,
    pidsLimit: r.pids?.limit,
    // runc's own rules (pty, tun, the m-on-everything rule) join the spec's, as runc adds them.
    devices: effectiveDeviceRules(r.devices).map((d) => ({
      allow: d.allow,
      type: d.type ?? 'a',
      major: d.major === undefined || d.major < 0 ? '*' : d.major,
      minor: d.minor === undefined || d.minor < 0 ? '*' : d.minor,
      access: d.access ?? 'rwm',
    })),
  };
}
