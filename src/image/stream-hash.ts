/**
 * A sha256 over a stream that moves to a worker thread once the stream
 * proves large. This CPU hashes at about 185 MB/s on one core, so hashing a
 * 100 MB layer on the main thread would serialise with tar parsing and file
 * creation; on a worker it runs beside them. Small streams (most config
 * blobs and small layers) never pay for starting a worker.
 *
 * verifiedStream passes content through and ends it only once its digest
 * is the expected one, for readers of the store that send what they read on
 * (save): a blob damaged on disk never reaches them whole.
 */
import { createHash, Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import { Worker } from 'node:worker_threads';

const WORKER_THRESHOLD = 8 * 1024 * 1024;

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

export class StreamHash {
  private inline: Hash | undefined;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private worker: Worker | undefined;
  private result: Promise<string> | undefined;

  constructor(private readonly algorithm: 'sha256' | 'sha512' = 'sha256') {}

  update(chunk: Uint8Array): void {
    if (this.worker) {
      this.send(chunk);
      return;
    }
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes >= WORKER_THRESHOLD) this.startWorker();
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
    this.inline = createHash(this.algorithm);
    for (const chunk of this.buffered) this.inline.update(chunk);
    this.buffered = [];
    return `${this.algorithm}:${this.inline.digest('hex')}`;
  }

  /** Stops a worker that is no longer needed (the stream failed). */
  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
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
