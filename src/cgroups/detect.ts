/**
 * Which cgroup version manages this machine, decided by controller
 * OWNERSHIP: a controller bound to a v1 hierarchy (non-zero hierarchy id in
 * /proc/cgroups, a `cgroup` mount listing it in mountinfo) is managed by v1
 * even when a cgroup2 mount exists beside it (the "hybrid" layout, where the
 * unified mount may hold nothing or only e.g. hugetlb). Only when no real
 * controller is bound to v1 is the machine v2. A v1 mount with only
 * `name=systemd` does not make a machine v1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupManager } from './manager';
import { CgroupError } from './files';
import { V1CgroupManager } from './v1/manager';
import { V2CgroupManager } from './v2/manager';

export interface CgroupLayout {
  version: 1 | 2;
  /** v1: controller (or `name=...` hierarchy) -> mount point; empty on v2. */
  mounts: Record<string, string>;
  /** The cgroup2 mount point: the whole tree on v2, the hybrid extra on v1. */
  unified?: string;
}

export interface MountinfoEntry {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/** Mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** proc(5): `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`. */
export function parseMountinfo(text: string): MountinfoEntry[] {
  const entries: MountinfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (separator < 0 || fields.length < separator + 4) continue;
    entries.push({
      root: unescapeMountField(fields[3]),
      mountPoint: unescapeMountField(fields[4]),
      fsType: fields[separator + 1],
      superOptions: fields[separator + 3].split(','),
    });
  }
  return entries;
}

/** /proc/cgroups: controller -> hierarchy id (0: not bound to a v1 hierarchy) for enabled controllers. */
export function parseProcCgroups(text: string): Map<string, number> {
  const hierarchies = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [name, hierarchy, , enabled] = line.trim().split(/\s+/);
    if (enabled === '1') hierarchies.set(name, Number(hierarchy));
  }
  return hierarchies;
}

// Used only when /proc/cgroups is missing, to tell controllers from mount options.
const KNOWN_V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids',
  'net_cls', 'net_prio', 'perf_event', 'hugetlb', 'rdma', 'misc',
]);

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function detectLayout(procRoot = '/proc'): CgroupLayout {
  const mountinfoFile = path.join(procRoot, 'self/mountinfo');
  let mountinfo: string;
  try {
    mountinfo = fs.readFileSync(mountinfoFile, 'utf8');
  } catch (err) {
    throw new CgroupError(`detect cgroups: read \`${mountinfoFile}\`: ${(err as Error).message}`, { cause: err });
  }
  const procCgroups = readIfExists(path.join(procRoot, 'cgroups'));
  const hierarchies = procCgroups === undefined ? undefined : parseProcCgroups(procCgroups);
  const isV1Controller = (option: string): boolean =>
    hierarchies ? (hierarchies.get(option) ?? 0) > 0 : KNOWN_V1_CONTROLLERS.has(option);

  const mounts: Record<string, string> = {};
  const unifiedMounts: MountinfoEntry[] = [];
  // A hierarchy mounted twice (bind mounts, a sub-tree shown at its own
  // mount point) is taken from a mount of its root.
  for (const entry of parseMountinfo(mountinfo)) {
    if (entry.fsType === 'cgroup2' && entry.root === '/') unifiedMounts.push(entry);
    if (entry.fsType !== 'cgroup' || entry.root !== '/') continue;
    for (const option of entry.superOptions) {
      if ((option.startsWith('name=') || isV1Controller(option)) && !(option in mounts)) {
        mounts[option] = entry.mountPoint;
      }
    }
  }
  const unified = (unifiedMounts.find((m) => m.mountPoint === '/sys/fs/cgroup') ?? unifiedMounts[0])?.mountPoint;
  const ownedByV1 = Object.keys(mounts).some((name) => !name.startsWith('name='));
  if (ownedByV1) return unified ? { version: 1, mounts, unified } : { version: 1, mounts };
  if (unified) return { version: 2, mounts: {}, unified };
  throw new CgroupError('detect cgroups: no cgroup hierarchy is mounted', {
    hint: 'mount cgroup2 on /sys/fs/cgroup (or the v1 controllers below it)',
  });
}

/** The manager for the container cgroup `cgroupPath` (e.g. `/berth/<id>`) on this layout. */
export function cgroupManager(layout: CgroupLayout, cgroupPath: string): CgroupManager {
  if (layout.version === 1) return new V1CgroupManager(layout.mounts, cgroupPath);
  if (!layout.unified) throw new CgroupError('use cgroup v2: the layout has no unified mount point');
  return new V2CgroupManager(layout.unified, cgroupPath);
}
