/**
 * cgroup v1: one directory per hierarchy (controllers may be co-mounted,
 * e.g. cpu,cpuacct, in which case they share a directory). The container
 * joins every mounted hierarchy, named ones (name=systemd) included, as
 * runc and Docker's cgroupfs driver do.
 */
import * as path from 'node:path';
import type { CgroupManager, CgroupStats, Resources } from '../manager';
import {
  CgroupError,
  makeCgroupDir,
  parseCgroupNumber,
  parseKeyedFile,
  pollUntil,
  readCgroupFile,
  readProcsTree,
  removeCgroupDir,
  validateCgroupPath,
  writeCgroupFile,
} from '../files';
import { applyV1Resources } from './resources';

const FREEZE_TIMEOUT_MS = 5000;
// v1 reports "no limit" as PAGE_COUNTER_MAX pages (0x7ffffffffffff000 on 4 KiB pages).
const V1_UNLIMITED = 2 ** 62;

export class V1CgroupManager implements CgroupManager {
  readonly version = 1 as const;

  constructor(
    private readonly mounts: Readonly<Record<string, string>>,
    readonly path: string,
  ) {
    validateCgroupPath(path);
  }

  /** The container's directory in `controller`'s hierarchy, or undefined if it is not mounted. */
  dirOf(controller: string): string | undefined {
    const mount = this.mounts[controller];
    return mount === undefined ? undefined : path.join(mount, this.path);
  }

  /** One directory per hierarchy (co-mounted controllers share one). */
  dirs(): string[] {
    return [...new Set(Object.values(this.mounts))].map((mount) => path.join(mount, this.path));
  }

  create(): void {
    for (const dir of this.dirs()) makeCgroupDir(dir);
    const cpusetMount = this.mounts.cpuset;
    if (cpusetMount) fillCpuset(cpusetMount, this.path);
  }

  apply(resources: Resources): void {
    applyV1Resources((controller) => this.dirOf(controller), resources);
  }

  join(pid: number): void {
    // cpuset first: a task cannot enter a cpuset with no cpus, so fail early there.
    const dirs = this.dirs();
    const cpuset = this.dirOf('cpuset');
    const ordered = cpuset ? [cpuset, ...dirs.filter((d) => d !== cpuset)] : dirs;
    for (const dir of ordered) writeCgroupFile(dir, 'cgroup.procs', String(pid));
  }

  pids(): number[] {
    const dir = this.dirOf('pids') ?? this.dirOf('freezer') ?? this.dirOf('memory') ?? this.dirs()[0];
    if (!dir) throw new CgroupError(`list processes of cgroup \`${this.path}\`: no cgroup hierarchy is mounted`);
    return readProcsTree(dir);
  }

  freeze(): void {
    const dir = this.freezerDir('freeze');
    const frozen = (): boolean => readCgroupFile(dir, 'freezer.state') === 'FROZEN';
    writeCgroupFile(dir, 'freezer.state', 'FROZEN');
    // FREEZING can stick while tasks fork: write FROZEN again on each poll.
    if (!pollUntil(frozen, FREEZE_TIMEOUT_MS, () => writeCgroupFile(dir, 'freezer.state', 'FROZEN'))) {
      writeCgroupFile(dir, 'freezer.state', 'THAWED');
      throw new CgroupError(`freeze cgroup \`${dir}\`: still FREEZING after ${FREEZE_TIMEOUT_MS} ms`);
    }
  }

  thaw(): void {
    const dir = this.freezerDir('thaw');
    writeCgroupFile(dir, 'freezer.state', 'THAWED');
    if (!pollUntil(() => readCgroupFile(dir, 'freezer.state') === 'THAWED', FREEZE_TIMEOUT_MS)) {
      throw new CgroupError(`thaw cgroup \`${dir}\`: not THAWED after ${FREEZE_TIMEOUT_MS} ms`);
    }
  }

  private freezerDir(verb: string): string {
    const dir = this.dirOf('freezer');
    if (!dir) throw new CgroupError(`${verb} cgroup \`${this.path}\`: the \`freezer\` controller is not mounted`);
    return dir;
  }

  stats(): CgroupStats {
    const number = (controller: string, file: string): number | undefined => {
      const dir = this.dirOf(controller);
      return dir === undefined ? undefined : parseCgroupNumber(readCgroupFile(dir, file), path.join(dir, file));
    };
    const limit = number('memory', 'memory.limit_in_bytes') ?? Infinity;
    const pidsLimit = number('pids', 'pids.max');
    return {
      memoryUsage: number('memory', 'memory.usage_in_bytes') ?? 0,
      memoryLimit: limit >= V1_UNLIMITED ? Infinity : limit,
      cpuUsageNs: number('cpuacct', 'cpuacct.usage') ?? 0,
      pids: number('pids', 'pids.current') ?? this.pids().length,
      ...(pidsLimit === undefined || pidsLimit === Infinity ? {} : { pidsLimit }),
    };
  }

  oomKilled(): boolean {
    const dir = this.dirOf('memory');
    if (!dir) return false;
    // `oom_kill N` exists since Linux 4.13; older kernels cannot tell.
    return (parseKeyedFile(readCgroupFile(dir, 'memory.oom_control')).get('oom_kill') ?? 0) > 0;
  }

  destroy(): void {
    for (const dir of this.dirs()) removeCgroupDir(dir);
  }
}

/**
 * A new v1 cpuset starts with empty cpus and mems, and no task may join it
 * until both are set: copy them down from the nearest ancestor, level by
 * level, as runc does.
 */
function fillCpuset(mount: string, cgroupPath: string): void {
  let parent = mount;
  for (const part of cgroupPath.split('/').filter(Boolean)) {
    const dir = path.join(parent, part);
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (readCgroupFile(dir, file) === '') writeCgroupFile(dir, file, readCgroupFile(parent, file));
    }
    parent = dir;
  }
}
