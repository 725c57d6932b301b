/**
 * cgroup v2: one directory in the unified tree. Controllers must be enabled
 * in every ancestor's cgroup.subtree_control before the container's
 * directory gets their files; devices are an eBPF program, not files.
 */
import * as path from 'node:path';
import type { CgroupManager, CgroupStats, Resources } from '../manager';
import {
  CgroupError,
  cgroupFileExists,
  makeCgroupDir,
  parseCgroupNumber,
  parseKeyedFile,
  pollUntil,
  readCgroupFile,
  readCgroupFileIfExists,
  readProcsTree,
  removeCgroupDir,
  validateCgroupPath,
  writeCgroupFile,
} from '../files';
import { applyV2Resources } from './resources';

/** The controllers berth sets limits with; others are left as the parent has them. */
const WANTED_CONTROLLERS = ['cpu', 'cpuset', 'io', 'memory', 'pids'];
const FREEZE_TIMEOUT_MS = 5000;

export class V2CgroupManager implements CgroupManager {
  readonly version = 2 as const;
  readonly path: string;
  /** The container's directory: the unified mount point joined with `path`. */
  readonly dir: string;

  constructor(
    private readonly unified: string,
    cgroupPath: string,
  ) {
    validateCgroupPath(cgroupPath);
    this.path = cgroupPath;
    this.dir = path.join(unified, cgroupPath);
  }

  create(): void {
    makeCgroupDir(this.dir);
    // Enable the wanted controllers top-down, in the root and every
    // ancestor, so the container's directory gets their files.
    let parent = this.unified;
    for (const part of this.path.split('/').filter(Boolean)) {
      enableControllers(parent);
      parent = path.join(parent, part);
    }
  }

  apply(resources: Resources): void {
    applyV2Resources(this.dir, resources);
  }

  join(pid: number): void {
    writeCgroupFile(this.dir, 'cgroup.procs', String(pid));
  }

  pids(): number[] {
    return readProcsTree(this.dir);
  }

  freeze(): void {
    this.setFrozen(true);
  }

  thaw(): void {
    this.setFrozen(false);
  }

  private setFrozen(frozen: boolean): void {
    writeCgroupFile(this.dir, 'cgroup.freeze', frozen ? '1' : '0');
    const want = frozen ? 1 : 0;
    const reached = (): boolean => parseKeyedFile(readCgroupFile(this.dir, 'cgroup.events')).get('frozen') === want;
    if (!pollUntil(reached, FREEZE_TIMEOUT_MS)) {
      if (frozen) writeCgroupFile(this.dir, 'cgroup.freeze', '0');
      throw new CgroupError(`${frozen ? 'freeze' : 'thaw'} cgroup \`${this.dir}\`: cgroup.events not \`frozen ${want}\` after ${FREEZE_TIMEOUT_MS} ms`);
    }
  }

  stats(): CgroupStats {
    // A file is missing when its controller is not enabled: no figure then.
    const number = (file: string): number | undefined => {
      const text = readCgroupFileIfExists(this.dir, file);
      return text === undefined ? undefined : parseCgroupNumber(text, path.join(this.dir, file));
    };
    const cpu = parseKeyedFile(readCgroupFile(this.dir, 'cpu.stat'));
    const pidsLimit = number('pids.max');
    return {
      memoryUsage: number('memory.current') ?? 0,
      memoryLimit: number('memory.max') ?? Infinity,
      cpuUsageNs: (cpu.get('usage_usec') ?? 0) * 1000,
      pids: number('pids.current') ?? this.pids().length,
      ...(pidsLimit === undefined || pidsLimit === Infinity ? {} : { pidsLimit }),
    };
  }

  oomKilled(): boolean {
    if (!cgroupFileExists(this.dir, 'memory.events')) return false;
    return (parseKeyedFile(readCgroupFile(this.dir, 'memory.events')).get('oom_kill') ?? 0) > 0;
  }

  destroy(): void {
    removeCgroupDir(this.dir);
  }
}

/** `+name` into `dir`'s cgroup.subtree_control for each wanted controller it offers and has not enabled. */
function enableControllers(dir: string): void {
  const available = new Set(readCgroupFile(dir, 'cgroup.controllers').split(/\s+/));
  const enabled = new Set(readCgroupFile(dir, 'cgroup.subtree_control').split(/\s+/));
  for (const controller of WANTED_CONTROLLERS) {
    if (available.has(controller) && !enabled.has(controller)) {
      writeCgroupFile(dir, 'cgroup.subtree_control', `+${controller}`);
    }
  }
}
