/**
 * Layer blobs arrive gzip- or zstd-compressed or as plain tar, and the media
 * type is not always truthful, so the format is sniffed from the first bytes:
 * gzip (1f 8b) goes through zlib, zstd (28 b5 2f fd) through Debian's
 * `zstd -dc` in a child process (Node 20 has no zstd), anything else passes
 * through unchanged. Everything streams; errors and a failed exit surface as
 * errors on the returned stream.
 */
import { ChildProcessByStdio, spawn } from 'node:child_process';
import { Duplex, PassThrough, Readable, Transform, TransformCallback, Writable, pipeline } from 'node:stream';
import * as zlib from 'node:zlib';
import { InvalidContentError } from '../errors';

export type CompressionFormat = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const SNIFF_LENGTH = ZSTD_MAGIC.length;
const GUNZIP_CHUNK_SIZE = 256 * 1024;

/** The compression of a stream that starts with `head` (at least 4 bytes unless the stream is shorter). */
export function detectCompression(head: Uint8Array): CompressionFormat {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/** The uncompressed bytes of `source`, whatever its compression. */
export function decompressStream(source: NodeJS.ReadableStream): Readable {
  const decompressor = new SniffingDecompressor();
  pipeline(source as Readable, decompressor, () => {
    // pipeline destroys the decompressor with the error; readers see it there.
  });
  return decompressor;
}

/** Buffers the first bytes, picks a decoder, then feeds everything through it. */
class SniffingDecompressor extends Transform {
  private head: Buffer[] = [];
  private headLength = 0;
  private decoder?: Duplex;
  private decoderEnded?: Promise<void>;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.decoder) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      if (this.headLength < SNIFF_LENGTH) return callback();
      chunk = this.startDecoder();
    }
    this.feed(chunk, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.decoder) {
      const rest = this.startDecoder();
      if (rest.length > 0) this.decoder!.write(rest);
    }
    this.decoder!.end();
    this.decoderEnded!.then(() => callback(), (err: Error) => callback(err));
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.decoder && !this.decoder.destroyed) this.decoder.destroy();
    callback(err);
  }

  /** Creates the decoder for the sniffed format; returns the buffered head to feed it. */
  private startDecoder(): Buffer {
    const head = Buffer.concat(this.head);
    this.head = [];
    const decoder = createDecoder(detectCompression(head));
    this.decoder = decoder;
    this.decoderEnded = new Promise<void>((resolve, reject) => {
      decoder.on('end', resolve);
      decoder.on('error', reject);
    });
    // An error before flush must fail the stream now, not at the end; then
    // nothing awaits decoderEnded, whose rejection must not go unhandled.
    this.decoderEnded.catch(() => undefined);
    decoder.on('error', (err) => this.destroy(err));
    decoder.on('data', (data: Buffer) => {
      if (!this.push(data)) decoder.pause();
    });
    return head;
  }

  override _read(size: number): void {
    if (this.decoder?.isPaused()) this.decoder.resume();
    super._read(size);
  }

  private feed(chunk: Buffer, callback: TransformCallback): void {
    if (this.decoder!.write(chunk)) return callback();
    this.decoder!.once('drain', () => callback());
  }
}

function createDecoder(format: CompressionFormat): Duplex {
  switch (format) {
    case 'gzip':
      // Bigger output chunks than zlib's 16 KiB: fewer thread-pool hand-offs and write(2)s downstream.
      return zlib.createGunzip({ chunkSize: GUNZIP_CHUNK_SIZE });
    case 'zstd':
      return new ZstdDecoder();
    case 'none':
      return new PassThrough();
  }
}

/**
 * `zstd -dc` as a Duplex: writes go to its stdin, its stdout is the readable
 * side, and the readable side ends only after zstd exited 0, so a truncated or
 * corrupt frame is an error rather than a short read.
 */
class ZstdDecoder extends Duplex {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private stderr = '';
  private stdoutEnded = false;
  private exitCode: number | null | undefined;
  private exitSignal: NodeJS.Signals | null = null;

  constructor() {
    super();
    this.child = spawn('zstd', ['-dc', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', (err) => {
      this.destroy(
        new InvalidContentError(`decompress layer: cannot run \`zstd\`: ${err.message}`, {
          cause: err,
          hint: 'install the zstd package (apt-get install zstd)',
        }),
      );
    });
    // EPIPE when zstd stops reading early: its exit status tells the story.
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.on('data', (data: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += data.toString('utf8');
    });
    this.child.stdout.on('data', (data: Buffer) => {
      if (!this.push(data)) this.child.stdout.pause();
    });
    this.child.stdout.on('end', () => {
      this.stdoutEnded = true;
      this.finishIfDone();
    });
    this.child.on('close', (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      this.finishIfDone();
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child.stdin.write(chunk)) return callback();
    this.child.stdin.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end(() => callback());
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    callback(err);
  }

  private finishIfDone(): void {
    if (!this.stdoutEnded || this.exitCode === undefined || this.destroyed) return;
    if (this.exitCode === 0) {
      this.push(null);
      return;
    }
    const how = this.exitSignal ? `was killed by ${this.exitSignal}` : `exited with code ${this.exitCode}`;
    const detail = this.stderr.trim();
    this.destroy(new InvalidContentError(`decompress layer: \`zstd -dc\` ${how}${detail ? `: ${detail}` : ''}`));
  }
}

function startsWith(head: Uint8Array, magic: number[]): boolean {
  if (head.length < magic.length) return false;
  return magic.every((byte, i) => head[i] === byte);
}
