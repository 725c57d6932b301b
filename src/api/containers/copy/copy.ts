/**
 * Docker's `cp` between a container and the local filesystem, either way,
 * for running and stopped containers. Entries are copied fd to fd (see
 * copy-entries.ts, storage/tree-walk.ts and extract.ts), synchronously: a
 * stopped container's root is only mounted in a private mount namespace
 * the main thread steps into. So a tar stream on stdin is first extracted
 * into a private directory under the data root (storage/tar-reader.ts, the
 * layers' tar reader) and copied from there; one for stdout is written to a
 * temporary file, then sent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { ContainerStore } from '../../../runtime/container-store';
import { ContainerState } from '../../../runtime/state';
import { LayerStore } from '../../../storage/layer-store';
import { AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_PATH, close, openat2 } from '../../../sys/fs-at';
import { BerthError, NotFoundError } from '../../../errors';
import type { TreeEntry } from '../../../storage/tree-entry';
import { allXattrs, walkTree } from '../../../storage/tree-walk';
import { extractTar } from '../../../storage/tar-reader';
import { writeTar } from '../../../storage/tar-writer';
import { copyEntries, openHostRoot, openPathInRoot, statInRoot } from './copy-entries';
import { absolutePath, archiveBaseOf, hasTrailingSeparator, resolveCopyPlan, specifiesCurrentDir, splitPathDirEntry } from './copy-plan';
import { CopyOwnership, extractEntries } from './extract';
import { isRunning, withRunningRoot, withStoppedRoot } from './container-root';
import { assertWritableDestination } from './read-only';
import { readSpec } from '../../../runtime/start';
import { bundleLowerDirs } from '../../../runtime/spec-to-init';

export interface CopyOptions {
  /** `-L`: follow a symlink source (inside the container's root for a container source). */
  followLink?: boolean;
  /** `-a`: keep the source's uid/gid instead of root:root in the container. */
  archive?: boolean;
  /** Resolves relative local paths (default: the process's cwd). */
  cwd?: string;
}

export interface CopyResult {
  /** Size of the tar archive the copy amounts to (what Docker reports). */
  bytes: number;
  /** The destination as Docker names it in "Successfully copied ... to DEST". */
  destination: string;
}

/** A local path, or a stream of a tar archive (`-`). */
export type LocalEnd<S> = string | S;

const MAX_SYMLINKS = 10;

export class ContainerCopy {
  constructor(
    private readonly store: ContainerStore,
    private readonly layers: LayerStore,
    private readonly tmpDir: string,
  ) {}

  /** `cp SRC CONTAINER:DEST`, or `cp - CONTAINER:DEST` with a tar stream. */
  async toContainer(ref: string, source: LocalEnd<NodeJS.ReadableStream>, destPath: string, options: CopyOptions = {}): Promise<CopyResult> {
    const dest = absolutePath(destPath, '/');
    const ownership: CopyOwnership = options.archive ? 'archive' : 'root';
    if (typeof source !== 'string') {
      return this.withTemp('dir', async (staging) => {
        const bytes = await extractTar(source, staging, 'copy');
        const stagedFd = openat2(AT_FDCWD, staging, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
        try {
          return await this.inRoot(ref, (rootFd, state) => {
            const target = destinationInRoot(rootFd, dest);
            if (!target.exists || !target.isDir) throw new BerthError('copy', `destination "${ref}:${destPath}" must be a directory`);
            const plan = { dstDir: target.path, archiveBase: '.', rename: '.' };
            assertWritableIn(state, rootFd, plan.dstDir);
            // Everything the archive carried, xattrs and exact times included, as Docker's extraction of it.
            const entries = walkTree(stagedFd, '.', { xattrs: allXattrs, exactTimes: true });
            extractEntries(entries, { rootFd, plan, ownership, describe: notFoundIn(ref) });
            return { bytes, destination: `${ref}:${target.path === dest ? destPath : target.path}` };
          });
        } finally {
          close(stagedFd);
        }
      });
    }
    const src = absolutePath(source, options.cwd ?? process.cwd());
    const hostRoot = openHostRoot();
    try {
      const opened = openSource(hostRoot, src, options.followLink ?? false);
      if (opened === undefined) throw new NotFoundError(`lstat ${src.replace(/\/\.?$/, '') || '/'}: no such file or directory`);
      try {
        const srcIsDir = fs.fstatSync(opened).isDirectory();
        return await this.inRoot(ref, (rootFd, state) => {
          const target = destinationInRoot(rootFd, dest);
          if (target.exists && !target.isDir && !target.isFile) {
            throw new BerthError('copy', `destination "${ref}:${destPath}" must be a directory or a regular file`);
          }
          const plan = resolveCopyPlan(src, target.path, { srcIsDir, destExists: target.exists, destIsDir: target.isDir });
          assertWritableIn(state, rootFd, plan.dstDir);
          const bytes = extractEntries(copyEntries(opened, archiveBaseOf(src)), { rootFd, plan, ownership, describe: notFoundIn(ref) });
          return { bytes, destination: `${ref}:${target.path === dest ? destPath : target.path}` };
        });
      } finally {
        close(opened);
      }
    } finally {
      close(hostRoot);
    }
  }

  /** `cp CONTAINER:SRC DEST`, or `cp CONTAINER:SRC -` writing a tar archive to `destination`. */
  async fromContainer(ref: string, srcPath: string, destination: LocalEnd<NodeJS.WritableStream>, options: CopyOptions = {}): Promise<CopyResult> {
    let src = absolutePath(srcPath, '/');
    if (src === '/') src = '/.';
    const follow = options.followLink ?? false;
    if (typeof destination !== 'string') {
      return this.withTemp('file', async (file) => {
        const fd = fs.openSync(file, 'w', 0o600);
        let bytes: number;
        try {
          bytes = await this.inRoot(ref, (rootFd) =>
            withSourceInRoot(rootFd, src, follow, notFoundIn(ref), (entries) => writeTar(entries, fd)),
          );
        } finally {
          fs.closeSync(fd);
        }
        await pipeline(fs.createReadStream(file), destination, { end: false });
        return { bytes, destination: '-' };
      });
    }
    const dest = absolutePath(destination, options.cwd ?? process.cwd());
    const hostRoot = openHostRoot();
    try {
      const target = localDestination(hostRoot, dest);
      return await this.inRoot(ref, (rootFd) => {
        const bytes = withSourceInRoot(rootFd, src, follow, notFoundIn(ref), (entries, srcIsDir) => {
          const plan = resolveCopyPlan(src, target.path, { srcIsDir, destExists: target.exists, destIsDir: target.isDir });
          return extractEntries(entries, { rootFd: hostRoot, plan, ownership: 'creator', describe: (p) => `lstat ${p}: no such file or directory` });
        });
        return { bytes, destination: dest };
      });
    } finally {
      close(hostRoot);
    }
  }

  /** Runs `fn` synchronously with the container's root: the running container's, or its overlay mounted privately under its lock. */
  private async inRoot<T>(ref: string, fn: (rootFd: number, state: ContainerState) => T): Promise<T> {
    const state = this.store.get(ref);
    if (isRunning(state)) return withRunningRoot(state, (rootFd) => fn(rootFd, state));
    return this.store.withContainerLock(state.id, () => {
      const latest = this.store.get(state.id);
      if (isRunning(latest)) return withRunningRoot(latest, (rootFd) => fn(rootFd, latest));
      return withStoppedRoot(latest, bundleLowerDirs(latest.bundle, this.layers.lowerDirs(latest.topLayer)), (rootFd) => fn(rootFd, latest));
    });
  }

  /** Runs `fn` with a fresh path under the data root's private tmp directory (a directory made for it with `dir`), removed afterwards. */
  private async withTemp<T>(kind: 'file' | 'dir', fn: (tempPath: string) => Promise<T>): Promise<T> {
    fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    const tempPath = path.join(this.tmpDir, `cp-${process.pid}-${randomBytes(6).toString('hex')}${kind === 'file' ? '.tar' : ''}`);
    if (kind === 'dir') fs.mkdirSync(tempPath, { mode: 0o700 });
    try {
      return await fn(tempPath);
    } finally {
      fs.rmSync(tempPath, { recursive: true, force: true });
    }
  }
}

/** Refuses a copy into a read-only bind or volume, or a read-only rootfs (read-only.ts). */
function assertWritableIn(state: ContainerState, rootFd: number, dstDir: string): void {
  assertWritableDestination(rootFd, dstDir, readSpec(state.bundle).mounts, state.hostConfig.readonlyRootfs);
}

/** Docker's message for a path missing in a container (its daemon's containerFileNotFound). */
function notFoundIn(ref: string): (p: string) => string {
  return (p) => `Could not find the file ${p} in container ${ref}`;
}

/** Opens a copy source: the last component is followed with -L, a trailing `/` or `/.`, as Docker does. */
function openSource(rootFd: number, src: string, followLink: boolean): ReturnType<typeof openPathInRoot> {
  const follow = followLink || hasTrailingSeparator(src) || specifiesCurrentDir(src);
  return openPathInRoot(rootFd, src.replace(/\/\.$/, '') || '/', follow);
}

function withSourceInRoot<T>(
  rootFd: number, src: string, followLink: boolean, notFound: (p: string) => string, fn: (entries: Iterable<TreeEntry>, srcIsDir: boolean) => T,
): T {
  const opened = openSource(rootFd, src, followLink);
  if (opened === undefined) throw new NotFoundError(notFound(src));
  try {
    const srcIsDir = fs.fstatSync(opened).isDirectory();
    if (hasTrailingSeparator(src) && !srcIsDir) throw new BerthError('copy', `${src}: not a directory`);
    return fn(copyEntries(opened, archiveBaseOf(src)), srcIsDir);
  } finally {
    close(opened);
  }
}

interface Destination {
  path: string;
  exists: boolean;
  isDir: boolean;
  isFile: boolean;
}

/** What a destination path is, a final symlink evaluated (moby CopyInfoDestinationPath), resolved in `rootFd`. */
function destinationInRoot(rootFd: number, dest: string): Destination {
  let current = dest;
  let found = statInRoot(rootFd, current, hasTrailingSeparator(current) || specifiesCurrentDir(current));
  for (let n = 0; found?.linkTarget !== undefined; n++) {
    if (n >= MAX_SYMLINKS) throw new BerthError('copy', `too many symlinks in ${dest}`);
    const [parent] = splitPathDirEntry(current);
    current = path.posix.isAbsolute(found.linkTarget) ? found.linkTarget : path.posix.join(parent, found.linkTarget);
    found = statInRoot(rootFd, current, false);
  }
  if (found === undefined) return { path: current, exists: false, isDir: false, isFile: false };
  return { path: current, exists: true, isDir: found.stat.isDirectory(), isFile: found.stat.isFile() };
}

/** The local destination: its parent must exist (docker/cli ValidateOutputPath, moby CopyInfoDestinationPath). */
function localDestination(hostRoot: number, dest: string): Destination {
  const dir = path.posix.dirname(path.posix.normalize(dest).replace(/\/$/, '') || '/');
  if (!fs.existsSync(dir)) throw new BerthError('copy', `invalid output path: directory "${dir}" does not exist`);
  const target = destinationInRoot(hostRoot, dest);
  if (target.exists && !target.isDir && !target.isFile) {
    throw new BerthError('copy', `invalid output path: "${dest}" must be a directory or a regular file`);
  }
  if (!target.exists) {
    const [parent] = splitPathDirEntry(target.path);
    let parentIsDir: boolean;
    try {
      parentIsDir = fs.statSync(parent).isDirectory();
    } catch {
      throw new NotFoundError(`stat ${parent}: no such file or directory`);
    }
    if (!parentIsDir) throw new BerthError('copy', 'not a directory');
  }
  return target;
}
