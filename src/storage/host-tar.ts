/**
 * Tar streams of host files that a container can write to (its writable
 * layer): entries come from lstat, hardlinks are written once and then as
 * links, and file content is opened beneath its layer directory with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so a file swapped for a
 * symlink by a running container is refused, never followed to the host.
 * The size read is the size the header announced (a file that grows or
 * shrinks meanwhile is cut or zero-padded), so the archive stays valid.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { copyableXattrs } from './lower-layers';
import { TAR_END, TarEntry, TarEntryType, encodeTarHeader, tarPadding } from './tar-writer';
import { O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_RDONLY, RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS, close, devNumbers, openat2 } from '../sys/fs-at';

/** One item of a tar stream: a header, and for regular files where to read the content. */
export interface TarItem {
  entry: TarEntry;
  /** Layer directory and the path beneath it of a regular file's content. */
  content?: { layer: string; rel: string };
}

/** Remembers the first path of every inode with more than one link. */
export class HardlinkTracker {
  private readonly seen = new Map<string, string>();

  /** The earlier entry name of the same inode, or undefined (and remembers `name`). */
  linkTarget(stat: fs.BigIntStats, name: string): string | undefined {
    if (stat.nlink < 2n || stat.isDirectory()) return undefined;
    const key = `${stat.dev}:${stat.ino}`;
    const first = this.seen.get(key);
    if (first === undefined) this.seen.set(key, name);
    return first;
  }
}

/** The tar entry type of a file, or undefined for what archives do not carry (sockets). */
export function tarTypeOf(stat: fs.BigIntStats): TarEntryType | undefined {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isCharacterDevice()) return 'character-device';
  if (stat.isBlockDevice()) return 'block-device';
  if (stat.isFIFO()) return 'fifo';
  return undefined; // sockets do not go into archives
}

/**
 * The tar item for the host entry `layer/rel` (`stat` from lstat), named
 * `rel` in the archive; undefined for sockets. xattrs are copied except
 * overlayfs' own (trusted.overlay.*).
 */
export function itemFromStat(layer: string, rel: string, stat: fs.BigIntStats, links: HardlinkTracker): TarItem | undefined {
  const type = tarTypeOf(stat);
  if (type === undefined) return undefined;
  const path = `${layer}/${rel}`;
  const name = type === 'directory' ? `${rel}/` : rel;
  const entry: TarEntry = {
    name,
    type,
    mode: Number(stat.mode) & 0o7777,
    uid: Number(stat.uid),
    gid: Number(stat.gid),
    size: 0,
    mtime: Number(stat.mtimeMs / 1000n),
    xattrs: copyableXattrs(path),
  };
  if (type === 'symlink') entry.linkname = fs.readlinkSync(path);
  if (type === 'character-device' || type === 'block-device') [entry.devmajor, entry.devminor] = devNumbers(stat.rdev);
  if (type !== 'file') return { entry };
  const first = links.linkTarget(stat, name);
  if (first !== undefined) return { entry: { ...entry, type: 'link', linkname: first, xattrs: [] } };
  entry.size = Number(stat.size);
  return { entry, content: { layer, rel } };
}

const CHUNK = 256 * 1024;

/** Reads exactly `size` bytes of a file beneath `layer` (cut or zero-padded). */
function* fileContent(layer: string, rel: string, size: number): Generator<Buffer> {
  const root = openat2(-100, layer, { flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  let fd: number;
  try {
    fd = openat2(root, rel, { flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC, resolve: RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS });
  } finally {
    close(root);
  }
  try {
    let left = size;
    while (left > 0) {
      const buffer = Buffer.alloc(Math.min(CHUNK, left));
      const got = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (got === 0) break;
      left -= got;
      yield buffer.subarray(0, got);
    }
    if (left > 0) yield Buffer.alloc(left);
  } finally {
    close(fd);
  }
}

/** A tar archive of `items`, produced as it is read. */
export function tarStream(items: Iterable<TarItem>): Readable {
  function* blocks(): Generator<Buffer> {
    for (const item of items) {
      yield encodeTarHeader(item.entry);
      if (item.content === undefined) continue;
      yield* fileContent(item.content.layer, item.content.rel, item.entry.size);
      yield tarPadding(item.entry.size);
    }
    yield TAR_END;
  }
  return Readable.from(blocks(), { objectMode: false });
}
