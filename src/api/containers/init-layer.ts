/**
 * A container's init layer, as Docker makes it (moby daemon/initlayer):
 * bundle/init, stacked between the image's layers and the writable layer,
 * holds what every Docker container has at its root whatever the image:
 *
 *   dev/pts/  dev/shm/  proc/  sys/                    directories, 0755
 *   .dockerenv  etc/resolv.conf  etc/hosts  etc/hostname  dev/console   empty files, 0755
 *   etc/mtab -> /proc/mounts                            a symlink
 *
 * A file here replaces the image's file at that path, as Docker's does; a
 * path where the image has a directory is left to the image. The parents
 * (dev, etc) take the image's owner and mode, as a copy-up would (their
 * times are those of the entries made in them, as Docker's are).
 *
 * It is written once, at create, before anything of the container runs,
 * into a directory no container can reach yet; afterwards the container
 * only ever sees it read-only, as a lower layer. So the runtime's mount
 * points exist before it mounts anything (nothing is made in the writable
 * layer for them), `diff` and `commit` (the writable layer only) never show
 * them, and `export` and `cp` see them as the container does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findInLowerLayers } from '../../storage/lower-layers';

const DIRECTORIES = ['dev/pts', 'dev/shm', 'proc', 'sys'];
const FILES = ['.dockerenv', 'etc/resolv.conf', 'etc/hosts', 'etc/hostname', 'dev/console'];
const SYMLINKS: Array<[string, string]> = [['etc/mtab', '/proc/mounts']];
const MODE = 0o755;

/** Makes `initDir` (which must not exist) over the image layers `imageLowerDirs` (top-most first). */
export function writeInitLayer(initDir: string, imageLowerDirs: readonly string[]): void {
  fs.mkdirSync(initDir, { mode: 0o755 });
  const imageHasDirectory = (rel: string): boolean => findInLowerLayers(imageLowerDirs, rel)?.stat.isDirectory() ?? false;
  const parent = (rel: string): void => {
    const dir = path.posix.dirname(rel);
    if (dir === '.' || fs.existsSync(path.join(initDir, dir))) return;
    parent(dir);
    const target = path.join(initDir, dir);
    fs.mkdirSync(target);
    const image = findInLowerLayers(imageLowerDirs, dir);
    if (image?.stat.isDirectory()) {
      fs.chmodSync(target, Number(image.stat.mode) & 0o7777);
      fs.chownSync(target, Number(image.stat.uid), Number(image.stat.gid));
    } else {
      fs.chmodSync(target, MODE);
    }
  };
  for (const rel of DIRECTORIES) {
    if (imageHasDirectory(rel)) continue;
    parent(rel);
    fs.mkdirSync(path.join(initDir, rel));
    fs.chmodSync(path.join(initDir, rel), MODE);
  }
  for (const rel of FILES) {
    if (imageHasDirectory(rel)) continue;
    parent(rel);
    fs.writeFileSync(path.join(initDir, rel), '', { flag: 'wx' });
    fs.chmodSync(path.join(initDir, rel), MODE);
  }
  for (const [rel, target] of SYMLINKS) {
    if (imageHasDirectory(rel)) continue;
    parent(rel);
    fs.symlinkSync(target, path.join(initDir, rel));
  }
}
