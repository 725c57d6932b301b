/**
 * Reading tar archives, for layers and for `cp - CONTAINER:DIR`, with one
 * parser: tar-stream, its PAX headers decoded binary-safe (tar-pax.ts:
 * `SCHILY.xattr.*` stay Buffers), and one mapping of a header to an
 * entry's metadata (ids, times and xattrs from PAX records when present).
 * The layer unpacker (unpack-layer.ts) streams entries into its layer
 * directory; extractTar() writes a plain archive (no whiteouts) into a
 * private directory through the tree writer, from where a synchronous
 * copy can take it (a stopped container's root is only mounted in a mount
 * namespace that nothing asynchronous may run in).
 */
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { UnsafeEntryError } from '../errors';
import * as at from '../sys/fs-at';
import { cleanEntryPath } from './entry-path';
import { keepBinaryPaxXattrs, paxId, paxTime, paxXattrs } from './tar-pax';
import type { EntryMetadata, TreeEntryType } from './tree-entry';
import { TreeWriter } from './tree-writer';
import { isOverlayXattr } from './whiteout';

/** A header as tar-stream hands it over. */
export type TarHeader = Omit<tar.Header, 'type' | 'pax'> & { type: tar.Header['type'] | null; pax?: Record<string, unknown> | null };

const ENTRY_TYPES: Partial<Record<string, TreeEntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  link: 'link',
  symlink: 'symlink',
  'character-device': 'character-device',
  'block-device': 'block-device',
  directory: 'directory',
  fifo: 'fifo',
};

/** The entry type of a header; undefined for types that carry nothing to create. */
export function entryTypeOf(header: TarHeader): TreeEntryType | undefined {
  return header.type === null ? undefined : ENTRY_TYPES[header.type];
}

/** Mode, ids, times (PAX first) and xattrs of a header; trusted.overlay.* never comes from an archive. */
export function metadataOfHeader(header: TarHeader): Required<EntryMetadata> {
  const pax = header.pax ?? undefined;
  const mtime = paxTime(pax?.mtime) ?? timespecOfMs(header.mtime?.getTime() ?? 0);
  return {
    mode: (header.mode ?? 0) & 0o7777,
    uid: paxId(pax?.uid) ?? header.uid ?? 0,
    gid: paxId(pax?.gid) ?? header.gid ?? 0,
    mtime,
    atime: paxTime(pax?.atime) ?? mtime,
    // They would forge whiteouts or redirects: only berth's own conversion sets them.
    xattrs: paxXattrs(pax).filter(([name]) => !isOverlayXattr(name)),
  };
}

function timespecOfMs(ms: number): at.Timespec {
  const sec = Math.floor(ms / 1000);
  return { sec, nsec: (ms - sec * 1000) * 1_000_000 };
}

/**
 * Extracts the tar archive `source` into `targetDir` (private: nothing else
 * writes there), as Docker's extraction for `cp` does: entries keep their
 * ids, modes, times and xattrs, a directory never replaces a non-directory
 * nor the other way round, `.wh.` names are plain files. Returns the bytes
 * of the archive read.
 */
export async function extractTar(source: NodeJS.ReadableStream, targetDir: string, verb: string): Promise<number> {
  const rootFd = at.openat2(at.AT_FDCWD, targetDir, { flags: at.O_PATH | at.O_DIRECTORY | at.O_CLOEXEC, resolve: 0 });
  const tree = new TreeWriter(rootFd, { resolve: 'beneath', ownership: 'entry', conflicts: 'same-kind', verb });
  let bytes = 0;
  try {
    const extract = tar.extract();
    keepBinaryPaxXattrs(extract);
    extract.on('entry', (header, stream, next) => {
      extractEntry(tree, header as TarHeader, stream as AsyncIterable<Uint8Array>, verb).then(() => next(), (err: Error) => next(err));
    });
    const counted = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    await pipeline(source as NodeJS.ReadableStream & AsyncIterable<Buffer>, counted, extract);
    tree.finish();
    return bytes;
  } finally {
    try {
      tree.close();
    } finally {
      at.close(rootFd);
    }
  }
}

async function extractEntry(tree: TreeWriter, header: TarHeader, stream: AsyncIterable<Uint8Array>, verb: string): Promise<void> {
  const type = entryTypeOf(header);
  const path = archivePath(header.name, header.name, verb);
  if (type === 'file') {
    const file = tree.createFile(path, metadataOfHeader(header), header.name);
    try {
      for await (const chunk of stream) file.write(chunk);
    } catch (err) {
      file.abort();
      throw err;
    }
    file.done();
    return;
  }
  for await (const _chunk of stream) {
    // only regular files carry data worth keeping
  }
  if (type === undefined) return;
  const linkname = header.linkname ?? '';
  tree.write(path, {
    ...metadataOfHeader(header),
    name: header.name,
    type,
    size: 0,
    linkname: type === 'link' ? archivePath(linkname, header.name, verb) : linkname,
    devmajor: header.devmajor ?? 0,
    devminor: header.devminor ?? 0,
  });
}

/** The root-relative form of an archive name; one climbing above the archive's root is refused. */
function archivePath(name: string, entry: string, verb: string): string {
  try {
    return cleanEntryPath(name, entry);
  } catch (err) {
    if (!(err instanceof UnsafeEntryError)) throw err;
    throw new UnsafeEntryError(`${verb}: entry \`${entry}\` climbs out of the destination directory`, { cause: err });
  }
}
