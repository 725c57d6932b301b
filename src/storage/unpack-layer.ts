/**
 * Applies one layer blob (gzip, zstd or plain tar) to a fresh directory that
 * later serves as an overlayfs lowerdir, in one streaming pass, computing
 * the diffID (sha256 of the uncompressed tar) as the bytes flow.
 *
 *   source -> count compressed bytes -> decompress -> sha256 -> tar-stream extract
 *                                                                    |
 *                     entry path cleaned (entry-path.ts), metadata read
 *                     (tar-reader.ts), whiteouts mapped (whiteout.ts),
 *                     written through fds (layer-writer.ts, tree-writer.ts)
 *
 * The lower layers may still be unpacking meanwhile (`lowersReady`): an
 * entry that could need them (a parent directory or hardlink target this
 * layer has not made, see own-entries.ts) waits until they are complete.
 */
import { Transform, TransformCallback, pipeline as pipelineCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidContentError, UnsafeEntryError } from '../errors';
import { decompressStream } from './decompress';
import { cleanEntryPath } from './entry-path';
import { LayerWriter } from './layer-writer';
import { OwnEntries } from './own-entries';
import { keepBinaryPaxXattrs } from './tar-pax';
import { TarHeader, metadataOfHeader } from './tar-reader';
import { whiteoutFromTarPath } from './whiteout';
import { StreamHash } from '../image/stream-hash';

export interface UnpackOptions {
  /**
   * Lower layer directories, top-most first. Consulted only to copy up a
   * hardlink target that exists only in a lower layer and for the metadata
   * of a parent directory the tar does not list.
   */
  lowerDirs: string[];
  /**
   * Settles once every lower directory is complete; until then an entry
   * that may consult them waits (a rejection fails the unpack). Omitted:
   * they are complete.
   */
  lowersReady?: Promise<unknown>;
  /** Called as compressed bytes are read, with the running total. */
  onProgress?: (compressedBytes: number) => void;
}

export interface UnpackResult {
  /** `sha256:<hex>` of the uncompressed tar stream. */
  diffId: string;
  /** What Docker's overlay2 counts for a layer: bytes of file content (hardlinks once) and of symlink targets. */
  size: number;
}

type EntryStream = AsyncIterable<Uint8Array>;

export async function unpackLayer(
  source: NodeJS.ReadableStream,
  targetDir: string,
  options: UnpackOptions,
): Promise<UnpackResult> {
  const writer = new LayerWriter(targetDir, options.lowerDirs);
  const hash = new StreamHash();
  const layer: LayerInProgress = { writer, own: new OwnEntries(), lowersReady: options.lowersReady };
  try {
    let size = 0;
    const extract = tar.extract();
    keepBinaryPaxXattrs(extract);
    extract.on('entry', (header, stream, next) => {
      applyEntry(layer, header as TarHeader, stream as EntryStream).then(
        (written) => {
          size += written;
          next();
        },
        (err: Error) => next(err),
      );
    });
    const counted = countBytes(options.onProgress);
    pipelineCallback(source as NodeJS.ReadableStream & AsyncIterable<Buffer>, counted, () => {
      // An error here destroys `counted`, which fails the pipeline below.
    });
    await pipeline(decompressStream(counted), hashBytes(hash), extract);
    writer.finish();
    return { diffId: await hash.digest(), size };
  } finally {
    hash.dispose();
    writer.close();
  }
}

interface LayerInProgress {
  writer: LayerWriter;
  own: OwnEntries;
  lowersReady?: Promise<unknown>;
}

async function applyEntry(layer: LayerInProgress, header: TarHeader, stream: EntryStream): Promise<number> {
  const { writer, own } = layer;
  const entry = header.name;
  const path = cleanEntryPath(entry);
  const whiteout = whiteoutFromTarPath(path);
  if (whiteout.kind !== 'none') {
    await drain(stream);
    if (whiteout.kind === 'whiteout') {
      if (!own.hasParentOf(whiteout.path)) await layer.lowersReady;
      writer.whiteout(entry, whiteout.path);
      own.addParentsOf(whiteout.path);
    }
    if (whiteout.kind === 'opaque') {
      if (!own.hasDirectory(whiteout.dir)) await layer.lowersReady;
      writer.opaque(entry, whiteout.dir);
      own.addDirectory(whiteout.dir);
    }
    return 0;
  }
  const type = header.type;
  if (path === '' && type !== 'directory') {
    throw new InvalidContentError(`unpack layer: entry \`${entry}\` of type ${type} names the layer root`);
  }
  const meta = metadataOfHeader(header);
  const target = type === 'link' ? hardlinkTarget(entry, header.linkname ?? '') : undefined;
  const known = type === null || !KNOWN_TYPES.has(type) || (own.hasParentOf(path) && (target === undefined || own.hasNonDirectory(target)));
  if (!known) await layer.lowersReady;
  switch (type) {
    case 'file':
    case 'contiguous-file': {
      const written = await writer.file(entry, path, meta, stream);
      own.addNonDirectory(path);
      return written;
    }
    case 'directory':
      writer.directory(entry, path, meta);
      own.addDirectory(path);
      break;
    case 'symlink':
      writer.symlink(entry, path, header.linkname ?? '', meta);
      own.addNonDirectory(path);
      await drain(stream);
      // A symlink's size is its target's length, and Docker's layer size (overlay2's) counts it.
      return Buffer.byteLength(header.linkname ?? '');
    case 'link':
      writer.hardlink(entry, path, target!);
      own.addNonDirectory(target!); // copied up when only a lower layer had it
      own.addNonDirectory(path);
      break;
    case 'character-device':
    case 'block-device':
    case 'fifo':
      writer.special(entry, path, type, [header.devmajor ?? 0, header.devminor ?? 0], meta);
      own.addNonDirectory(path);
      break;
    default:
      break; // unknown entry types carry nothing a container can use
  }
  await drain(stream);
  return 0;
}

/** The entry types the writer creates; others are skipped and never need the lower layers. */
const KNOWN_TYPES = new Set(['file', 'contiguous-file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo']);

function hardlinkTarget(entry: string, linkname: string): string {
  try {
    return cleanEntryPath(linkname, entry);
  } catch (err) {
    if (!(err instanceof UnsafeEntryError)) throw err;
    throw new UnsafeEntryError(`unpack layer: hardlink \`${entry}\` points outside the layer directory: \`${linkname}\``, {
      cause: err,
    });
  }
}

async function drain(stream: EntryStream): Promise<void> {
  for await (const _chunk of stream) {
    // discard: tar-stream only moves on once the entry's data is consumed
  }
}

function countBytes(onProgress: ((compressedBytes: number) => void) | undefined): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      total += chunk.length;
      onProgress?.(total);
      callback(null, chunk);
    },
  });
}

function hashBytes(hash: StreamHash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}
