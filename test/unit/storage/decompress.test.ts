import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { InvalidContentError } from '../../../src/errors';
import { decompressStream, detectCompression } from '../../../src/storage/decompress';

function zstd(data: Buffer): Buffer {
  const result = spawnSync('zstd', ['-c', '-q', '-3'], { input: data, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr}`);
  return result.stdout;
}

/** A source that yields `data` in chunks of `size`, to exercise sniffing across chunk boundaries. */
function chunked(data: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

// Compressible yet varied: 3 MB of repeated random blocks.
const payload = Buffer.concat(Array.from({ length: 48 }, () => Buffer.concat([randomBytes(32 * 1024), Buffer.alloc(32 * 1024, 7)])));

describe('detectCompression', () => {
  it('sniffs gzip, zstd and anything else', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(detectCompression(Buffer.from('ustar'))).toBe('none');
    expect(detectCompression(Buffer.from([0x1f]))).toBe('none');
    expect(detectCompression(Buffer.alloc(0))).toBe('none');
  });
});

describe('decompressStream', () => {
  it('gunzips gzip input', async () => {
    expect((await collect(decompressStream(chunked(zlib.gzipSync(payload), 1000)))).equals(payload)).toBe(true);
  });

  it('decodes zstd input through the zstd child process', async () => {
    expect((await collect(decompressStream(chunked(zstd(payload), 64 * 1024)))).equals(payload)).toBe(true);
  });

  it('passes plain data through, even when the magic is split across 1-byte chunks', async () => {
    expect((await collect(decompressStream(chunked(payload.subarray(0, 5000), 1)))).equals(payload.subarray(0, 5000))).toBe(true);
    const gz = zlib.gzipSync(Buffer.from('hello'));
    expect((await collect(decompressStream(chunked(gz, 1)))).toString()).toBe('hello');
  });

  it('handles inputs shorter than the magic, and empty ones', async () => {
    expect((await collect(decompressStream(chunked(Buffer.from('ab'), 1)))).toString()).toBe('ab');
    expect((await collect(decompressStream(Readable.from([], { objectMode: false })))).length).toBe(0);
  });

  it('fails on a truncated zstd frame with zstd exit status', async () => {
    const compressed = zstd(payload);
    const truncated = compressed.subarray(0, compressed.length - 100);
    const error = await collect(decompressStream(chunked(truncated, 4096))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidContentError);
    expect((error as Error).message).toMatch(/^decompress layer: `zstd -dc` exited with code \d+/);
  });

  it('fails on corrupt gzip data', async () => {
    const gz = zlib.gzipSync(payload);
    gz.fill(0x55, 100, 200);
    await expect(collect(decompressStream(chunked(gz, 4096)))).rejects.toThrow();
  });

  it('corrupt gzip found before the source ends fails the stream and leaves no unhandled rejection', async () => {
    // A pull feeds the unpack from the download and ends it only once the blob is verified:
    // the gzip error comes first, and the decompressor is never flushed.
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const gz = zlib.gzipSync(randomBytes(512 * 1024));
      // The trailer's CRC32 (bytes -8..-5), so zlib fails at its check whatever blocks deflate chose for the data.
      gz[gz.length - 6] ^= 0xff;
      const source = new PassThrough();
      const out = decompressStream(source);
      source.write(gz);
      await expect(collect(out)).rejects.toThrow('incorrect data check');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('propagates an error of the source', async () => {
    const source = new PassThrough();
    const out = decompressStream(source);
    source.write(zlib.gzipSync(Buffer.from('partial')).subarray(0, 10));
    setImmediate(() => source.destroy(new Error('connection reset')));
    await expect(collect(out)).rejects.toThrow('connection reset');
  });

  it('propagates a source error while zstd is running, and kills zstd', async () => {
    const source = new PassThrough();
    const out = decompressStream(source);
    source.write(zstd(payload).subarray(0, 50_000));
    setTimeout(() => source.destroy(new Error('blob read failed')), 50);
    await expect(collect(out)).rejects.toThrow('blob read failed');
  });
});
