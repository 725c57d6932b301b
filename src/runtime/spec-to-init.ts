/**
 * From the bundle's OCI spec to the two halves of container start: the
 * filesystem the CLI builds inside the new mount namespace, and the plan
 * berth-init follows inside the new PID namespace.
 */
import * as path from 'node:path';
import { Spec } from './spec/types';
import { InitPlan, capabilityMask } from './init-plan';
import { RootfsSetup } from './rootfs-setup';
import { NamespaceKind } from '../sys/namespaces';
import { DEFAULT_DEVICES } from './spec/defaults';

const SIGKILL = 9;

/** OCI namespace types to the /proc/<pid>/ns names berth unshares (cgroup is berth-init's job). */
export function namespacesToUnshare(spec: Spec): NamespaceKind[] {
  const map: Record<string, NamespaceKind | undefined> = { mount: 'mnt', uts: 'uts', ipc: 'ipc', network: 'net', pid: 'pid' };
  return spec.linux.namespaces.filter((ns) => !ns.path).map((ns) => map[ns.type]).filter((k): k is NamespaceKind => k !== undefined);
}

export interface BundlePaths {
  bundle: string;
  rootfs: string;
  upper: string;
  work: string;
}

export function bundlePaths(bundle: string): BundlePaths {
  return { bundle, rootfs: path.join(bundle, 'rootfs'), upper: path.join(bundle, 'upper'), work: path.join(bundle, 'work') };
}

export function rootfsSetupOf(spec: Spec, paths: BundlePaths, lowerDirs: string[]): RootfsSetup {
  const kinds = namespacesToUnshare(spec);
  return {
    rootfs: paths.rootfs,
    lowerDirs,
    upperDir: paths.upper,
    workDir: paths.work,
    mounts: spec.mounts,
    // Docker's spec lists only extra devices: the runtime creates the default ones.
    devices: [...DEFAULT_DEVICES.filter((d) => !spec.linux.devices.some((x) => x.path === d.path)), ...spec.linux.devices],
    sysctl: spec.linux.sysctl ?? {},
    hostname: spec.hostname,
    loopback: kinds.includes('net'),
    setHostname: kinds.includes('uts'),
  };
}

export function initPlanOf(spec: Spec, paths: BundlePaths, options: { parentDeath: boolean; trace?: boolean }): InitPlan {
  const caps = spec.process.capabilities;
  return {
    rootfs: paths.rootfs,
    cwd: spec.process.cwd,
    args: spec.process.args,
    env: spec.process.env,
    uid: spec.process.user.uid,
    gid: spec.process.user.gid,
    groups: spec.process.user.additionalGids,
    noNewPrivileges: spec.process.noNewPrivileges,
    capabilities: {
      bounding: capabilityMask(caps.bounding),
      effective: capabilityMask(caps.effective),
      permitted: capabilityMask(caps.permitted),
      inheritable: capabilityMask(caps.inheritable),
      ambient: capabilityMask(caps.ambient),
    },
    rlimits: spec.process.rlimits.map((r) => ({ type: r.type, soft: r.soft < 0 ? Infinity : r.soft, hard: r.hard < 0 ? Infinity : r.hard })),
    maskedPaths: spec.linux.maskedPaths,
    readonlyPaths: spec.linux.readonlyPaths,
    mountProc: spec.mounts.some((m) => m.destination === '/proc'),
    cgroupNamespace: spec.linux.namespaces.some((ns) => ns.type === 'cgroup' && !ns.path),
    parentDeathSignal: options.parentDeath ? SIGKILL : undefined,
    readonlyRootfs: spec.root.readonly,
    trace: options.trace,
  };
}
