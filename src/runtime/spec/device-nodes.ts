/**
 * The one part of spec building that reads the host: what a --device path
 * is (type, major:minor, mode, owner), and the host's devices for
 * --privileged. Synchronous fs calls only; the rest of spec/ stays pure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../errors/kinds';
import type { Device } from './types';

/** Major and minor of a dev_t, as glibc's gnu_dev_major/minor split it. */
export function splitDevNumber(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

function nodeAt(hostPath: string, containerPath: string): Device | undefined {
  const st = fs.statSync(hostPath, { bigint: true });
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (type === undefined) return undefined;
  const { major, minor } = splitDevNumber(st.rdev);
  return {
    path: containerPath,
    type,
    major,
    minor,
    fileMode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
  };
}

/**
 * The device at `hostPath` (symlinks followed) as `containerPath`, or every
 * device below it when it is a directory (moby DevicesFromPath).
 */
export function devicesFromPath(hostPath: string, containerPath: string): Device[] {
  const fail = (reason: string): UsageError =>
    new UsageError(`error gathering device information while adding custom device ${JSON.stringify(hostPath)}: ${reason}`, {
      exitCode: 125,
    });
  let resolved: string;
  try {
    resolved = fs.realpathSync(hostPath);
  } catch (err) {
    throw fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err));
  }
  const single = nodeAt(resolved, containerPath);
  if (single) return [single];
  if (!fs.statSync(resolved).isDirectory()) throw fail('not a device node');
  const found: Device[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
        const node = nodeAt(full, path.posix.join(containerPath, path.relative(resolved, full)));
        if (node) found.push(node);
      }
    }
  };
  walk(resolved);
  if (found.length === 0) throw fail('not a device node');
  return found;
}

const SKIPPED_DEV_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Every device node under /dev except the console and the container-private dirs (containerd HostDevices). */
export function listHostDevices(root = '/dev'): Device[] {
  const found: Device[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DEV_DIRS.has(entry.name)) walk(full);
        continue;
      }
      if (entry.name === 'console' || !(entry.isCharacterDevice() || entry.isBlockDevice())) continue;
      try {
        const node = nodeAt(full, path.posix.join('/dev', path.relative(root, full)));
        if (node && node.major !== 0) found.push(node);
      } catch {
        // A node that vanished while walking is not worth failing for.
      }
    }
  };
  walk(root);
  return found;
}
