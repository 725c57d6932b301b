/**
 * An fd of a container's root filesystem, for `cp`. A running container's
 * root is /proc/<pid>/root (its volumes and binds are mounted there). A
 * created or exited one has no mounted root: the CLI's main thread steps
 * into a new private mount namespace, mounts the container's overlay (and
 * its bind and volume mounts) on the bundle's rootfs, runs `fn` there
 * synchronously and steps back; the namespace, and every mount in it, goes
 * away with the step back. Host paths stay visible inside it.
 */
import * as fs from 'node:fs';
import { ContainerState, processIsContainer } from '../../../runtime/state';
import { isActive } from '../../../runtime/status';
import { readSpec } from '../../../runtime/start';
import { bundlePaths } from '../../../runtime/spec-to-init';
import { overlayData } from '../../../runtime/rootfs-setup';
import { withNewNamespaces } from '../../../runtime/enter-namespaces';
import { MS_BIND, MS_PRIVATE, MS_REC, mount } from '../../../sys/mount';
import { AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_PATH, close, openat2 } from '../../../sys/fs-at';
import { ensureInRoot, fdPath } from '../../../sys/in-root';
import { ConflictError } from '../../../errors/kinds';

const OPEN_ROOT = { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 };

export function isRunning(state: ContainerState): boolean {
  return isActive(state) && processIsContainer(state);
}

/** Runs `fn` with an O_PATH fd of the running container's root. */
export function withRunningRoot<T>(state: ContainerState, fn: (rootFd: number) => T): T {
  const rootFd = openat2(AT_FDCWD, `/proc/${state.pid}/root`, OPEN_ROOT);
  try {
    // The pid is checked after the fd pins its root: same start time, same container.
    if (!processIsContainer(state)) throw new ConflictError(`copy: container \`${state.name}\` stopped while berth opened its root`);
    return fn(rootFd);
  } finally {
    close(rootFd);
  }
}

/**
 * Runs `fn` synchronously with an fd of the stopped container's root,
 * mounted privately. The caller holds the container's lock, so it cannot
 * start meanwhile (its overlay's upper directory is not mounted twice).
 */
export function withStoppedRoot<T>(state: ContainerState, lowerDirs: string[], fn: (rootFd: number) => T): T {
  const paths = bundlePaths(state.bundle);
  const spec = readSpec(state.bundle);
  for (const dir of [paths.rootfs, paths.upper, paths.work]) fs.mkdirSync(dir, { recursive: true });
  return withNewNamespaces(['mnt'], () => {
    mount(null, '/', null, MS_REC | MS_PRIVATE, null, 'make `/` private');
    mount('overlay', paths.rootfs, 'overlay', 0, overlayData({ lowerDirs, upperDir: paths.upper, workDir: paths.work }), `overlay on \`${paths.rootfs}\``);
    const rootFd = openat2(AT_FDCWD, paths.rootfs, OPEN_ROOT);
    try {
      for (const m of spec.mounts) {
        if (m.type !== 'bind' && !m.options.includes('bind') && !m.options.includes('rbind')) continue;
        let kind: 'dir' | 'file';
        try {
          kind = fs.statSync(m.source).isDirectory() ? 'dir' : 'file';
        } catch {
          continue; // a bind source that is gone: `start` reports it, `cp` copies without it
        }
        const target = ensureInRoot(rootFd, m.destination, kind);
        try {
          mount(m.source, fdPath(target), null, MS_BIND | MS_REC, null, `bind \`${m.source}\` on \`${m.destination}\``);
        } finally {
          close(target);
        }
      }
      return fn(rootFd);
    } finally {
      close(rootFd);
    }
  });
}
