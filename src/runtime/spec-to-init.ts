/**
 * From the bundle's OCI spec to the two halves of container start: the
 * filesystem the CLI builds inside the new mount namespace, and the plan
 * berth-init follows inside the new PID namespace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Spec } from './spec/types';
import { CgroupMountPlan, InitPlan, capabilityMask } from './init-plan';
import { CgroupLayout, detectLayout } from '../cgroups/detect';
import { RootfsSetup } from './rootfs-setup';
import { NamespaceKind } from '../sys/namespaces';
import { DEFAULT_DEVICES } from './spec/defaults';
import { BerthError } from '../errors/berth-error';

const SIGKILL = 9;

/** OCI namespace types to the /proc/<pid>/ns names berth unshares (cgroup is berth-init's job). */
export function namespacesToUnshare(spec: Spec): NamespaceKind[] {
  const map: Record<string, NamespaceKind | undefined> = { mount: 'mnt', uts: 'uts', ipc: 'ipc', network: 'net', pid: 'pid' };
  return spec.linux.namespaces.filter((ns) => !ns.path).map((ns) => map[ns.type]).filter((k): k is NamespaceKind => k !== undefined);
}

/** A namespace the container shares: the CLI setns()es into the one open at `path` instead of unsharing. */
export interface JoinedNamespace {
  kind: NamespaceKind;
  path: string;
}

/** Namespaces a container can join by path: berth-init and the monitor inherit them from the CLI's thread. */
const JOINABLE: Record<string, NamespaceKind | undefined> = { network: 'net', ipc: 'ipc', uts: 'uts' };

/**
 * The spec's namespaces that have a `path` (OCI: join that namespace, do not create one). A path is an
 * absolute file (/proc/<pid>/ns/net, a bind-mounted namespace); `container:<id>` paths must have been
 * resolved by resolveContainerNamespaces first. pid, mount and cgroup cannot be joined this way: the PID
 * namespace is chosen at berth-init's clone, and the mount and cgroup ones are berth's to build.
 */
export function namespacesToJoin(spec: Spec): JoinedNamespace[] {
  const joined: JoinedNamespace[] = [];
  for (const ns of spec.linux.namespaces) {
    if (!ns.path) continue;
    const kind = JOINABLE[ns.type];
    if (!kind) {
      throw new BerthError('unsupported-namespace', `join the \`${ns.type}\` namespace at \`${ns.path}\`: berth can join only network, ipc and uts namespaces`, { exitCode: 125 });
    }
    if (!ns.path.startsWith('/')) {
      throw new BerthError('unresolved-namespace', `join the \`${ns.type}\` namespace at \`${ns.path}\`: not an absolute path`, { exitCode: 125 });
    }
    joined.push({ kind, path: ns.path });
  }
  return joined;
}

export interface BundlePaths {
  bundle: string;
  rootfs: string;
  upper: string;
  work: string;
  /** A read-only layer the engine may put between the image and `upper` (Docker's init layer); absent in older bundles. */
  init: string;
}

export function bundlePaths(bundle: string): BundlePaths {
  return {
    bundle,
    rootfs: path.join(bundle, 'rootfs'),
    upper: path.join(bundle, 'upper'),
    work: path.join(bundle, 'work'),
    init: path.join(bundle, 'init'),
  };
}

/** The overlay lower directories of a bundle, top-most first: its init layer when it has one, then the image's layers. */
export function bundleLowerDirs(bundle: string, imageLowerDirs: readonly string[]): string[] {
  const init = bundlePaths(bundle).init;
  return fs.existsSync(init) ? [init, ...imageLowerDirs] : [...imageLowerDirs];
}

/** net.* belongs to the network namespace; kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* to the IPC one. */
function ownsSysctl(key: string, unshared: NamespaceKind[]): boolean {
  if (key.startsWith('net.')) return unshared.includes('net');
  if (/^kernel\.(shm|msg|sem)/.test(key) || key.startsWith('fs.mqueue.')) return unshared.includes('ipc');
  return true;
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
    // Another container's network or IPC namespace keeps the sysctls its owner set.
    sysctl: Object.fromEntries(Object.entries(spec.linux.sysctl ?? {}).filter(([key]) => ownsSysctl(key, kinds))),
    hostname: spec.hostname,
    loopback: kinds.includes('net'),
    setHostname: kinds.includes('uts'),
  };
}

/**
 * The spec's cgroup mount as berth-init makes it (runc's mountCgroupV1/V2 for a container with its own cgroup
 * namespace). It cannot be done with the other mounts: mounted before unshare(CLONE_NEWCGROUP), a cgroup
 * filesystem shows the host's tree; mounted after it, its root is the container's cgroup. And berth-init
 * unshares only after the CLI has put it in its cgroup (the go byte), so the mount is berth-init's job, done
 * right after that unshare and before pivot_root. Without a private cgroup namespace nothing is mounted.
 */
export function cgroupMountOf(spec: Spec, layout: () => CgroupLayout): CgroupMountPlan | undefined {
  const m = spec.mounts.find((x) => x.type === 'cgroup' || x.type === 'cgroup2');
  if (!m || !spec.linux.namespaces.some((ns) => ns.type === 'cgroup' && !ns.path)) return undefined;
  const readonly = m.options.includes('ro');
  const host = layout();
  if (host.version === 2) return { destination: m.destination, readonly, hierarchies: [], links: [] };
  // One entry per hierarchy: co-mounted controllers (`cpu`, `cpuacct`) share a mount point.
  const byMountPoint = new Map<string, string[]>();
  for (const [name, mountPoint] of Object.entries(host.mounts)) byMountPoint.set(mountPoint, [...(byMountPoint.get(mountPoint) ?? []), name]);
  const hierarchies = [...byMountPoint].map(([mountPoint, names]) => ({ directory: path.basename(mountPoint), options: names.join(',') }));
  const directories = new Set(hierarchies.map((h) => h.directory));
  const links: CgroupMountPlan['links'] = [];
  for (const h of hierarchies) {
    for (const name of h.directory.split(',')) {
      if (!directories.has(name) && !links.some((l) => l.name === name)) links.push({ name, target: h.directory });
    }
  }
  return { destination: m.destination, readonly, hierarchies, links };
}

export interface InitPlanOptions {
  parentDeath: boolean;
  trace?: boolean;
  /** The host's cgroup layout (for /sys/fs/cgroup); read from /proc/self/mountinfo when not given. */
  cgroupLayout?: CgroupLayout;
}

export function initPlanOf(spec: Spec, paths: BundlePaths, options: InitPlanOptions): InitPlan {
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
    cgroupMount: cgroupMountOf(spec, () => options.cgroupLayout ?? detectLayout()),
    parentDeathSignal: options.parentDeath ? SIGKILL : undefined,
    readonlyRootfs: spec.root.readonly,
    trace: options.trace,
  };
}
