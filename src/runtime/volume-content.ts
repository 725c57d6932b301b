/**
 * Docker fills a new, empty volume with what the image has at the mount
 * point (ownership, modes, times and symlinks kept) before mounting it.
 * berth does it while it builds the container's filesystem: the overlay
 * is mounted, the volume not yet, and no process runs in the container.
 *
 * The source is opened with RESOLVE_IN_ROOT and read through that fd
 * (/proc/self/fd/N/...), so an image whose mount point is a symlink to
 * /etc copies the image's /etc, never the host's; symlinks inside are
 * copied as links, never followed. Synchronous: this runs on the CLI's
 * main thread inside the container's namespaces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openInRoot, fdPath } from '../sys/in-root';
import { close } from '../sys/fs-at';

function isEmptyDir(dir: string): boolean {
  return fs.readdirSync(dir).length === 0;
}

/** Owner, mode and times of every copied entry, from its source (cpSync keeps neither owners nor set-id bits). */
function copyAttributes(source: string, target: string): void {
  const stat = fs.lstatSync(source);
  fs.lchownSync(target, stat.uid, stat.gid);
  if (stat.isSymbolicLink()) {
    fs.lutimesSync(target, stat.atime, stat.mtime);
    return;
  }
  // After the chown, which clears set-user-ID and set-group-ID bits.
  fs.chmodSync(target, stat.mode & 0o7777);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(source)) copyAttributes(path.join(source, name), path.join(target, name));
  }
  fs.utimesSync(target, stat.atime, stat.mtime);
}

/**
 * Copies the directory at `containerPath` in the root open at `rootFd`
 * into `volumeDir` when the volume is empty. Returns true when the volume
 * holds something afterwards (copied now, or filled before), false when
 * there was nothing to copy (so a later container may still fill it).
 */
export function copyImageContent(rootFd: number, containerPath: string, volumeDir: string): boolean {
  if (!isEmptyDir(volumeDir)) return true;
  const fd = openInRoot(rootFd, containerPath);
  if (fd === undefined) return false;
  try {
    if (!fs.fstatSync(fd).isDirectory()) return false;
    // `/.` makes the kernel walk through the fd's magic link: lstat sees the directory itself.
    const source = `${fdPath(fd)}/.`;
    fs.cpSync(source, volumeDir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, force: false, errorOnExist: false });
    copyAttributes(source, volumeDir);
  } finally {
    close(fd);
  }
  return !isEmptyDir(volumeDir);
}
