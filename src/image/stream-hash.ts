/**
 * A sha256 (or sha512) over a stream, computed where it costs the calling
 * thread least. Handing a chunk to a worker costs the caller a copy and a
 * postMessage, about 2 ms per MB on this VM; hashing it in place costs
 * 0.8 ms per MB with the CPU's SHA instructions (x86 SHA-NI, ARMv8 SHA2)
 * but 5 ms per MB without them. So once a stream proves large (8 MiB:
 * small blobs never pay for the decision), the hash measures how fast this
 * CPU hashes (once per process, on 1 MiB) and stays inline when that is
 * faster than the hand-off, else moves to a worker, where it runs beside
 * tar parsing and file creation.
 *
 * verifiedStream passes content through and ends it only once its digest
 * is the expected one, for readers of the store that send what they read on
 * (save): a blob damaged on disk never reaches them whole.
 */
import { createHash, Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import { Worker } from 'node:worker_threads';

const WORKER_THRESHOLD = 8 * 1024 * 1024;
/** Below this inline speed a worker costs the calling thread less. */
const INLINE_MIN_BYTES_PER_MS = 500 * 1000;
const CALIBRATION_BYTES = 1024 * 1024;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash(workerData);
parentPort.on('message', (chunk) => {
  if (chunk === null) {
    parentPort.postMessage(hash.digest('hex'));
    parentPort.close();
  } else {
    hash.update(new Uint8Array(chunk));
  }
});
`;

const inlineIsFast = new Map<string, boolean>();

/** Whether hashing in place beats the hand-off to a worker, measured once per algorithm. */
function hashesFastInline(algorithm: string): boolean {
  let fast = inlineIsFast.get(algorithm);
  if (fast === undefined) {
    const sample = Buffer.alloc(CALIBRATION_BYTES, 0x5a);
    createHash(algorithm).update(sample.subarray(0, 64 * 1024)).digest(); // warm up
    const start = process.hrtime.bigint();
    createHash(algorithm).update(sample).digest();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    fast = CALIBRATION_BYTES / Math.max(ms, 1e-3) >= INLINE_MIN_BYTES_PER_MS;
    inlineIsFast.set(algorithm, fast);
  }
  return fast;
}

export class StreamHash {
  private inline: Hash | undefined;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private worker: Worker | undefined;
  private result: Promise<string> | undefined;

  constructor(private readonly algorithm: 'sha256' | 'sha512' = 'sha256') {}

  update(chunk: Uint8Array): void {
    if (this.inline) {
      this.inline.update(chunk);
    } else if (this.worker) {
      this.send(chunk);
    } else {
      this.buffered.push(chunk);
      this.bufferedBytes += chunk.length;
      if (this.bufferedBytes >= WORKER_THRESHOLD) this.decide();
    }
  }

  private decide(): void {
    if (hashesFastInline(this.algorithm)) this.hashInline();
    else this.startWorker();
  }

  private hashInline(): void {
    this.inline = createHash(this.algorithm);
    for (const chunk of this.buffered) this.inline.update(chunk);
    this.buffered = [];
  }

  private send(chunk: Uint8Array): void {
    // Copy into a fresh buffer we can transfer: the caller keeps using `chunk`.
    const copy = new Uint8Array(chunk);
    this.worker!.postMessage(copy.buffer, [copy.buffer]);
  }

  private startWorker(): void {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: this.algorithm });
    this.worker = worker;
    this.result = new Promise<string>((resolve, reject) => {
      worker.once('message', (hex: string) => resolve(`${this.algorithm}:${hex}`));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`hash worker exited with code ${code} before its digest`)));
    });
    // A failed stream may never ask for the digest: keep an unhandled rejection from surfacing.
    this.result.catch(() => undefined);
    for (const chunk of this.buffered) this.send(chunk);
    this.buffered = [];
  }

  /** The digest of everything passed to update(); ends the hash. */
  async digest(): Promise<string> {
    if (this.worker) {
      this.worker.postMessage(null);
      try {
        return await this.result!;
      } finally {
        this.worker = undefined;
      }
    }
    if (!this.inline) this.hashInline();
    return `${this.algorithm}:${this.inline!.digest('hex')}`;
  }

  /** Stops a worker that is no longer needed (the stream failed). */
  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.inline = undefined;
    this.buffered = [];
  }
}

/**
 * Passes a stream through while hashing it, holding its last chunk back
 * until the digest is known: the stream ends when the digest is `expected`,
 * and fails with `mismatch(actual)` otherwise, so whatever reads it never
 * receives the whole of content with another digest.
 */
export function verifiedStream(expected: string, mismatch: (actual: string) => Error): Transform {
  const hash = new StreamHash(expected.startsWith('sha512:') ? 'sha512' : 'sha256');
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback) {
      hash.digest().then(
        (actual) => (actual === expected ? callback(null, held) : callback(mismatch(actual))),
        (err: Error) => callback(err),
      );
    },
    destroy(err, callback) {
      hash.dispose();
      callback(err);
    },
  });
}

/** Test hook: forces the inline-or-worker choice instead of measuring it. */
export function setInlineHashingForTest(algorithm: 'sha256' | 'sha512', fast: boolean | undefined): void {
  if (fast === undefined) inlineIsFast.delete(algorithm);
  else inlineIsFast.set(algorithm, fast);
}
