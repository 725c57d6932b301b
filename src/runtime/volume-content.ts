/**
 * Docker fills a new, empty volume with what the image has at the mount
 * point before mounting it. As Docker 20.10 does (checked against its
 * daemon): files keep owner, mode, times and xattrs; symlinks, hardlinks,
 * fifos and devices are copied as such (sockets are not); directories
 * keep owner, mode and xattrs but take the time of the copy; the volume's
 * own directory takes the mount point's owner and mode. berth does it
 * while it builds the container's filesystem: the overlay is mounted, the
 * volume not yet, and no process runs in the new container.
 *
 * Another container may already mount the volume and plant symlinks in it
 * while the fill runs. The image's side is walked through fds
 * (storage/tree-walk.ts; the mount point is opened with RESOLVE_IN_ROOT,
 * so one that is a symlink to /etc copies the image's /etc, never the
 * host's), and the volume is written by the tree writer
 * (storage/tree-writer.ts): parents resolved with RESOLVE_IN_ROOT from the
 * volume's fd, every owner, mode, time and xattr set through the fd of the
 * entry just created, so nothing planted leads a write out of the volume.
 * Synchronous: this runs on the CLI's main thread inside the container's
 * namespaces.
 */
import * as fs from 'node:fs';
import { AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_RDONLY, close, fdPath, openat2 } from '../sys/fs-at';
import { openInRoot } from '../sys/in-root';
import { TreeWriter } from '../storage/tree-writer';
import { allXattrs, walkTree } from '../storage/tree-walk';
import { BerthError, ExitCode, messageOf } from '../errors';

function isEmptyDir(fd: number): boolean {
  return fs.readdirSync(fdPath(fd)).length === 0;
}

/** The volume-relative path of a walk's name (`.`, `./a/b`). */
function inVolume(name: string): string {
  return name === '.' ? '' : name.slice(2);
}

/**
 * Copies the directory at `containerPath` in the root open at `rootFd`
 * into `volumeDir` when the volume is empty. Returns true when the volume
 * holds something afterwards (copied now, or filled before), false when
 * there was nothing to copy (so a later container may still fill it).
 */
export function copyImageContent(rootFd: number, containerPath: string, volumeDir: string): boolean {
  const volumeFd = openat2(AT_FDCWD, volumeDir, { flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, resolve: 0 });
  try {
    if (!isEmptyDir(volumeFd)) return true;
    const fd = openInRoot(rootFd, containerPath);
    if (fd === undefined) return false;
    try {
      if (!fs.fstatSync(fd).isDirectory()) return false;
      const verb = `fill volume at \`${containerPath}\``;
      const writer = new TreeWriter(volumeFd, {
        resolve: 'in-root',
        ownership: 'entry',
        conflicts: 'same-kind',
        verb,
        display: (p) => `${containerPath.replace(/\/+$/, '')}/${p}`,
        directoryTimes: false,
      });
      try {
        for (const entry of walkTree(fd, '.', { xattrs: allXattrs, exactTimes: true })) {
          const linkname = entry.type === 'link' ? inVolume(entry.linkname ?? '') : entry.linkname;
          writer.write(inVolume(entry.name), { ...entry, linkname }, entry.name);
        }
        writer.finish();
      } catch (err) {
        // The container cannot start: berth's own failure (Docker's daemon error, exit 125).
        const message = messageOf(err);
        throw new BerthError('volume-fill', message.startsWith(verb) ? message : `${verb}: ${message}`, {
          cause: err,
          exitCode: ExitCode.RuntimeFailure,
        });
      } finally {
        writer.close();
      }
    } finally {
      close(fd);
    }
    return !isEmptyDir(volumeFd);
  } finally {
    close(volumeFd);
  }
}
