import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RegistryClient } from '../../../../src/image/registry/client';
import { DigestMismatchError } from '../../../../src/errors';
import { FakeRegistry, sha256 } from './fake-registry';

describe('RegistryClient blob push', () => {
  let registry: FakeRegistry;
  let client: RegistryClient;
  let dir: string;
  let file: string;
  const data = randomBytes(100_000);
  const desc = { digest: sha256(data), size: data.length };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-upload-'));
    file = path.join(dir, 'blob');
    fs.writeFileSync(file, data);
    registry = await new FakeRegistry({ auth: 'bearer', users: { u: 'p' } }).start();
    client = new RegistryClient({ host: registry.host, insecure: true, credentials: { username: 'u', password: 'p' } });
  });
  afterEach(async () => {
    client.close();
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const uploadRequests = () => registry.apiRequests.filter((r) => r.url.includes('/blobs/uploads/'));

  test('monolithic: POST then one PUT ?digest= with the whole file', async () => {
    expect(await client.blobExists('a/b', desc.digest)).toBe(false);
    await client.uploadBlob('a/b', desc, file);
    expect(registry.blobs.get(`a/b@${desc.digest}`)?.equals(data)).toBe(true);
    expect(uploadRequests().map((r) => r.method)).toEqual(['POST', 'PUT']);
    const put = uploadRequests()[1];
    expect(new URL(put.url, registry.baseUrl).searchParams.get('digest')).toBe(desc.digest);
    expect(new URL(put.url, registry.baseUrl).searchParams.get('_state')).toBe('0'); // the Location's own query kept
    expect(put.headers['content-length']).toBe(String(data.length));
    expect(await client.blobExists('a/b', desc.digest)).toBe(true);
  });

  test('chunked: PATCH requests with Content-Range, then an empty PUT ?digest=', async () => {
    await client.uploadBlob('a/b', desc, file, { chunkSize: 40_000 });
    expect(registry.blobs.get(`a/b@${desc.digest}`)?.equals(data)).toBe(true);
    const requests = uploadRequests();
    expect(requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH', 'PUT']);
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.headers['content-range'])).toEqual([
      '0-39999',
      '40000-79999',
      '80000-99999',
    ]);
    expect(requests[4].headers['content-length']).toBe('0');
  });

  test('an empty blob uploads in either mode', async () => {
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    await client.uploadBlob('a/b', { digest: sha256(''), size: 0 }, empty, { chunkSize: 10 });
    await client.uploadBlob('a/c', { digest: sha256(''), size: 0 }, empty);
    expect(registry.blobs.get(`a/b@${sha256('')}`)?.length).toBe(0);
    expect(registry.blobs.get(`a/c@${sha256('')}`)?.length).toBe(0);
  });

  test('a file whose size differs from the descriptor is refused before upload', async () => {
    await expect(client.uploadBlob('a/b', { ...desc, size: desc.size + 1 }, file)).rejects.toBeInstanceOf(DigestMismatchError);
    expect(uploadRequests()).toHaveLength(0);
  });

  test('cross-repository mount: true when the registry links it, false (session cancelled) otherwise', async () => {
    await client.uploadBlob('src/repo', desc, file);
    expect(await client.mountBlob('dst/repo', desc.digest, 'src/repo')).toBe(true);
    expect(registry.blobs.get(`dst/repo@${desc.digest}`)?.equals(data)).toBe(true);
    const mountUrl = new URL(uploadRequests()[2].url, registry.baseUrl);
    expect(mountUrl.searchParams.get('mount')).toBe(desc.digest);
    expect(mountUrl.searchParams.get('from')).toBe('src/repo');
    // The token asked for both repositories.
    const scopes = registry.tokenRequests.map((r) => new URL(r.url, registry.baseUrl).searchParams.getAll('scope'));
    expect(scopes).toContainEqual(['repository:dst/repo:pull,push', 'repository:src/repo:pull']);

    expect(await client.mountBlob('dst/other', sha256('absent'), 'src/repo')).toBe(false);
    expect(uploadRequests().map((r) => r.method).slice(-2)).toEqual(['POST', 'DELETE']);
  });
});
