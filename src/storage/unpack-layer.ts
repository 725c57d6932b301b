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
 */
import { Transform, TransformCallback, pipeline as pipelineCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { InvalidContentError, UnsafeEntryError } from '../errors';
import { decompressStream } from './decompress';
import { cleanEntryPath } from './entry-path';
import { LayerWriter } from './layer-writer';
import { keepBinaryPaxXattrs } from './tar-pax';
import { TarHeader, metadataOfHeader } from './tar-reader';
import { whiteoutFromTarPath } from './whiteout';
import { StreamHash } from '../image/stream-hash';

export interface UnpackOptions {
  /** Lower layer directories already unpacked, top-most first: used only to copy up a hardlink target that exists only in a lower layer. */
  lowerDirs: string[];
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
  try {
    let size = 0;
    const extract = tar.extract();
    keepBinaryPaxXattrs(extract);
    extract.on('entry', (header, stream, next) => {
      applyEntry(writer, header as TarHeader, stream as EntryStream).then(
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

async function applyEntry(writer: LayerWriter, header: TarHeader, stream: EntryStream): Promise<number> {
  const entry = header.name;
  const path = cleanEntryPath(entry);
  const whiteout = whiteoutFromTarPath(path);
  if (whiteout.kind !== 'none') {
    await drain(stream);
    if (whiteout.kind === 'whiteout') writer.whiteout(entry, whiteout.path);
    if (whiteout.kind === 'opaque') writer.opaque(entry, whiteout.dir);
    return 0;
  }
  const type = header.type;
  if (path === '' && type !== 'directory') {
    throw new InvalidContentError(`unpack layer: entry \`${entry}\` of type ${type} names the layer root`);
  }
  const meta = metadataOfHeader(header);
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return writer.file(entry, path, meta, stream);
    case 'directory':
      writer.directory(entry, path, meta);
      break;
    case 'symlink':
      writer.symlink(entry, path, header.linkname ?? '', meta);
      await drain(stream);
      // A symlink's size is its target's length, and Docker's layer size (overlay2's) counts it.
      return Buffer.byteLength(header.linkname ?? '');
    case 'link':
      writer.hardlink(entry, path, hardlinkTarget(entry, header.linkname ?? ''));
      break;
    case 'character-device':
    case 'block-device':
    case 'fifo':
      writer.special(entry, path, type, [header.devmajor ?? 0, header.devminor ?? 0], meta);
      break;
    default:
      break; // unknown entry types carry nothing a container can use
  }
  await drain(stream);
  return 0;
}

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
