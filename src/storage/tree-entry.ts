/**
 * One entry of a file tree as berth moves trees around: read from a tar
 * (tar-reader.ts), walked from a directory (tree-walk.ts), written by the
 * tree writer (tree-writer.ts) or as a tar (tar-writer.ts). The layer
 * unpacker, `cp` both ways, the first fill of a volume and the build's
 * COPY/ADD all speak it.
 */
import type { Timespec } from '../sys/fs-at';

export type TreeEntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

/** What the tree writer sets on an entry it creates. */
export interface EntryMetadata {
  /** Permission bits including setuid, setgid and sticky (07777). */
  mode: number;
  uid: number;
  gid: number;
  mtime: Timespec;
  /** Defaults to mtime. */
  atime?: Timespec;
  xattrs?: Array<[string, Buffer]>;
}

export interface TreeEntry extends EntryMetadata {
  /** Archive name (`foo`, `./foo/bar`) or root-relative path; no trailing `/`. */
  name: string;
  type: TreeEntryType;
  /** Content length (regular files). */
  size: number;
  /** Symlink target, or for a hardlink the name of the entry it links to. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Regular files: the content, read when iterated (before the next entry is asked for). */
  content?: () => Iterable<Uint8Array>;
}

/** A stat time in nanoseconds (the bigint stat's `*Ns`) as a Timespec. */
export function timespecOf(ns: bigint): Timespec {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}
