/**
 * The part of the OCI runtime-spec config.json that berth writes and reads
 * (github.com/opencontainers/runtime-spec, config.md and config-linux.md).
 * Field names are the spec's; optional fields are left out when Docker
 * leaves them out.
 */

export const OCI_VERSION = '1.3.0';

export interface Spec {
  ociVersion: string;
  process: Process;
  root: Root;
  hostname: string;
  mounts: Mount[];
  annotations: Record<string, string>;
  linux: Linux;
}

export interface Process {
  terminal: boolean;
  user: User;
  args: string[];
  env: string[];
  cwd: string;
  capabilities: Capabilities;
  rlimits: Rlimit[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface User {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids: number[];
}

export interface Capabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable: string[];
  ambient: string[];
}

/**
 * `type` is RLIMIT_NOFILE etc. The spec's values are uint64; berth keeps
 * them as numbers with RLIM_UNLIMITED (-1) standing for RLIM_INFINITY, and
 * serializeSpec() writes 18446744073709551615 for it.
 */
export interface Rlimit {
  type: string;
  soft: number;
  hard: number;
}

export const RLIM_UNLIMITED = -1;

export interface Root {
  path: string;
  readonly: boolean;
}

export interface Mount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'time';

export interface Namespace {
  type: NamespaceType;
  path?: string;
}

/** A rule of the device cgroup; no `type` (or 'a') means every device, -1 or absent major/minor means any. */
export interface DeviceCgroupRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b';
  major?: number;
  minor?: number;
  access?: string;
}

export interface Memory {
  limit?: number;
  reservation?: number;
  swap?: number;
}

export interface Cpu {
  shares?: number;
  quota?: number;
  period?: number;
  cpus?: string;
  mems?: string;
}

export interface Resources {
  devices: DeviceCgroupRule[];
  memory?: Memory;
  cpu?: Cpu;
  pids?: { limit: number };
}

/** A device node to create in the container's /dev. */
export interface Device {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface Linux {
  namespaces: Namespace[];
  resources: Resources;
  maskedPaths: string[];
  readonlyPaths: string[];
  devices: Device[];
  cgroupsPath: string;
  sysctl?: Record<string, string>;
}

const RLIM_INFINITY_TEXT = '18446744073709551615';
const UNLIMITED_MARK = '\u0000rlim-infinity\u0000';

/** config.json text for a spec, with RLIM_UNLIMITED written as the spec's uint64 RLIM_INFINITY. */
export function serializeSpec(spec: Spec): string {
  const text = JSON.stringify(
    spec,
    function replace(this: unknown, key: string, value: unknown) {
      if ((key === 'soft' || key === 'hard') && value === RLIM_UNLIMITED) return UNLIMITED_MARK;
      return value;
    },
    2,
  );
  return text.split(JSON.stringify(UNLIMITED_MARK)).join(RLIM_INFINITY_TEXT);
}
