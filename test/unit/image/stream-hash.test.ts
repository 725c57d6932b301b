import { createHash, randomBytes } from 'node:crypto';
import { StreamHash } from '../../../src/image/stream-hash';

function expected(chunks: Buffer[], algorithm = 'sha256'): string {
  const h = createHash(algorithm);
  for (const c of chunks) h.update(c);
  return `${algorithm}:${h.digest('hex')}`;
}

describe('StreamHash', () => {
  test('small streams are hashed inline', async () => {
    const chunks = [Buffer.from('hello '), Buffer.from('world')];
    const hash = new StreamHash();
    chunks.forEach((c) => hash.update(c));
    await expect(hash.digest()).resolves.toBe(expected(chunks));
  });

  test('large streams move to a worker and give the same digest', async () => {
    const chunks = Array.from({ length: 40 }, () => randomBytes(512 * 1024));
    const hash = new StreamHash();
    for (const c of chunks) hash.update(c);
    const original = expected(chunks);
    // The caller may reuse its buffers once the worker runs: the hash must have copied them.
    chunks[39].fill(0);
    await expect(hash.digest()).resolves.toBe(original);
  });

  test('worker digest equals the inline digest for the same bytes', async () => {
    const chunks = Array.from({ length: 24 }, () => randomBytes(512 * 1024));
    const hash = new StreamHash('sha512');
    for (const c of chunks) hash.update(c);
    await expect(hash.digest()).resolves.toBe(expected(chunks, 'sha512'));
  });

  test('dispose stops the worker without a digest', () => {
    const hash = new StreamHash();
    for (let i = 0; i < 20; i++) hash.update(randomBytes(512 * 1024));
    expect(() => hash.dispose()).not.toThrow();
  });
});
