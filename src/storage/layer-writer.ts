/**
 * Creates the entries of one layer inside its directory: the tree writer
 * (tree-writer.ts) on the layer's directory, resolving every parent with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, so a `..`, an absolute symlink or
 * any symlink planted earlier in the same tar cannot redirect a write: the
 * kernel refuses the path and UnsafeEntryError says which entry. On top of
 * it, what only layers have: overlayfs whiteouts and opaque directories,
 * and hardlinks to a file only a lower layer has, copied up first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { InvalidContentError, SyscallError } from '../errors';
import * as at from '../sys/fs-at';
import { LowerEntry, copyableXattrs, findInLowerLayers } from './lower-layers';
import { EntryMetadata, timespecOf } from './tree-entry';
import { SpecialKind, TreeWriter } from './tree-writer';
import { OVERLAY_OPAQUE_VALUE, OVERLAY_OPAQUE_XATTR } from './whiteout';

export type { EntryMetadata } from './tree-entry';
export type { SpecialKind } from './tree-writer';

const { EEXIST } = os.constants.errno;
const COPY_BUFFER_SIZE = 1 << 20;

export class LayerWriter {
  private readonly rootFd: number;
  private readonly tree: TreeWriter;
  private copyBuffer?: Buffer;

  constructor(
    targetDir: string,
    private readonly lowerDirs: readonly string[],
  ) {
    this.rootFd = at.openat2(at.AT_FDCWD, targetDir, { flags: at.O_PATH | at.O_DIRECTORY | at.O_CLOEXEC, resolve: 0 });
    this.tree = new TreeWriter(this.rootFd, {
      resolve: 'beneath',
      ownership: 'entry',
      conflicts: 'replace',
      verb: 'unpack layer',
      // A parent the tar never listed takes a lower layer's metadata, as overlayfs would show it.
      parentMetadata: (dir) => {
        const lower = findInLowerLayers(this.lowerDirs, dir);
        return lower?.stat.isDirectory() ? metadataOf(lower) : undefined;
      },
    });
  }

  directory(entry: string, path: string, meta: EntryMetadata): void {
    this.tree.directory(path, meta, entry);
  }

  /** Writes a regular file from `content`; returns the number of bytes written. */
  async file(entry: string, path: string, meta: EntryMetadata, content: AsyncIterable<Uint8Array>): Promise<number> {
    const file = this.tree.createFile(path, meta, entry);
    try {
      for await (const chunk of content) file.write(chunk);
    } catch (err) {
      file.abort();
      throw err;
    }
    return file.done();
  }

  symlink(entry: string, path: string, target: string, meta: EntryMetadata): void {
    this.tree.symlink(path, target, meta, entry);
  }

  special(entry: string, path: string, kind: SpecialKind, device: [number, number], meta: EntryMetadata): void {
    this.tree.special(path, kind, device, meta, entry);
  }

  /**
   * A hardlink to `target` (root-relative). A target that only a lower
   * layer has is copied up into this layer first, as overlayfs would on write.
   */
  hardlink(entry: string, path: string, target: string): void {
    if (this.tree.hardlink(path, target, entry)) return;
    this.copyUp(entry, target);
    if (!this.tree.hardlink(path, target, entry)) {
      throw new InvalidContentError(`unpack layer: hardlink \`${entry}\` lost its target \`${target}\` while it was copied up`);
    }
  }

  /** The overlayfs whiteout for `path`: a 0/0 character device. */
  whiteout(entry: string, path: string): void {
    const [pfd, base] = this.tree.parentOf(path, entry);
    try {
      at.mknodat(pfd, base, at.S_IFCHR, 0n, `\`${entry}\``);
    } catch (err) {
      // A whiteout only hides lower layers; what this layer wrote there stays.
      if (!(err instanceof SyscallError && err.errno === EEXIST)) throw err;
    }
  }

  /** Marks `dir` opaque for overlayfs, creating it when this layer has not yet. */
  opaque(entry: string, dir: string): void {
    const fd = this.tree.directoryFd(dir, entry);
    at.fsetxattr(fd, OVERLAY_OPAQUE_XATTR, Buffer.from(OVERLAY_OPAQUE_VALUE), 0, `\`${OVERLAY_OPAQUE_XATTR}\` on \`${entry}\``);
  }

  /** Applies directory times, deepest first, once every entry is in place. */
  finish(): void {
    this.tree.finish();
  }

  close(): void {
    try {
      this.tree.close();
    } finally {
      at.close(this.rootFd);
    }
  }

  private copyUp(entry: string, target: string): void {
    const lower = findInLowerLayers(this.lowerDirs, target);
    if (!lower || lower.stat.isDirectory()) {
      throw new InvalidContentError(
        `unpack layer: hardlink \`${entry}\` points to \`${target}\`, which is not a file of this layer or a lower one`,
      );
    }
    const meta = metadataOf(lower);
    const { stat } = lower;
    if (stat.isSymbolicLink()) return this.tree.symlink(target, fs.readlinkSync(lower.path), meta, entry);
    if (stat.isFile()) {
      const file = this.tree.createFile(target, meta, entry);
      try {
        this.copyContent(lower.path, file.write);
      } catch (err) {
        file.abort();
        throw err;
      }
      file.done();
      return;
    }
    const kind: SpecialKind = stat.isFIFO() ? 'fifo' : stat.isBlockDevice() ? 'block-device' : 'character-device';
    this.tree.special(target, kind, at.devNumbers(stat.rdev), meta, entry);
  }

  /** Lower layers are private to the store: their files are read by path, never followed at the end. */
  private copyContent(source: string, write: (chunk: Uint8Array) => void): void {
    const buffer = (this.copyBuffer ??= Buffer.allocUnsafe(COPY_BUFFER_SIZE));
    const fd = fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      for (let got = fs.readSync(fd, buffer); got > 0; got = fs.readSync(fd, buffer)) write(buffer.subarray(0, got));
    } finally {
      fs.closeSync(fd);
    }
  }
}

function metadataOf(lower: LowerEntry): EntryMetadata {
  const { stat } = lower;
  return {
    mode: Number(stat.mode) & 0o7777,
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    atime: timespecOf(stat.atimeNs),
    mtime: timespecOf(stat.mtimeNs),
    xattrs: copyableXattrs(lower.path),
  };
}
