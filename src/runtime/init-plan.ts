/**
 * The init plan: what the CLI tells native/berth-init on its fd 3 (runtime-design.md, "Plan format").
 *
 *   plan    = record* "end=1" NUL          then one more byte, GO_BYTE, written after the cgroup join
 *   record  = key "=" value NUL            value: any bytes but NUL (UTF-8 here)
 *   order   = rootfs cwd arg* env* uid gid group* nonewprivs? cap.bounding cap.effective cap.permitted
 *             cap.inheritable cap.ambient rlimit* mask* readonly* proc? cgroupns? cgroupfs-records? pdeathsig?
 *             rootfs.readonly? trace? tty? exec? setns.<kind>* detach?
 *   cgroupfs-records = "cgroupfs=" destination  "cgroupfs.readonly=1"?  ("cgroupfs.v1=" dir ":" options)*
 *             ("cgroupfs.link=" name ":" target)*     no cgroupfs.v1 record: one cgroup2 mount (v2)
 *   exec mode (`berth exec`): exec=1 ("setns." kind "=" fd)* [detach=1], kind in pid net uts ipc cgroup mnt (mnt
 *             always); no rootfs record: berth-init joins the namespaces open at those fds of its own instead of
 *             building any, then forks the command into the PID namespace (see native/berth-init.c)
 *   cap.*   = lower-case hex bitmask (bit n = capability n)      rlimit = NAME ":" soft ":" hard
 *   soft, hard = decimal | "unlimited"                           flags are written only when set, as "=1"
 *
 * berth-init answers failures on fd 4 with one line `errno TAB step TAB detail`.
 */
import { ExitCode } from '../errors/exit-codes';
import { UsageError } from '../errors/kinds';
import { CAPABILITIES, capabilitiesInMask } from './spec/capabilities';
import type { NamespaceKind } from '../sys/namespaces';

export { CAPABILITIES };

export interface InitPlan {
  rootfs: string;
  cwd: string;
  args: string[];
  env: string[];
  uid: number;
  gid: number;
  groups: number[];
  noNewPrivileges: boolean;
  capabilities: { bounding: bigint; effective: bigint; permitted: bigint; inheritable: bigint; ambient: bigint };
  /** `type` as OCI spells it ('RLIMIT_NOFILE'); Infinity means unlimited. */
  rlimits: Array<{ type: string; soft: number; hard: number }>;
  maskedPaths: string[];
  readonlyPaths: string[];
  mountProc: boolean;
  cgroupNamespace: boolean;
  /** The cgroup filesystem at its destination, mounted by berth-init once it is in its cgroup namespace. */
  cgroupMount?: CgroupMountPlan;
  parentDeathSignal?: number;
  readonlyRootfs: boolean;
  /** berth-init prints each step to stderr before doing it (tests). */
  trace?: boolean;
  /** fd 0 is a pty slave: berth-init makes it the controlling terminal (setsid, TIOCSCTTY). */
  tty?: boolean;
  /**
   * Exec mode: run in an existing container. berth-init joins the namespaces open at these fds of its own (inherited,
   * above 4; `mnt` is required) and skips proc/pivot_root/masks/read-only steps; `rootfs` is not sent.
   */
  execNamespaces?: Partial<Record<NamespaceKind, number>>;
  /** Exec mode: fork once more so the command is orphaned inside the container (reaped by its PID 1). */
  detach?: boolean;
}

/**
 * /sys/fs/cgroup as runc mounts it for a container with its own cgroup namespace. v1: a tmpfs, one cgroup
 * mount per hierarchy in a directory named as on the host (`cpu,cpuacct`, `systemd`), and a symlink per
 * co-mounted controller (`cpu` -> `cpu,cpuacct`); v2 (no hierarchies): one cgroup2 mount.
 */
export interface CgroupMountPlan {
  destination: string;
  readonly: boolean;
  /** v1 only. `options` is the mount data naming the hierarchy: `cpu,cpuacct`, `name=systemd`. */
  hierarchies: Array<{ directory: string; options: string }>;
  links: Array<{ name: string; target: string }>;
}

export interface InitError {
  errno: number;
  step: string;
  detail: string;
}

/** The byte that lets berth-init go on once the CLI has put it in its cgroup. */
export const GO_BYTE: Buffer = Buffer.from('g');

/** Resource names berth-init knows, without the RLIMIT_ prefix. */
const RLIMITS = new Set([
  'CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NPROC', 'NOFILE', 'MEMLOCK', 'AS', 'LOCKS', 'SIGPENDING',
  'MSGQUEUE', 'NICE', 'RTPRIO', 'RTTIME',
]);

const U64_LIMIT = 1n << 64n;

function invalid(message: string): UsageError {
  return new UsageError(message, { exitCode: ExitCode.RuntimeFailure });
}

/**
 * ['CAP_CHOWN', 'net_raw', 'ALL'] -> bitmask. Like Docker, the prefix and case are optional and
 * `ALL` means every capability.
 */
export function capabilityMask(names: string[]): bigint {
  let mask = 0n;
  for (const name of names) {
    const upper = name.toUpperCase();
    if (upper === 'ALL') {
      mask |= (1n << BigInt(CAPABILITIES.length)) - 1n;
      continue;
    }
    const bit = CAPABILITIES.indexOf(upper.startsWith('CAP_') ? upper : `CAP_${upper}`);
    if (bit < 0) throw invalid(`unknown capability: "${name}"`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** Bitmask -> names in capability-number order; bits beyond CAP_LAST_CAP have no name and are left out. */
export const capabilityNames = capabilitiesInMask;

function record(key: string, value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) throw invalid(`encode init plan: \`${key}\` holds a NUL byte`);
  return `${key}=${text}\0`;
}

function absolute(key: string, path: string): string {
  if (!path.startsWith('/')) throw invalid(`encode init plan: \`${key}\` must be an absolute path, got \`${path}\``);
  return record(key, path);
}

function id(key: string, value: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= 0xffffffff) {
    throw invalid(`encode init plan: \`${key}\` must be an id in 0..4294967294, got \`${value}\``);
  }
  return record(key, value);
}

function capabilities(key: string, mask: bigint): string {
  if (mask < 0n || mask >= U64_LIMIT) throw invalid(`encode init plan: \`${key}\` is not a 64-bit mask`);
  return record(key, mask.toString(16));
}

function limit(type: string, value: number): string {
  if (value === Infinity) return 'unlimited';
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(`encode init plan: rlimit \`${type}\` has bad value \`${value}\``);
  return String(value);
}

function rlimit(entry: { type: string; soft: number; hard: number }): string {
  const name = entry.type.toUpperCase().replace(/^RLIMIT_/, '');
  if (!RLIMITS.has(name)) throw invalid(`encode init plan: unknown rlimit \`${entry.type}\``);
  return record('rlimit', `${name}:${limit(entry.type, entry.soft)}:${limit(entry.type, entry.hard)}`);
}

/** A single path component: no slash, no colon (the record separator), not `.` or `..`. */
function component(key: string, name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/:]/.test(name)) {
    throw invalid(`encode init plan: \`${key}\` needs a plain file name, got \`${name}\``);
  }
  return name;
}

function cgroupMountRecords(m: CgroupMountPlan): string[] {
  const records = [absolute('cgroupfs', m.destination)];
  if (m.readonly) records.push(record('cgroupfs.readonly', 1));
  for (const h of m.hierarchies) {
    if (!/^[A-Za-z0-9_=,.-]+$/.test(h.options)) throw invalid(`encode init plan: bad cgroup hierarchy options \`${h.options}\``);
    records.push(record('cgroupfs.v1', `${component('cgroupfs.v1', h.directory)}:${h.options}`));
  }
  for (const l of m.links) records.push(record('cgroupfs.link', `${component('cgroupfs.link', l.name)}:${component('cgroupfs.link', l.target)}`));
  return records;
}

/** setns.<kind>=<fd> in a fixed order; berth-init joins them in its own (the mount namespace last). */
const EXEC_NAMESPACES: NamespaceKind[] = ['pid', 'net', 'uts', 'ipc', 'cgroup', 'mnt'];

function namespaceRecords(fds: Partial<Record<NamespaceKind, number>>): string[] {
  if (fds.mnt === undefined) throw invalid('encode init plan: exec mode needs the mount namespace');
  return EXEC_NAMESPACES.filter((kind) => fds[kind] !== undefined).map((kind) => {
    const fd = fds[kind]!;
    if (!Number.isInteger(fd) || fd <= 4) throw invalid(`encode init plan: the ${kind} namespace fd must be above 4, got \`${fd}\``);
    return record(`setns.${kind}`, fd);
  });
}

/** The plan's records, ending with `end=1\0`; the caller writes GO_BYTE later. */
export function encodeInitPlan(plan: InitPlan): Buffer {
  if (plan.args.length === 0) throw invalid('encode init plan: no command given');
  const caps = plan.capabilities;
  // The kernel refuses these at capset/PR_CAP_AMBIENT_RAISE time; say so before spawning anything.
  if ((caps.effective & ~caps.permitted) !== 0n) throw invalid('encode init plan: effective capabilities must be permitted');
  if ((caps.ambient & ~(caps.permitted & caps.inheritable)) !== 0n) {
    throw invalid('encode init plan: ambient capabilities must be permitted and inheritable');
  }
  const exec = plan.execNamespaces !== undefined;
  const records: string[] = [
    ...(exec ? [] : [absolute('rootfs', plan.rootfs)]),
    absolute('cwd', plan.cwd),
    ...plan.args.map((arg) => record('arg', arg)),
    ...plan.env.map((entry) => record('env', entry)),
    id('uid', plan.uid),
    id('gid', plan.gid),
    ...plan.groups.map((group) => id('group', group)),
  ];
  if (plan.noNewPrivileges) records.push(record('nonewprivs', 1));
  records.push(
    capabilities('cap.bounding', caps.bounding),
    capabilities('cap.effective', caps.effective),
    capabilities('cap.permitted', caps.permitted),
    capabilities('cap.inheritable', caps.inheritable),
    capabilities('cap.ambient', caps.ambient),
    ...plan.rlimits.map(rlimit),
    ...plan.maskedPaths.map((path) => absolute('mask', path)),
    ...plan.readonlyPaths.map((path) => absolute('readonly', path)),
  );
  if (plan.mountProc) records.push(record('proc', 1));
  if (plan.cgroupNamespace) records.push(record('cgroupns', 1));
  // Exec mode joins a running container: its /sys/fs/cgroup is already in place.
  if (plan.cgroupMount && !exec) records.push(...cgroupMountRecords(plan.cgroupMount));
  if (plan.parentDeathSignal !== undefined) {
    const signal = plan.parentDeathSignal;
    if (!Number.isInteger(signal) || signal < 1 || signal > 64) throw invalid(`encode init plan: bad parent death signal \`${signal}\``);
    records.push(record('pdeathsig', signal));
  }
  if (plan.readonlyRootfs) records.push(record('rootfs.readonly', 1));
  if (plan.trace) records.push(record('trace', 1));
  if (plan.tty) records.push(record('tty', 1));
  if (exec) records.push(record('exec', 1), ...namespaceRecords(plan.execNamespaces!));
  if (plan.detach) {
    if (!exec) throw invalid('encode init plan: `detach` is for exec mode only');
    records.push(record('detach', 1));
  }
  records.push(record('end', 1));
  return Buffer.from(records.join(''), 'utf8');
}

/** One line from fd 4 (`errno TAB step TAB detail`, newline optional), or undefined if it is not one. */
export function parseInitError(line: string): InitError | undefined {
  const match = /^(\d+)\t([^\t\n]+)\t([^\n]*)\n?$/.exec(line);
  if (!match) return undefined;
  return { errno: Number(match[1]), step: match[2], detail: match[3] };
}
