/**
 * The `run`/`create` flags as the CLI hands them to buildSpec: values the
 * CLI has already parsed (sizes, CPUs, mounts with volumes resolved to host
 * paths, -e/--env-file entries read and looked up) and flag strings that
 * buildSpec parses itself (ulimits, tmpfs, devices, security options).
 */
import type { Propagation } from './parse-mounts';

/** `container:<id>`: share that container's network namespace (the CLI resolves a name to the id). */
export type NetworkMode = 'none' | 'host' | 'default' | `container:${string}`;

/** --ipc: Docker's modes; `container:<id>` shares that container's IPC namespace. */
export type IpcMode = 'private' | 'shareable' | 'host' | `container:${string}`;

/**
 * A -v or --mount as buildSpec takes it. The CLI leaves a volume's `source`
 * as its name ('' for an anonymous one); container create turns it into
 * the volume's host directory (api/containers/volume-mounts.ts).
 */
export interface ResolvedMount {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path; a volume's name before container create resolves it; '' for tmpfs. */
  source: string;
  destination: string;
  readonly: boolean;
  /** Binds: Docker's default is rprivate; volumes carry none. */
  propagation?: Propagation;
  /** bind-recursive=disabled: MS_BIND without MS_REC. */
  nonRecursive?: boolean;
  /** tmpfs: the merged mount options (tmpfsRequestOptions); Docker's defaults when absent. */
  options?: string[];
  /** Volumes: volume-nocopy, do not fill a new volume with the image's content. */
  noCopy?: boolean;
}

export interface RunOptions {
  name?: string;
  /** -h; default: the first 12 characters of the ID (the host's name with --network host). */
  hostname?: string;
  /** -u `name|uid[:group|gid]`; the image's USER when absent or empty. */
  user?: string;
  /** --group-add */
  groupAdd?: string[];
  /** -w; must be absolute. */
  workdir?: string;
  /** --env-file entries then -e entries, in order, `K` alone already looked up by the caller (parseEnvFlag). */
  env: string[];
  /** --entrypoint as typed; '' resets the image's. */
  entrypoint?: string;
  /** The arguments after the image. */
  cmd: string[];
  tty: boolean;
  interactive: boolean;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  /** --security-opt values (parseSecurityOpts). */
  securityOpt: string[];
  /** --ulimit values, e.g. 'nofile=1024:2048'. */
  ulimits: string[];
  /** --read-only */
  readOnly: boolean;
  /** --tmpfs values, e.g. '/run:rw,size=64m'. */
  tmpfs: string[];
  mounts: ResolvedMount[];
  /** --device values, e.g. '/dev/fuse' or '/dev/sda:/dev/xvda:r'. */
  devices: string[];
  /** Bytes (parseMemoryBytes). */
  memory?: number;
  memoryReservation?: number;
  /** Bytes, or -1 for unlimited swap (parseMemorySwap); default twice --memory. */
  memorySwap?: number;
  /** --cpus in nano-CPUs (parseCpus). */
  nanoCpus?: number;
  cpuShares?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  /** --pids-limit; 0 or negative means unlimited. */
  pidsLimit?: number;
  /** --shm-size in bytes; default 64 MiB. */
  shmSize?: number;
  network: NetworkMode;
  /** Default: a private IPC namespace. */
  ipc?: IpcMode;
  labels: Record<string, string>;
  /** --init: run the init binary as PID 1 in front of the command. */
  init: boolean;
  stopSignal?: string;
  /** --stop-timeout: seconds `stop` waits before SIGKILL when it is not given -t (Docker's default 10). */
  stopTimeout?: number;
  cgroupParent?: string;
  oomScoreAdj?: number;
  annotations?: Record<string, string>;
}

/** RunOptions with every flag at its default, for `berth run IMAGE`. */
export function defaultRunOptions(): RunOptions {
  return {
    env: [],
    cmd: [],
    tty: false,
    interactive: false,
    privileged: false,
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    ulimits: [],
    readOnly: false,
    tmpfs: [],
    mounts: [],
    devices: [],
    network: 'default',
    labels: {},
    init: false,
  };
}
