import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RegistryClient } from '../../../../src/image/registry/client';
import { DigestMismatchError, NotFoundError, RegistryError } from '../../../../src/errors';
import { BlobStoreServer, FakeRegistry, FakeRegistryOptions, sha256 } from './fake-registry';

describe('RegistryClient.fetchBlob', () => {
  let registry: FakeRegistry;
  let client: RegistryClient;
  let dir: string;
  const data = randomBytes(256 * 1024 + 17);
  let digest: string;

  async function setUp(options: FakeRegistryOptions = {}, credentials?: { username: string; password: string }): Promise<void> {
    registry = await new FakeRegistry(options).start();
    digest = registry.addBlob('x/y', data);
    client = new RegistryClient({ host: registry.host, insecure: true, credentials, retryDelayMs: 10 });
  }
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-blob-'));
  });
  afterEach(async () => {
    client.close();
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('streams the blob to the file and reports progress', async () => {
    await setUp();
    const dest = path.join(dir, 'blob');
    const progress: number[] = [];
    await client.fetchBlob('x/y', { digest, size: data.length }, dest, { onProgress: (n) => progress.push(n) });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(progress[progress.length - 1]).toBe(data.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  test('hands each chunk on in order with its offset, once it is in the file', async () => {
    await setUp();
    const dest = path.join(dir, 'blob');
    const seen: Buffer[] = [];
    let expectedOffset = 0;
    await client.fetchBlob('x/y', { digest, size: data.length }, dest, {
      onChunk: async (chunk, offset) => {
        expect(offset).toBe(expectedOffset);
        expect(fs.statSync(dest).size).toBeGreaterThanOrEqual(offset + chunk.length);
        expectedOffset += chunk.length;
        seen.push(Buffer.from(chunk));
        await new Promise((resolve) => setImmediate(resolve)); // a slow consumer sets the pace
      },
    });
    expect(Buffer.concat(seen).equals(data)).toBe(true);
  });

  test('chunk offsets run on across a resumed connection and restart at 0 when the range is ignored', async () => {
    await setUp();
    registry.cutBlobAfter = 100_000;
    const resumed: number[] = [];
    await client.fetchBlob('x/y', { digest, size: data.length }, path.join(dir, 'a'), { onChunk: (c, offset) => void resumed.push(offset) });
    expect(resumed[0]).toBe(0);
    expect(resumed.every((offset, i) => i === 0 || offset > resumed[i - 1])).toBe(true);

    registry.cutBlobAfter = 50_000;
    registry.cutTimes = 1;
    registry.ignoreRange = true;
    const restarted: number[] = [];
    await client.fetchBlob('x/y', { digest, size: data.length }, path.join(dir, 'b'), { onChunk: (c, offset) => void restarted.push(offset) });
    expect(restarted.filter((offset) => offset === 0)).toHaveLength(2);
  });

  test('follows a redirect to another host without sending it the Authorization header', async () => {
    await setUp({ auth: 'bearer', users: { alice: 'pw' } }, { username: 'alice', password: 'pw' });
    const store = await new BlobStoreServer('127.0.0.2').start();
    try {
      registry.redirectBlobsTo = store;
      const dest = path.join(dir, 'blob');
      await client.fetchBlob('x/y', { digest, size: data.length }, dest);
      expect(fs.readFileSync(dest).equals(data)).toBe(true);
      const atRegistry = registry.apiRequests.find((r) => r.url.includes('/blobs/'));
      expect(atRegistry?.headers.authorization).toMatch(/^Bearer /);
      expect(store.requests).toHaveLength(1);
      expect(store.requests[0].url).toBe(`/store/${digest}?sig=abc`);
      expect(store.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await store.stop();
    }
  });

  test('resumes with a Range request after the server cuts the connection', async () => {
    await setUp();
    registry.cutBlobAfter = 100_000;
    registry.cutTimes = 2;
    const dest = path.join(dir, 'blob');
    await client.fetchBlob('x/y', { digest, size: data.length }, dest);
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    const ranges = registry.apiRequests.filter((r) => r.url.includes('/blobs/')).map((r) => r.headers.range);
    expect(ranges).toEqual([undefined, 'bytes=100000-', 'bytes=200000-']);
  });

  test('restarts the file and hash when the server ignores the Range', async () => {
    await setUp();
    registry.cutBlobAfter = 50_000;
    registry.ignoreRange = true;
    const dest = path.join(dir, 'blob');
    await client.fetchBlob('x/y', { digest, size: data.length }, dest);
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(registry.apiRequests.filter((r) => r.url.includes('/blobs/')).map((r) => r.headers.range)).toEqual([undefined, 'bytes=50000-']);
  });

  test('gives up after three tries and removes the partial file', async () => {
    await setUp();
    registry.cutBlobAfter = 1000;
    registry.cutTimes = 3;
    const dest = path.join(dir, 'blob');
    const err = await client.fetchBlob('x/y', { digest, size: data.length }, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(new RegExp(`^fetch blob \`${digest}\` from \`${registry.host}/x/y\`: connect to`));
    expect(fs.existsSync(dest)).toBe(false);
    expect(registry.apiRequests.filter((r) => r.url.includes('/blobs/'))).toHaveLength(3);
  });

  test('content that does not hash to the digest is deleted', async () => {
    await setUp();
    registry.blobBodyOverride = randomBytes(data.length);
    const dest = path.join(dir, 'blob');
    const err = await client.fetchBlob('x/y', { digest, size: data.length }, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/digest mismatch: content hashes to `sha256:/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  test('more bytes than the descriptor says is a size mismatch', async () => {
    await setUp();
    const dest = path.join(dir, 'blob');
    const err = await client.fetchBlob('x/y', { digest, size: data.length - 1 }, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/size mismatch/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  test('an unannounced longer body is caught while streaming', async () => {
    await setUp();
    // Chunked response (no Content-Length) longer than the descriptor: counted as it streams.
    registry.blobBodyOverride = Buffer.concat([data, Buffer.from('extra')]);
    registry.omitLength = true;
    const dest = path.join(dir, 'blob');
    const err = await client.fetchBlob('x/y', { digest, size: data.length }, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/size mismatch: expected \d+ bytes, registry sends at least/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  test('a body announced with another length is refused before it is written', async () => {
    await setUp();
    const dest = path.join(dir, 'blob');
    const err = await client.fetchBlob('x/y', { digest, size: data.length + 10 }, dest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect(fs.existsSync(dest)).toBe(false);
  });

  test('a missing blob is NotFoundError and is not retried', async () => {
    await setUp();
    const dest = path.join(dir, 'blob');
    const missing = sha256('nothing');
    await expect(client.fetchBlob('x/y', { digest: missing, size: 7 }, dest)).rejects.toBeInstanceOf(NotFoundError);
    expect(registry.apiRequests.filter((r) => r.url.includes('/blobs/'))).toHaveLength(1);
    expect(fs.existsSync(dest)).toBe(false);
  });
});
