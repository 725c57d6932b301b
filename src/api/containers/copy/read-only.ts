/**
 * Docker refuses a `cp` into a container when the directory the archive is
 * extracted into (all symlinks followed in the container's root) lies in a
 * read-only bind or volume, or, outside every bind and volume, when the
 * container has a read-only root filesystem (moby daemon/archive.go
 * containerExtractToDir, checkIfPathIsInAVolume). Copies out are not
 * concerned. Only binds and volumes count, as Docker's MountPoints: not the
 * tmpfs mounts, nor the files Docker itself binds (/etc/hosts...).
 */
import * as path from 'node:path';
import type { Mount } from '../../../runtime/spec/types';
import { CONTAINER_INIT_PATH } from '../../../runtime/spec/build-spec';
import { BerthError } from '../../../errors';
import { statInRoot } from './copy-entries';
import { parseMountOptions } from '../../../runtime/mount-options';
import { MS_RDONLY } from '../../../sys/mount';

/** Binds Docker makes itself: not among a container's MountPoints. */
const NOT_VOLUMES = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/dev/shm', CONTAINER_INIT_PATH]);

const MAX_LINKS = 40;

export class ReadOnlyDestinationError extends BerthError {
  constructor(message: string) {
    super('copy-read-only', message);
  }
}

/** `ro`, or `rro` (recursive), not undone by a later `rw`. */
function readOnly(m: Mount): boolean {
  return (parseMountOptions(m.options).flags & MS_RDONLY) !== 0;
}

function isVolume(m: Mount): boolean {
  const bind = m.type === 'bind' || parseMountOptions(m.options).isBind;
  return bind && !NOT_VOLUMES.has(path.posix.normalize(m.destination));
}

/** True when `p` is `dir` or lies below it (moby's HasResource). */
function within(dir: string, p: string): boolean {
  const rel = path.posix.relative(path.posix.normalize(dir), p);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel));
}

/** Throws Docker's error unless an archive may be extracted into `dir` (a container path, resolved here). */
export function assertWritableDestination(rootFd: number, dir: string, mounts: Mount[], readonlyRootfs: boolean): void {
  const resolved = resolveInRoot(rootFd, dir);
  if (statInRoot(rootFd, resolved, false) === undefined) return; // Docker reports the missing directory first: so does the copy
  // The deepest mount holding the path is the one a write lands on (Docker takes any, in map order).
  const holder = mounts
    .filter((m) => isVolume(m) && within(m.destination, resolved))
    .sort((a, b) => path.posix.normalize(b.destination).length - path.posix.normalize(a.destination).length)[0];
  if (holder && readOnly(holder)) throw new ReadOnlyDestinationError('mounted volume is marked read-only');
  if (!holder && readonlyRootfs) throw new ReadOnlyDestinationError('container rootfs is marked read-only');
}

/** `p` with every symlink followed inside the root, component by component (Docker's GetResourcePath). */
export function resolveInRoot(rootFd: number, p: string): string {
  const pending = path.posix.normalize(`/${p}`).split('/').filter(Boolean);
  let resolved = '/';
  for (let links = 0; pending.length > 0; ) {
    const name = pending.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      resolved = path.posix.dirname(resolved);
      continue;
    }
    const next = path.posix.join(resolved, name);
    const linkTarget = statInRoot(rootFd, next, false)?.linkTarget;
    if (linkTarget === undefined) {
      resolved = next; // a plain entry, or a missing one: nothing more to follow
      continue;
    }
    if (++links > MAX_LINKS) throw new BerthError('copy', `too many symlinks in ${p}`);
    pending.unshift(...linkTarget.split('/').filter(Boolean));
    if (path.posix.isAbsolute(linkTarget)) resolved = '/';
  }
  return resolved;
}
