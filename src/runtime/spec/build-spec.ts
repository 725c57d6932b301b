/**
 * buildSpec: image config + run options -> OCI config.json, with Docker's
 * defaults (moby daemon/oci_linux.go createSpec and daemon/pkg/oci). Pure
 * except for --device lookups, which go through `lookupDevice` (by default
 * device-nodes.ts, which stats the host path).
 *
 * The user is left for the runtime to resolve against the container's own
 * /etc/passwd (resolveUser + applyUser once the rootfs is mounted):
 * process.user holds uid/gid 0 placeholders and `userSpec` the string.
 */
import * as path from 'node:path';
import { BerthError } from '../../errors/berth-error';
import type { ImageConfig } from '../../image/oci-types';
import { resolveCapabilities } from './capabilities';
import {
  DEFAULT_CGROUP_PARENT,
  DEFAULT_MASKED_PATHS,
  DEFAULT_NETWORK_SYSCTLS,
  DEFAULT_READONLY_PATHS,
  DEFAULT_SHM_SIZE,
  defaultDeviceRules,
  defaultHostname,
  defaultMounts,
} from './defaults';
import { devicesFromPath } from './device-nodes';
import { resolveCommand } from './entrypoint';
import { containerEnv, mergeImageEnv } from './env';
import { flagError, parseSecurityOpts } from './parse-flags';
import { parseDeviceFlag } from './parse-device';
import { parseTmpfsFlag, tmpfsMountOptions } from './parse-mounts';
import { buildResources } from './resources';
import { buildRlimits, HardLimits } from './rlimits';
import type { RunOptions } from './run-options';
import { Device, DeviceCgroupRule, Mount, Namespace, OCI_VERSION, Spec } from './types';

/** Where the init binary (--init) appears in the container, as Docker puts docker-init. */
export const CONTAINER_INIT_PATH = '/sbin/docker-init';

export interface BuildSpecInput {
  /** 64 hex characters. */
  id: string;
  image: ImageConfig;
  options: RunOptions;
  /** Absolute path of the container's root filesystem. */
  rootfs: string;
  /** CapBnd of the calling process (parseCapabilityMask). */
  callerBoundingSet: bigint;
  /** The caller's hard rlimits by ulimit name (getrlimit), -1 for unlimited. */
  callerHardLimits: HardLimits;
  /** CPUs online, for Docker's --cpus range check; default: no upper bound. */
  numCpus?: number;
  /** The host's name, the default hostname with --network host. */
  hostHostname?: string;
  /** Cgroup version of the host (recorded for callers; every container gets its own cgroup namespace). Default 2. */
  cgroupVersion?: 1 | 2;
  /** Host files bound over /etc/resolv.conf, /etc/hostname, /etc/hosts (the container's own copies). */
  etcFiles?: { resolvConf?: string; hostname?: string; hosts?: string };
  /** Host path of the init binary for --init. */
  initBinary?: string;
  /** Host devices added by --privileged (listHostDevices). */
  hostDevices?: Device[];
  /** The device(s) at a host path, named by their container path; default devicesFromPath. */
  lookupDevice?: (hostPath: string, containerPath: string) => Device[];
}

export interface BuiltSpec {
  spec: Spec;
  /** -u or the image's USER, '' for root: resolve it with resolveUser against the container's /etc/passwd. */
  userSpec: string;
  /** The container config Docker would record (inspect's Config). */
  entrypoint: string[];
  cmd: string[];
  /** User env then image env (the container config's Env, before PATH/HOSTNAME are added). */
  env: string[];
  workingDir: string;
  labels: Record<string, string>;
  stopSignal?: string;
}

function workingDirOf(options: RunOptions, image: ImageConfig): string {
  const wd = options.workdir || image.config?.WorkingDir || '';
  if (wd === '') return '/';
  if (!wd.startsWith('/')) throw flagError(`the working directory '${wd}' is invalid, it needs to be an absolute path`);
  return path.posix.normalize(wd).replace(/(.)\/+$/, '$1');
}

function hostnameOf(input: BuildSpecInput): string {
  if (input.options.hostname) return input.options.hostname;
  if (input.options.network === 'host' && input.hostHostname) return input.hostHostname;
  return defaultHostname(input.id);
}

function depth(destination: string): number {
  return path.posix.normalize(destination).split('/').length;
}

/** The user's mounts (volumes, binds, tmpfs, /etc files), parents first as Docker sorts them. */
function userMounts(input: BuildSpecInput): Mount[] {
  const { options } = input;
  const mounts: Mount[] = [];
  for (const m of options.mounts) {
    if (m.type === 'tmpfs') {
      mounts.push({ destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: m.options ?? tmpfsMountOptions([]) });
      continue;
    }
    const flags = [m.nonRecursive ? 'bind' : 'rbind'];
    if (m.readonly) flags.push('rro');
    if (m.propagation) flags.push(m.propagation);
    mounts.push({ destination: m.destination, type: 'bind', source: m.source, options: flags });
  }
  for (const t of options.tmpfs) {
    const request = parseTmpfsFlag(t);
    mounts.push({ destination: request.target, type: 'tmpfs', source: 'tmpfs', options: request.options });
  }
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.destination)) throw flagError(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
  const etc: [string | undefined, string][] = [
    [input.etcFiles?.resolvConf, '/etc/resolv.conf'],
    [input.etcFiles?.hostname, '/etc/hostname'],
    [input.etcFiles?.hosts, '/etc/hosts'],
  ];
  for (const [source, destination] of etc) {
    if (source === undefined || seen.has(destination)) continue;
    const flags = options.readOnly ? ['rbind', 'rro', 'rprivate'] : ['rbind', 'rprivate'];
    mounts.push({ destination, type: 'bind', source, options: flags });
  }
  return mounts
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i)
    .map(({ m }) => m);
}

const KEPT_WRITABLE_ON_READONLY_ROOT = ['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/dev'];

function allMounts(input: BuildSpecInput, user: Mount[]): Mount[] {
  const { options } = input;
  const userDestinations = new Set(user.map((m) => m.destination));
  const userDev = userDestinations.has('/dev');
  const mounts: Mount[] = [];
  for (const m of defaultMounts()) {
    if (userDestinations.has(m.destination)) continue;
    if (userDev && m.destination.startsWith('/dev/')) continue;
    if (m.destination === '/dev/shm' && options.ipc === 'host') {
      // Docker's --ipc host: the host's POSIX shared memory too.
      mounts.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] });
      continue;
    }
    if (m.destination === '/dev/shm') m.options.push(`size=${options.shmSize || DEFAULT_SHM_SIZE}`);
    if (options.privileged && (m.type === 'sysfs' || m.type === 'cgroup')) {
      m.options = m.options.filter((o) => o !== 'ro');
    }
    mounts.push(m);
  }
  if (options.init) {
    if (!input.initBinary) {
      throw new BerthError('no-init', 'run with --init: no init binary is available', { exitCode: 125 });
    }
    mounts.push({ destination: CONTAINER_INIT_PATH, type: 'bind', source: input.initBinary, options: ['bind', 'ro'] });
  }
  if (options.readOnly) {
    for (const m of mounts) {
      if (!KEPT_WRITABLE_ON_READONLY_ROOT.includes(m.destination) && !m.options.includes('ro')) m.options.push('ro');
    }
  }
  return [...mounts, ...user];
}

/** `container:<id>` modes become a namespace path that start resolves (runtime/shared-namespaces.ts). */
function namespacesOf(input: BuildSpecInput): Namespace[] {
  const { network, ipc } = input.options;
  const namespaces: Namespace[] = [{ type: 'mount' }];
  if (network.startsWith('container:')) namespaces.push({ type: 'network', path: network });
  else if (network !== 'host') namespaces.push({ type: 'network' });
  namespaces.push({ type: 'uts' }, { type: 'pid' });
  if (ipc?.startsWith('container:')) namespaces.push({ type: 'ipc', path: ipc });
  else if (ipc !== 'host') namespaces.push({ type: 'ipc' });
  // Docker's --cgroupns=private, on v1 too (Docker's v1 default is the host's): the container sees its own
  // cgroup as `/` in /proc/self/cgroup and at /sys/fs/cgroup, whatever the host's version.
  namespaces.push({ type: 'cgroup' });
  return namespaces;
}

function devicesOf(input: BuildSpecInput): { devices: Device[]; rules: DeviceCgroupRule[] } {
  const lookup = input.lookupDevice ?? devicesFromPath;
  const rules = defaultDeviceRules();
  const devices: Device[] = [];
  const requests = input.options.devices.map(parseDeviceFlag);
  if (input.options.privileged) {
    devices.push(...(input.hostDevices ?? []));
    for (const r of requests) {
      // /dev is already the host's in a privileged container; only renamed devices need a node.
      if (r.pathOnHost !== r.pathInContainer) devices.push(...lookup(r.pathOnHost, r.pathInContainer));
    }
    rules.push({ allow: true, access: 'rwm' });
    return { devices, rules };
  }
  for (const r of requests) {
    for (const d of lookup(r.pathOnHost, r.pathInContainer)) {
      devices.push(d);
      if (d.type === 'c' || d.type === 'b') {
        rules.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: r.permissions });
      }
    }
  }
  return { devices, rules };
}

export function buildSpec(input: BuildSpecInput): BuiltSpec {
  const { options, image } = input;
  const imageConfig = image.config;
  const command = resolveCommand(imageConfig, options);
  const args = options.init ? [CONTAINER_INIT_PATH, '--', ...command.args] : command.args;
  const hostname = hostnameOf(input);
  const configEnv = mergeImageEnv(options.env, imageConfig?.Env);
  const workingDir = workingDirOf(options, image);
  const security = parseSecurityOpts(options.securityOpt);
  const capabilities = resolveCapabilities({
    capAdd: options.capAdd,
    capDrop: options.capDrop,
    privileged: options.privileged,
    callerBoundingSet: input.callerBoundingSet,
  });
  const { devices, rules } = devicesOf(input);
  const unconfinedPaths = options.privileged || security.unconfinedSystemPaths;

  const spec: Spec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: options.tty,
      user: { uid: 0, gid: 0, additionalGids: [] },
      args,
      env: containerEnv(configEnv, hostname, options.tty),
      cwd: workingDir,
      capabilities: {
        bounding: [...capabilities],
        effective: [...capabilities],
        permitted: [...capabilities],
        inheritable: [],
        ambient: [],
      },
      rlimits: buildRlimits(options.ulimits, input.callerHardLimits),
      noNewPrivileges: security.noNewPrivileges ?? false,
      oomScoreAdj: options.oomScoreAdj ?? 0,
    },
    root: { path: input.rootfs, readonly: options.readOnly },
    hostname,
    mounts: allMounts(input, userMounts(input)),
    annotations: { ...(options.annotations ?? {}) },
    linux: {
      namespaces: namespacesOf(input),
      resources: { devices: rules, ...buildResources(options, input.numCpus ?? Number.MAX_SAFE_INTEGER / 1e9) },
      maskedPaths: unconfinedPaths ? [] : [...DEFAULT_MASKED_PATHS],
      readonlyPaths: unconfinedPaths ? [] : [...DEFAULT_READONLY_PATHS],
      devices,
      cgroupsPath: `${(options.cgroupParent || DEFAULT_CGROUP_PARENT).replace(/\/+$/, '')}/${input.id}`,
    },
  };
  // A shared network namespace keeps its owner's settings.
  if (options.network === 'default' || options.network === 'none') spec.linux.sysctl = { ...DEFAULT_NETWORK_SYSCTLS };

  return {
    spec,
    userSpec: options.user || imageConfig?.User || '',
    entrypoint: command.entrypoint,
    cmd: command.cmd,
    env: configEnv,
    workingDir,
    labels: { ...(imageConfig?.Labels ?? {}), ...options.labels },
    stopSignal: options.stopSignal || imageConfig?.StopSignal || undefined,
  };
}
