/**
 * Docker's `container inspect` document: every key dockerd 20.10 gives, in
 * its order, with Docker's empty value (``, 0, null, [] or {}) where berth
 * has nothing to put. Values come from the state (what Docker records at
 * create, recorded-flags.ts), the bundle's spec (limits, which `update`
 * changes there) and the container's Config as created (container-config.ts).
 * Where berth does a thing its own way, the document says so rather than
 * Docker's word: CgroupnsMode `private` (every container has its own cgroup
 * namespace), Runtime `berth`, GraphDriver paths of berth's data root.
 */
import { ContainerState, MountPointRecord } from '../../runtime/state';
import { dockerStateOf } from '../../runtime/status';
import { readSpec } from '../../runtime/start';
import { bundleLowerDirs, bundlePaths } from '../../runtime/spec-to-init';
import { logPath } from '../../runtime/exit-file';
import type { Spec } from '../../runtime/spec/types';
import type { ContainerConfig, ImageConfig } from '../../image/oci-types';
import { containerConfigOf } from './container-config';

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: Record<string, unknown>;
  GraphDriver: { Data: Record<string, string>; Name: string };
  Mounts: MountPointRecord[];
  Config: Record<string, unknown>;
  NetworkSettings: Record<string, unknown>;
}

/** What inspect needs besides the state: the image's config and layers (both may be gone after `rmi -f`). */
export interface InspectSources {
  imageConfig: () => ImageConfig | undefined;
  imageLowerDirs: () => string[];
  /** A volume's `_data` directory (for records made before create recorded the mounts). */
  volumeSource: (name: string) => string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
/** Docker's storage driver name for what berth does: one overlay mount over a stack of layer directories. */
export const STORAGE_DRIVER = 'overlay2';

function readSpecOrUndefined(bundle: string): Spec | undefined {
  try {
    return readSpec(bundle);
  } catch {
    return undefined;
  }
}

function orNull<T>(list: readonly T[] | undefined): T[] | null {
  return list && list.length > 0 ? [...list] : null;
}

/** /dev/shm's size= option in the spec, in bytes. */
function shmSizeOf(spec: Spec | undefined): number {
  const shm = spec?.mounts.find((m) => m.destination === '/dev/shm');
  const size = shm?.options.find((o) => o.startsWith('size='));
  return size ? Number(size.slice('size='.length)) || DEFAULT_SHM_SIZE : DEFAULT_SHM_SIZE;
}

/** Mount points of records made before create recorded them: the binds and volumes berth kept. */
function legacyMounts(state: ContainerState, volumeSource: (name: string) => string): MountPointRecord[] {
  const binds = state.hostConfig.binds.map((bind): MountPointRecord => {
    const [source, destination, mode = ''] = bind.split(':');
    return { Type: 'bind', Source: source, Destination: destination, Mode: mode, RW: mode !== 'ro', Propagation: 'rprivate' };
  });
  const anonymous = new Set(state.hostConfig.anonymousVolumes);
  const volumes = (state.volumes ?? []).map((v): MountPointRecord => {
    let source = '';
    try {
      source = volumeSource(v.name);
    } catch {
      // the volume is gone
    }
    const mode = anonymous.has(v.name) ? '' : 'z';
    return { Type: 'volume', Name: v.name, Source: source, Destination: v.destination, Driver: 'local', Mode: mode, RW: true, Propagation: '' };
  });
  return [...binds, ...volumes];
}

/** HostConfig.Binds: the -v binds and named volumes, `SOURCE:TARGET[:ro]`. */
function bindsOf(mounts: readonly MountPointRecord[], state: ContainerState): string[] | null {
  if (state.hostConfig.mounts === undefined) return orNull(state.hostConfig.binds);
  const binds = mounts
    .filter((m) => m.Type === 'bind' || (m.Type === 'volume' && m.Mode !== ''))
    .map((m) => `${m.Type === 'bind' ? m.Source : m.Name}:${m.Destination}${m.RW ? '' : ':ro'}`);
  return orNull(binds);
}

function hostConfigOf(state: ContainerState, spec: Spec | undefined, mounts: readonly MountPointRecord[]): Record<string, unknown> {
  const h = state.hostConfig;
  const resources = spec?.linux.resources;
  const cpu = resources?.cpu;
  const nanoCpus = cpu?.quota && cpu.period ? Math.round((cpu.quota * 1e9) / cpu.period) : 0;
  const ulimits = (spec?.process.rlimits ?? []).map((r) => ({
    Name: r.type.replace(/^RLIMIT_/, '').toLowerCase(),
    Hard: r.hard,
    Soft: r.soft,
  }));
  const doc: Record<string, unknown> = {
    Binds: bindsOf(mounts, state),
    ContainerIDFile: '',
    LogConfig: { Type: 'json-file', Config: {} },
    NetworkMode: h.networkMode,
    PortBindings: h.portBindings ?? {},
    RestartPolicy: { Name: h.restartPolicy.name, MaximumRetryCount: h.restartPolicy.maximumRetryCount },
    AutoRemove: state.autoRemove,
    VolumeDriver: '',
    VolumesFrom: null,
    CapAdd: orNull(h.capAdd),
    CapDrop: orNull(h.capDrop),
    CgroupnsMode: 'private',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: orNull(h.groupAdd),
    IpcMode: h.ipcMode ?? 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: spec?.process.oomScoreAdj ?? 0,
    PidMode: '',
    Privileged: h.privileged,
    PublishAllPorts: false,
    ReadonlyRootfs: h.readonlyRootfs,
    SecurityOpt: orNull(h.securityOpt),
  };
  if (h.tmpfs) doc.Tmpfs = { ...h.tmpfs };
  Object.assign(doc, {
    UTSMode: '',
    UsernsMode: '',
    ShmSize: shmSizeOf(spec),
    Runtime: 'berth',
    ConsoleSize: [0, 0],
    Isolation: '',
    CpuShares: cpu?.shares ?? 0,
    Memory: resources?.memory?.limit ?? 0,
    NanoCpus: nanoCpus,
    CgroupParent: h.cgroupParent ?? '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: nanoCpus ? 0 : cpu?.period ?? 0,
    CpuQuota: nanoCpus ? 0 : cpu?.quota ?? 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: cpu?.cpus ?? '',
    CpusetMems: cpu?.mems ?? '',
    Devices: h.devices ?? [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    KernelMemory: 0,
    KernelMemoryTCP: 0,
    MemoryReservation: resources?.memory?.reservation ?? 0,
    MemorySwap: resources?.memory?.swap ?? 0,
    MemorySwappiness: null,
    OomKillDisable: false,
    PidsLimit: resources?.pids?.limit ?? null,
    Ulimits: ulimits,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: orNull(spec?.linux.maskedPaths),
    ReadonlyPaths: orNull(spec?.linux.readonlyPaths),
  });
  if (h.init) doc.Init = true;
  return doc;
}

/** Docker's container Config: the recorded one (image config + run options), in Docker's key order. */
function configOf(state: ContainerState, spec: Spec | undefined, image: ImageConfig | undefined): Record<string, unknown> {
  const c: ContainerConfig = containerConfigOf(state, spec, image ?? { architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] } });
  const attach = state.hostConfig.attach ?? { stdin: state.hostConfig.interactive, stdout: true, stderr: true };
  const doc: Record<string, unknown> = {
    Hostname: spec?.hostname ?? '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: attach.stdin,
    AttachStdout: attach.stdout,
    AttachStderr: attach.stderr,
  };
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length > 0) doc.ExposedPorts = c.ExposedPorts;
  Object.assign(doc, {
    Tty: state.hostConfig.tty,
    OpenStdin: state.hostConfig.interactive,
    StdinOnce: state.hostConfig.interactive && attach.stdin,
    Env: c.Env ?? [],
    Cmd: c.Cmd ?? null,
  });
  if (c.Healthcheck) doc.Healthcheck = c.Healthcheck;
  Object.assign(doc, {
    Image: state.image,
    Volumes: c.Volumes && Object.keys(c.Volumes).length > 0 ? c.Volumes : null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? {},
  });
  if (c.StopSignal) doc.StopSignal = c.StopSignal;
  if (state.hostConfig.stopTimeout !== undefined) doc.StopTimeout = state.hostConfig.stopTimeout;
  if (c.Shell && c.Shell.length > 0) doc.Shell = c.Shell;
  return doc;
}

/** No network of berth has an ID or an address yet: Docker's empty endpoint under the mode's name. */
function networkSettingsOf(state: ContainerState): Record<string, unknown> {
  const mode = state.hostConfig.networkMode;
  const networks: Record<string, unknown> = {};
  if (!mode.startsWith('container:')) {
    networks[mode] = {
      IPAMConfig: null,
      Links: null,
      Aliases: null,
      NetworkID: '',
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: '',
      DriverOpts: null,
    };
  }
  return {
    Bridge: '',
    SandboxID: '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: {},
    SandboxKey: '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: networks,
  };
}

export function inspectContainer(state: ContainerState, sources: InspectSources): ContainerInspect {
  const spec = readSpecOrUndefined(state.bundle);
  const status = dockerStateOf(state);
  const paths = bundlePaths(state.bundle);
  // Docker fills these in when it first starts the container (and sets up its network and log).
  const started = state.startedAt !== undefined;
  const mounts = state.hostConfig.mounts ?? legacyMounts(state, sources.volumeSource);
  return {
    Id: state.id,
    Created: state.created,
    Path: state.command[0] ?? '',
    Args: state.command.slice(1),
    State: {
      Status: status,
      Running: status === 'running' || status === 'paused' || status === 'restarting',
      Paused: status === 'paused',
      Restarting: status === 'restarting',
      OOMKilled: Boolean(state.oomKilled),
      Dead: status === 'dead',
      Pid: state.pid ?? 0,
      ExitCode: state.exitCode ?? 0,
      Error: state.error ?? '',
      StartedAt: state.startedAt ?? ZERO_TIME,
      FinishedAt: state.finishedAt ?? ZERO_TIME,
    },
    Image: state.imageId,
    ResolvConfPath: started ? `${state.bundle}/resolv.conf` : '',
    HostnamePath: started ? `${state.bundle}/hostname` : '',
    HostsPath: started ? `${state.bundle}/hosts` : '',
    LogPath: started ? logPath(state.bundle, state.id) : '',
    Name: `/${state.name}`,
    RestartCount: state.restartCount,
    Driver: STORAGE_DRIVER,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: hostConfigOf(state, spec, mounts),
    GraphDriver: {
      Data: {
        LowerDir: bundleLowerDirs(state.bundle, sources.imageLowerDirs()).join(':'),
        MergedDir: paths.rootfs,
        UpperDir: paths.upper,
        WorkDir: paths.work,
      },
      Name: STORAGE_DRIVER,
    },
    Mounts: mounts.map((m) => ({ ...m })),
    Config: configOf(state, spec, sources.imageConfig()),
    NetworkSettings: networkSettingsOf(state),
  };
}
