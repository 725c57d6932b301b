/**
 * Layer blobs that berth makes itself (import, load of a docker-archive):
 * any tar (plain, gzip or zstd) is stored gzip-compressed, so the image has
 * a standard Docker schema 2 manifest that push and save can use as is, and
 * its diffID is computed over the uncompressed tar on the way. Also the one
 * place a stored layer blob is unpacked into the layer store for these verbs.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Store } from '../../image/store/store';
import { ImageLayer } from '../../image/store/image-store';
import { MediaType } from '../../image/media-types';
import { decompressStream } from '../../storage/decompress';
import { unpackLayer } from '../../storage/unpack-layer';
import { DigestMismatchError } from '../../errors/kinds';

export interface StoredLayerBlob {
  /** Digest of the stored gzip blob. */
  digest: string;
  /** Its size in bytes. */
  size: number;
  mediaType: string;
  /** sha256 of the uncompressed tar. */
  diffId: string;
}

/** Passes bytes through while hashing and counting them. */
class Hashing extends Transform {
  bytes = 0;
  constructor(private readonly hash: Hash) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** Stores the tar read from `source` (any compression) as a gzip blob. */
export async function storeGzipLayer(store: Store, source: NodeJS.ReadableStream): Promise<StoredLayerBlob> {
  const temp = store.blobs.tempPath('layer');
  const tarHash = createHash('sha256');
  const blobHash = createHash('sha256');
  const counted = new Hashing(blobHash);
  try {
    await pipeline(decompressStream(source), new Hashing(tarHash), zlib.createGzip(), counted, fs.createWriteStream(temp));
    const digest = `sha256:${blobHash.digest('hex')}`;
    await store.blobs.commitFile(temp, digest);
    return { digest, size: counted.bytes, mediaType: MediaType.DockerLayerGzip, diffId: `sha256:${tarHash.digest('hex')}` };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** sha256 of a stored blob's uncompressed content. */
export async function uncompressedDigest(store: Store, digest: string): Promise<string> {
  const hash = createHash('sha256');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback();
    },
  });
  await pipeline(decompressStream(fs.createReadStream(store.blobs.path(digest))), sink);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Unpacks `layer` (its blob already stored) on top of `parentChainId`. When
 * the layer is already unpacked, the blob is still checked against the
 * diffID, so a record never pairs a blob with a layer of other content.
 */
export async function unpackStoredLayer(store: Store, layer: ImageLayer, parentChainId: string | undefined, action: string): Promise<void> {
  if (store.layers.has(layer.chainId)) {
    const actual = await uncompressedDigest(store, layer.digest);
    if (actual !== layer.diffId) {
      throw new DigestMismatchError(`${action}: layer \`${layer.digest}\` has diffID \`${actual}\`, the image config expects \`${layer.diffId}\``);
    }
    return;
  }
  await store.layers.create(
    layer.chainId,
    parentChainId,
    (diffDir, lowerDirs) => unpackLayer(fs.createReadStream(store.blobs.path(layer.digest)), diffDir, { lowerDirs }),
    layer.diffId,
  );
}
