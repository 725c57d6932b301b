import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setInlineHashingForTest, StreamHash, verifiedStream } from '../../../src/image/stream-hash';

function expected(chunks: Buffer[], algorithm = 'sha256'): string {
  const h = createHash(algorithm);
  for (const c of chunks) h.update(c);
  return `${algorithm}:${h.digest('hex')}`;
}

describe('StreamHash', () => {
  afterEach(() => {
    setInlineHashingForTest('sha256', undefined);
    setInlineHashingForTest('sha512', undefined);
  });

  test('small streams are hashed inline', async () => {
    const chunks = [Buffer.from('hello '), Buffer.from('world')];
    const hash = new StreamHash();
    chunks.forEach((c) => hash.update(c));
    await expect(hash.digest()).resolves.toBe(expected(chunks));
  });

  test('large streams on a CPU that hashes fast stay inline and give the same digest', async () => {
    setInlineHashingForTest('sha256', true);
    const chunks = Array.from({ length: 40 }, () => randomBytes(512 * 1024));
    const hash = new StreamHash();
    for (const c of chunks) hash.update(c);
    await expect(hash.digest()).resolves.toBe(expected(chunks));
  });

  test('whichever way this CPU goes, a large stream gives the same digest', async () => {
    const chunks = Array.from({ length: 20 }, () => randomBytes(512 * 1024));
    const hash = new StreamHash();
    for (const c of chunks) hash.update(c);
    await expect(hash.digest()).resolves.toBe(expected(chunks));
  });

  test('large streams move to a worker and give the same digest', async () => {
    setInlineHashingForTest('sha256', false);
    const chunks = Array.from({ length: 40 }, () => randomBytes(512 * 1024));
    const hash = new StreamHash();
    for (const c of chunks) hash.update(c);
    const original = expected(chunks);
    // The caller may reuse its buffers once the worker runs: the hash must have copied them.
    chunks[39].fill(0);
    await expect(hash.digest()).resolves.toBe(original);
  });

  test('worker digest equals the inline digest for the same bytes', async () => {
    setInlineHashingForTest('sha512', false);
    const chunks = Array.from({ length: 24 }, () => randomBytes(512 * 1024));
    const hash = new StreamHash('sha512');
    for (const c of chunks) hash.update(c);
    await expect(hash.digest()).resolves.toBe(expected(chunks, 'sha512'));
  });

  test('dispose stops the worker without a digest', () => {
    setInlineHashingForTest('sha256', false);
    const hash = new StreamHash();
    for (let i = 0; i < 20; i++) hash.update(randomBytes(512 * 1024));
    expect(() => hash.dispose()).not.toThrow();
  });
});

describe('verifiedStream', () => {
  /** Pipes `chunks` through verifiedStream(expected) and returns what came out, and the error if any. */
  async function through(chunks: Buffer[], expectedDigest: string): Promise<{ out: Buffer; error?: Error }> {
    const received: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        callback();
      },
    });
    let error: Error | undefined;
    try {
      await pipeline(Readable.from(chunks), verifiedStream(expectedDigest, (actual) => new Error(`got ${actual}`)), sink);
    } catch (err) {
      error = err as Error;
    }
    return { out: Buffer.concat(received), error };
  }

  test('passes content with the expected digest through whole', async () => {
    const chunks = [Buffer.from('abc'), Buffer.from('def'), Buffer.from('ghi')];
    await expect(through(chunks, expected(chunks))).resolves.toEqual({ out: Buffer.from('abcdefghi'), error: undefined });
  });

  test('content with another digest fails, and its last chunk never comes out', async () => {
    const chunks = [Buffer.from('abc'), Buffer.from('def'), Buffer.from('ghi')];
    const { out, error } = await through(chunks, expected([Buffer.from('abcdefghX')]));
    expect(error?.message).toBe(`got ${expected(chunks)}`);
    expect(out.toString()).toBe('abcdef');
  });

  test('a large damaged stream (hashed on a worker) is cut too', async () => {
    const chunks = Array.from({ length: 24 }, () => randomBytes(512 * 1024));
    const { out, error } = await through(chunks, expected(chunks.slice(1)));
    expect(error?.message).toMatch(/^got sha256:/);
    expect(out.length).toBe(23 * 512 * 1024);
  });

  test('empty content with the digest of nothing passes', async () => {
    await expect(through([], expected([]))).resolves.toEqual({ out: Buffer.alloc(0), error: undefined });
  });
});
