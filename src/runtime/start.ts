/**
 * What every start shares (start-container.ts runs it): the runtime's
 * view of the store, the bundle's spec, the user and working directory
 * resolved inside the container's own files, the container's terminal.
 */
import * as fs from 'node:fs';
import { ContainerStore } from './container-store';
import { Spec } from './spec/types';
import { resolveUser, applyUser } from './spec/user';
import { CgroupManager } from '../cgroups/manager';
import { LayerStore } from '../storage/layer-store';
import { close, openat2, O_CLOEXEC, O_DIRECTORY, O_PATH } from '../sys/fs-at';
import { ensureInRoot, readFileInRoot, fdPath } from '../sys/in-root';
import { openPtyInRoot, setWindowSize, Pty } from '../sys/pty';
import { mount, MS_BIND } from '../sys/mount';

export interface RuntimeContext {
  containers: ContainerStore;
  layers: LayerStore;
  cgroup: (spec: Spec) => CgroupManager;
  /** The volume store's answers for the once-only copy of the image's content into new volumes. */
  volumes?: VolumeContent;
}

export interface VolumeContent {
  needsContent(name: string): boolean;
  markPopulated(name: string): void;
}

export interface ExitStatus {
  exitCode: number;
  oomKilled: boolean;
}

export function readSpec(bundle: string): Spec {
  return JSON.parse(fs.readFileSync(`${bundle}/config.json`, 'utf8')) as Spec;
}

/** The user and working directory can only be resolved against the container's own files. */
export function resolveInRootfs(spec: Spec, rootfs: string): void {
  const rootFd = openat2(-100, rootfs, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  try {
    const userSpec = spec.annotations['berth.user'] ?? '';
    const user = resolveUser(userSpec, readFileInRoot(rootFd, '/etc/passwd'), readFileInRoot(rootFd, '/etc/group'));
    applyUser(spec, user);
    // Docker creates a missing working directory.
    close(ensureInRoot(rootFd, spec.process.cwd, 'dir'));
  } finally {
    close(rootFd);
  }
}

/** A pty in the container's devpts, its slave also bound over /dev/console (as Docker does). */
export function openTerminal(rootfs: string, size: { rows: number; columns: number } | undefined): Pty {
  const rootFd = openat2(-100, rootfs, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  try {
    const pty = openPtyInRoot(rootFd);
    if (size) setWindowSize(pty.master, size.rows, size.columns);
    const source = ensureInRoot(rootFd, `/dev/pts/${pty.number}`, 'file');
    const console = ensureInRoot(rootFd, '/dev/console', 'file');
    try {
      mount(fdPath(source), fdPath(console), null, MS_BIND, null, 'bind the terminal on `/dev/console`');
    } finally {
      close(source);
      close(console);
    }
    return pty;
  } finally {
    close(rootFd);
  }
}
