import { RegistryClient } from '../../../../src/image/registry/client';
import { AuthError } from '../../../../src/errors';
import { MediaType } from '../../../../src/image/media-types';
import { FakeRegistry, FakeRegistryOptions } from './fake-registry';

const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] }));

describe('registry authentication over HTTP', () => {
  let registry: FakeRegistry;
  const clients: RegistryClient[] = [];

  async function setUp(options: FakeRegistryOptions): Promise<void> {
    registry = await new FakeRegistry(options).start();
    registry.addManifest('team/app', 'v1', MediaType.OciIndex, body);
  }
  function client(credentials?: { username: string; password: string }): RegistryClient {
    const c = new RegistryClient({ host: registry.host, insecure: true, credentials });
    clients.push(c);
    return c;
  }
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await registry.stop();
  });

  test('bearer: an anonymous token for the pull scope, fetched once and reused', async () => {
    await setUp({ auth: 'bearer' });
    const c = client();
    await c.getManifest('team/app', 'v1');
    await c.headManifest('team/app', 'v1');
    expect(registry.tokenRequests).toHaveLength(1);
    const tokenUrl = new URL(registry.tokenRequests[0].url, registry.baseUrl);
    expect(tokenUrl.searchParams.get('service')).toBe('fake, registry'); // quoted comma survived
    expect(tokenUrl.searchParams.getAll('scope')).toEqual(['repository:team/app:pull']);
    expect(registry.tokenRequests[0].headers.authorization).toBeUndefined();
    const manifestRequests = registry.apiRequests.filter((r) => r.url.includes('/manifests/'));
    expect(manifestRequests.every((r) => /^Bearer [0-9a-f]+$/.test(String(r.headers.authorization)))).toBe(true);
  });

  test('bearer: credentials go to the token service as Basic, never to the registry', async () => {
    await setUp({ auth: 'bearer', users: { alice: 's3cret' } });
    const c = client({ username: 'alice', password: 's3cret' });
    await c.ping();
    await c.putManifest('team/app', 'v2', MediaType.OciIndex, body);
    await c.getManifest('team/app', 'v2'); // served by the pull,push token
    const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    expect(registry.tokenRequests.every((r) => r.headers.authorization === basic)).toBe(true);
    expect(registry.tokenRequests.map((r) => new URL(r.url, registry.baseUrl).searchParams.getAll('scope'))).toEqual([
      [],
      ['repository:team/app:pull,push'],
    ]);
    expect(registry.apiRequests.some((r) => String(r.headers.authorization).startsWith('Basic'))).toBe(false);
  });

  test('bearer: the token service may answer with access_token', async () => {
    await setUp({ auth: 'bearer', tokenField: 'access_token' });
    await expect(client().getManifest('team/app', 'v1')).resolves.toMatchObject({ mediaType: MediaType.OciIndex });
  });

  test('bearer: a wrong password is an AuthError from the token service', async () => {
    await setUp({ auth: 'bearer', users: { alice: 's3cret' } });
    const err = await client({ username: 'alice', password: 'nope' }).ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/unauthorized: incorrect username or password/);
  });

  test('bearer: a repository the token does not grant is "pull access denied"', async () => {
    await setUp({ auth: 'bearer', privateRepos: ['team/app'] });
    const err = await client().getManifest('team/app', 'v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toBe(
      `pull access denied for \`${registry.host}/team/app\`, repository does not exist or may require 'berth login': unauthorized: authentication required`,
    );
  });

  test('bearer: an anonymous push is refused with an AuthError', async () => {
    await setUp({ auth: 'bearer' });
    const err = await client().putManifest('team/app', 'v2', MediaType.OciIndex, body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/^push manifest .*: unauthorized: authentication required$/);
  });

  test('basic: credentials are sent on every request when the registry asks for Basic', async () => {
    await setUp({ auth: 'basic', users: { bob: 'pw' } });
    const c = client({ username: 'bob', password: 'pw' });
    await c.ping();
    await c.getManifest('team/app', 'v1');
    const sent = registry.apiRequests.slice(1).map((r) => r.headers.authorization);
    expect(sent).toEqual([`Basic ${Buffer.from('bob:pw').toString('base64')}`, `Basic ${Buffer.from('bob:pw').toString('base64')}`]);
    expect(registry.tokenRequests).toHaveLength(0);
  });

  test('basic: without credentials the login check fails with an AuthError', async () => {
    await setUp({ auth: 'basic', users: { bob: 'pw' } });
    const err = await client().ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toBe(`login to \`${registry.host}\`: unauthorized: authentication required`);
  });

  test('basic: a wrong password is an AuthError after one try', async () => {
    await setUp({ auth: 'basic', users: { bob: 'pw' } });
    await expect(client({ username: 'bob', password: 'bad' }).getManifest('team/app', 'v1')).rejects.toThrow(/pull access denied/);
    expect(registry.apiRequests.filter((r) => r.url.includes('/manifests/'))).toHaveLength(1);
  });
});
