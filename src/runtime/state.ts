/**
 * The state of one container, written atomically to
 * containers/<id>/state.json: the OCI runtime state (id, status, pid,
 * bundle) plus what Docker shows (name, image, times, exit code). The pid
 * is stored with its start time (field 22 of /proc/<pid>/stat), so a pid
 * reused by another process is never taken for the container.
 *
 * A state.json that does not parse, or lacks a field every container has,
 * is read as a `dead` record (recordFromText): the ID from its directory,
 * whatever else the file still shows, and the reason in `error`, as Docker
 * shows a container it cannot make sense of. Such a record is never written
 * back; `rm -f` removes it with what can be found.
 */
import * as fs from 'node:fs';
import { processStartTime } from '../sys/proc-stat';
import { OciStatus, RECORDED_STATUSES } from './status';
import { DEFAULT_CGROUP_PARENT } from './spec/defaults';
import type { ContainerConfig } from '../image/oci-types';

export interface ContainerState {
  ociVersion: string;
  id: string;
  status: OciStatus;
  pid?: number;
  pidStartTime?: string;
  bundle: string;
  annotations?: Record<string, string>;

  name: string;
  /** What the user typed (`busybox`), and the image ID it resolved to. */
  image: string;
  imageId: string;
  /** Top layer of the image: the container's rootfs stacks on it. */
  topLayer?: string;
  command: string[];
  /** The container's Config as Docker records it (image config + run options), for commit. */
  config?: ContainerConfig;
  created: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  oomKilled?: boolean;
  /** Docker's Restarting: stopped, with the restart policy waiting out its back-off (derived on every read, restart-pending.ts). */
  restarting?: boolean;
  /** Docker's State.Error: why a `dead` record could not be read. */
  error?: string;
  labels: Record<string, string>;
  autoRemove: boolean;
  restartCount: number;
  /** The run options that created the container, for inspect and restart. */
  hostConfig: HostConfigSummary;
  /** The volumes mounted in the container (Docker's MountPoints of type volume). */
  volumes?: VolumeMountPoint[];
  /** The container's cgroup (the spec's linux.cgroupsPath), kept here so that rm finds it without config.json. */
  cgroupsPath?: string;
}

export interface VolumeMountPoint {
  name: string;
  destination: string;
  /** Fill a volume that was never populated with the image's content at `destination` (not with volume-nocopy). */
  copyData: boolean;
}

export interface HostConfigSummary {
  networkMode: string;
  privileged: boolean;
  readonlyRootfs: boolean;
  tty: boolean;
  interactive: boolean;
  init: boolean;
  restartPolicy: { name: string; maximumRetryCount: number };
  portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  binds: string[];
  /** Anonymous volumes created for this container (removed by rm -v). */
  anonymousVolumes: string[];
  stopSignal?: string;
  stopTimeout?: number;
  /** Recorded since inspect shows Docker's whole HostConfig (absent in older records: Docker's defaults). */
  capAdd?: string[];
  capDrop?: string[];
  securityOpt?: string[];
  groupAdd?: string[];
  ipcMode?: string;
  cgroupParent?: string;
  /** --tmpfs: target -> options as typed. */
  tmpfs?: Record<string, string>;
  devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }>;
  /** The streams `run`/`create` attach (Config.AttachStdin/out/err; none for `run -d`). */
  attach?: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Docker's MountPoints (inspect's Mounts), in the order of the flags. */
  mounts?: MountPointRecord[];
}

/** One entry of inspect's Mounts, as Docker shows it. */
export interface MountPointRecord {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export { processStartTime };

/** True when the state's pid still names the container's process (same start time), and it is not a zombie. */
export function processIsContainer(state: Pick<ContainerState, 'pid' | 'pidStartTime'>): boolean {
  if (!state.pid || !state.pidStartTime) return false;
  if (processStartTime(state.pid) !== state.pidStartTime) return false;
  try {
    const stat = fs.readFileSync(`/proc/${state.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The cgroup of a container when neither its state nor its spec tells (build-spec.ts makes it so). */
export function conventionalCgroupPath(id: string): string {
  return `${DEFAULT_CGROUP_PARENT}/${id}`;
}

/**
 * Every cgroup the container may have, most trusted first: the one its state
 * recorded, its spec's (when config.json can be read), the convention's.
 * The first is the one to act on; removal takes them all (and rm -f of a
 * dead record kills what they hold), so only paths that end in the
 * container's own ID count: a damaged file never points rm at another
 * cgroup.
 */
export function cgroupPathsOf(state: Pick<ContainerState, 'id' | 'cgroupsPath'>, specPath: () => string | undefined): string[] {
  let fromSpec: string | undefined;
  try {
    fromSpec = specPath();
  } catch {
    fromSpec = undefined; // config.json is missing or damaged
  }
  const paths = [state.cgroupsPath, fromSpec, conventionalCgroupPath(state.id)];
  const own = (p: unknown): p is string => typeof p === 'string' && p.startsWith('/') && p.endsWith(`/${state.id}`);
  return [...new Set(paths.filter(own))];
}

export function defaultHostConfig(): HostConfigSummary {
  return {
    networkMode: 'none',
    privileged: false,
    readonlyRootfs: false,
    tty: false,
    interactive: false,
    init: false,
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    portBindings: {},
    binds: [],
    anonymousVolumes: [],
  };
}

type FieldCheck = (v: unknown) => boolean;
const isString: FieldCheck = (v) => typeof v === 'string';
const isObject: FieldCheck = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields every state has, and what they must be (the rest is optional). */
const REQUIRED: ReadonlyArray<[keyof ContainerState, FieldCheck]> = [
  ['id', isString],
  ['status', (v) => (RECORDED_STATUSES as readonly unknown[]).includes(v)],
  ['bundle', isString],
  ['name', isString],
  ['image', isString],
  ['imageId', isString],
  ['command', (v) => Array.isArray(v) && v.every(isString)],
  ['created', isString],
  ['labels', isObject],
  ['hostConfig', (v) => isObject(v) && isObject((v as HostConfigSummary).restartPolicy)],
];

/** What is wrong with a parsed state, or undefined when it is whole. */
function defectOf(value: unknown, id: string): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  for (const [field, ok] of REQUIRED) {
    if (!(field in record)) return `\`${field}\` is missing`;
    if (!ok(record[field])) return `\`${field}\` is invalid`;
  }
  return record.id === id ? undefined : `\`id\` is \`${String(record.id)}\`, not the directory's`;
}

/** Top-level string fields still legible in a file cut short (JSON.stringify(_, null, 2) puts them at two spaces). */
function legibleStrings(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of text.matchAll(/^ {2}"(\w+)": ("(?:[^"\\\n]|\\.)*"),?$/gm)) {
    if (m[1] in found) continue;
    try {
      found[m[1]] = JSON.parse(m[2]) as string;
    } catch {
      // a string cut in the middle of an escape
    }
  }
  return found;
}

export interface RecordSource {
  /** The container's ID: its directory's name. */
  id: string;
  /** The container's directory (its bundle). */
  dir: string;
  /** The state file, for the reason shown. */
  file: string;
  /** Creation time to show when the file does not tell (the directory's). */
  created: () => string;
}

/** The `dead` record of a container whose state cannot be read, from what `salvaged` still tells. */
export function deadRecord(source: RecordSource, reason: string, salvaged: Record<string, unknown> = {}): ContainerState {
  const text = (field: string): string | undefined => (typeof salvaged[field] === 'string' ? (salvaged[field] as string) : undefined);
  return {
    ociVersion: text('ociVersion') ?? '1.0.2',
    id: source.id,
    status: 'dead',
    bundle: source.dir,
    name: text('name') ?? '',
    image: text('image') ?? '',
    imageId: text('imageId') ?? '',
    command: [],
    created: text('created') ?? source.created(),
    labels: {},
    autoRemove: false,
    restartCount: 0,
    hostConfig: defaultHostConfig(),
    cgroupsPath: text('cgroupsPath'),
    error: `read container state \`${source.file}\`: ${reason}`,
  };
}

/** The state in a state.json's text: the record it holds, or the `dead` record of a damaged one. */
export function recordFromText(text: string, source: RecordSource): ContainerState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = text.trim() === '' ? 'the file is empty' : (err as Error).message;
    return deadRecord(source, reason, legibleStrings(text));
  }
  const defect = defectOf(parsed, source.id);
  if (defect) return deadRecord(source, defect, isObject(parsed) ? (parsed as Record<string, unknown>) : {});
  return parsed as ContainerState;
}
