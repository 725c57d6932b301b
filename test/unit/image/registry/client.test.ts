import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { RegistryClient } from '../../../../src/image/registry/client';
import { RegistryResponseError } from '../../../../src/image/registry/errors';
import { DigestMismatchError, NotFoundError, RegistryError } from '../../../../src/errors';
import { MediaType } from '../../../../src/image/media-types';
import { FakeRegistry, sha256 } from './fake-registry';

const manifestBody = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: sha256('{}'), size: 2 },
    layers: [],
  }),
);

describe('RegistryClient manifests', () => {
  let registry: FakeRegistry;
  let client: RegistryClient;

  beforeEach(async () => {
    registry = await new FakeRegistry().start();
    client = new RegistryClient({ host: registry.host, insecure: true, retryDelayMs: 10 });
  });
  afterEach(async () => {
    client.close();
    await registry.stop();
  });

  test('falls back from https to http for an insecure host and remembers it', async () => {
    registry.addManifest('x', 'tag', MediaType.OciManifest, manifestBody);
    await client.ping();
    await client.getManifest('x', 'tag');
    await client.getManifest('x', 'tag');
    // One plain-http probe, then the two fetches: no further https attempts reach the parser.
    expect(registry.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v2/',
      'GET /v2/x/manifests/tag',
      'GET /v2/x/manifests/tag',
    ]);
  });

  test('getManifest by tag returns the body, its type and its digest', async () => {
    const digest = registry.addManifest('lib/x', 'v1', MediaType.OciManifest, manifestBody);
    const got = await client.getManifest('lib/x', 'v1');
    expect(got).toEqual({ mediaType: MediaType.OciManifest, digest, body: manifestBody });
    const accept = registry.apiRequests.find((r) => r.url.includes('manifests'))?.headers.accept ?? '';
    expect(accept).toContain(MediaType.OciIndex);
    expect(accept).toContain(MediaType.DockerManifest);
  });

  test('getManifest by digest verifies the content', async () => {
    const digest = registry.addManifest('x', undefined, MediaType.OciManifest, manifestBody);
    expect((await client.getManifest('x', digest)).digest).toBe(digest);
    // The registry serves other bytes under that digest.
    registry.manifests.set(`x@${digest}`, { mediaType: MediaType.OciManifest, body: Buffer.from('{"schemaVersion":2}') });
    await expect(client.getManifest('x', digest)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  test('a Docker-Content-Digest that does not match the body is refused', async () => {
    registry.addManifest('x', 'tag', MediaType.OciManifest, manifestBody);
    registry.manifestDigestOverride = sha256('something else');
    await expect(client.getManifest('x', 'tag')).rejects.toThrow(/registry claims/);
  });

  test('a missing manifest is NotFoundError in Docker words', async () => {
    const err = await client.getManifest('x', 'nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe(`manifest for \`${registry.host}/x:nope\` not found: manifest unknown`);
  });

  test('displayName uses the familiar form for docker.io', () => {
    const hub = new RegistryClient({ host: 'registry-1.docker.io', insecure: false, displayDomain: 'docker.io' });
    expect(hub.displayName('library/busybox', 'nope')).toBe('busybox:nope');
    expect(hub.displayName('me/app', sha256('a'))).toBe(`me/app@${sha256('a')}`);
    hub.close();
  });

  test('headManifest gives digest, type and size, or undefined', async () => {
    const digest = registry.addManifest('x', 'tag', MediaType.OciManifest, manifestBody);
    expect(await client.headManifest('x', 'tag')).toEqual({ digest, mediaType: MediaType.OciManifest, size: manifestBody.length });
    expect(await client.headManifest('x', 'missing')).toBeUndefined();
  });

  test('putManifest stores the manifest and returns its digest', async () => {
    const digest = await client.putManifest('x', 'v2', MediaType.OciManifest, manifestBody);
    expect(digest).toBe(sha256(manifestBody));
    expect(registry.tags.get('x:v2')).toBe(digest);
    await expect(client.putManifest('x', sha256('other'), MediaType.OciManifest, manifestBody)).rejects.toBeInstanceOf(DigestMismatchError);
  });
});

describe('RegistryClient connection failures', () => {
  test('an unreachable host fails fast with a RegistryError naming it', async () => {
    const port = await closedPort();
    const client = new RegistryClient({ host: `127.0.0.1:${port}`, insecure: true });
    const started = Date.now();
    const err = await client.ping().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).message).toBe(`ping registry \`127.0.0.1:${port}\`: connect to \`127.0.0.1:${port}\`: connection refused`);
    expect((err as RegistryError).hint).toMatch(/running and reachable/);
    client.close();
  });

  test('a server that never completes the TLS handshake hits the connect timeout', async () => {
    const accepted: net.Socket[] = [];
    const silent = net.createServer((socket) => void accepted.push(socket)); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const client = new RegistryClient({ host: `127.0.0.1:${port}`, insecure: false, connectTimeoutMs: 300 });
    const started = Date.now();
    const err = await client.ping().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((err as Error).message).toMatch(/connect timed out after 300 ms/);
    client.close();
    accepted.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('a plain-http registry not marked insecure gets a hint about --insecure-registry', async () => {
    const registry = await new FakeRegistry().start();
    const client = new RegistryClient({ host: registry.host, insecure: false });
    const err = await client.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).hint).toMatch(/insecure-registry/);
    client.close();
    await registry.stop();
  });
});

/** A throwaway self-signed certificate for 127.0.0.1, made by openssl. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
      { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('RegistryClient over TLS', () => {
  let registry: FakeRegistry;
  beforeAll(async () => {
    registry = await new FakeRegistry({ tls: selfSignedCertificate() }).start();
    registry.addManifest('x', 'tag', MediaType.OciManifest, manifestBody);
  });
  afterAll(async () => registry.stop());

  test('an insecure host is spoken to over https without verifying its self-signed certificate', async () => {
    const client = new RegistryClient({ host: registry.host, insecure: true });
    const manifest = await client.getManifest('x', 'tag');
    expect(manifest.body.equals(manifestBody)).toBe(true);
    client.close();
  });

  test('a secure host with a self-signed certificate is refused', async () => {
    const client = new RegistryClient({ host: registry.host, insecure: false });
    const before = registry.requests.length;
    const err = await client.getManifest('x', 'tag').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(/certificate/);
    expect(registry.requests).toHaveLength(before); // refused during the handshake
    client.close();
  });
});

describe('RegistryResponseError', () => {
  test('a DIGEST_INVALID answer is a RegistryResponseError', async () => {
    const registry = await new FakeRegistry().start();
    const client = new RegistryClient({ host: registry.host, insecure: true });
    const file = `${__dirname}/fake-registry.ts`;
    const size = (await import('node:fs')).statSync(file).size;
    const err = await client.uploadBlob('x', { digest: sha256('wrong'), size }, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryResponseError);
    expect((err as RegistryResponseError).status).toBe(400);
    expect((err as RegistryResponseError).hasCode('DIGEST_INVALID')).toBe(true);
    expect((err as Error).message).toMatch(/digest invalid: provided digest did not match uploaded content/);
    client.close();
    await registry.stop();
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
