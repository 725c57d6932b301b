// Puller against the in-process fake registry: layers are unpacked while
// they download, and every way a layer can fail leaves the store consistent.
// The layer tars are owned by the caller, so no root is needed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { Puller, PullEvent } from '../../../../src/api/images/pull';
import { Store } from '../../../../src/image/store/store';
import { DataRoot } from '../../../../src/config/layout';
import { Settings } from '../../../../src/config/settings';
import { MediaType } from '../../../../src/image/media-types';
import { hostPlatform } from '../../../../src/image/manifest';
import { chainIds, sha256Digest } from '../../../../src/image/digest';
import { DigestMismatchError } from '../../../../src/errors';
import { FakeRegistry } from '../../image/registry/fake-registry';
import { tempDir } from '../../helpers/tmp';

type Entry = { name: string; type?: 'file' | 'directory' | 'link'; mode?: number; content?: Buffer | string; linkname?: string };

const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), uid, gid, mtime: new Date(1_600_000_000_000), linkname: e.linkname };
    if (type === 'file') pack.entry(header, Buffer.from(e.content ?? ''));
    else pack.entry(header);
  }
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const part of pack) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

interface Image {
  tars: Buffer[];
  blobs: Buffer[];
  chains: string[];
}

/** Pushes an image of these layers (gzip) as `repo:latest`; `diffIdOverride` lies in the config. */
async function pushImage(registry: FakeRegistry, repo: string, layers: Entry[][], diffIdOverride: Record<number, string> = {}): Promise<Image> {
  const tars = await Promise.all(layers.map(tarOf));
  const blobs = tars.map((t) => zlib.gzipSync(t));
  const diffIds = tars.map((t, i) => diffIdOverride[i] ?? sha256Digest(t));
  const platform = hostPlatform();
  const config = Buffer.from(JSON.stringify({ architecture: platform.architecture, os: platform.os, rootfs: { type: 'layers', diff_ids: diffIds }, config: {} }));
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.DockerManifest,
    config: { mediaType: MediaType.DockerConfig, digest: registry.addBlob(repo, config), size: config.length },
    layers: blobs.map((b) => ({ mediaType: MediaType.DockerLayerGzip, digest: registry.addBlob(repo, b), size: b.length })),
  };
  registry.addManifest(repo, 'latest', MediaType.DockerManifest, Buffer.from(JSON.stringify(manifest)));
  return { tars, blobs, chains: chainIds(diffIds) };
}

describe('Puller: layers unpacked as they download', () => {
  let registry: FakeRegistry;
  let root: string;
  let store: Store;
  let puller: Puller;

  beforeEach(async () => {
    registry = await new FakeRegistry().start();
    root = tempDir();
    store = new Store(new DataRoot(root));
    const settings: Settings = { root, configFile: '/nonexistent', registryMirrors: [], insecureRegistries: [] };
    puller = new Puller(settings, store);
  });
  afterEach(async () => {
    await registry.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const diff = (image: Image, i: number, p: string) => path.join(store.layers.diffDir(image.chains[i]), p);

  /** No work directory, no temp file, no image: what a failed pull must leave. */
  function expectNothingHalfDone(): void {
    const layers = path.join(root, 'layers');
    expect((fs.existsSync(layers) ? fs.readdirSync(layers) : []).filter((n) => n.startsWith('.'))).toEqual([]);
    const tmp = path.join(root, 'tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    expect(store.images.list()).toEqual([]);
  }

  test('an upper layer takes its hardlink target and an unlisted parent from the lower layer still on its way', async () => {
    const big = randomBytes(6 * 1024 * 1024); // incompressible: the base layer streams for a while
    const image = await pushImage(registry, 'app', [
      [
        { name: 'lib/', type: 'directory', mode: 0o750 },
        { name: 'lib/libx.so', content: 'libx v1' },
        { name: 'data.bin', content: big },
      ],
      [{ name: 'lib/libx.so.1', type: 'link', linkname: 'lib/libx.so' }, { name: 'etc/app.conf', content: 'conf' }],
      [{ name: 'readme', content: 'top' }],
    ]);
    const events: PullEvent[] = [];
    await puller.pull(`${registry.host}/app`, { onEvent: (e) => events.push(e) });

    expect(fs.statSync(diff(image, 1, 'lib')).mode & 0o7777).toBe(0o750);
    expect(fs.readFileSync(diff(image, 1, 'lib/libx.so'), 'utf8')).toBe('libx v1');
    expect(fs.statSync(diff(image, 1, 'lib/libx.so.1')).ino).toBe(fs.statSync(diff(image, 1, 'lib/libx.so')).ino);
    expect(fs.readFileSync(diff(image, 0, 'data.bin')).equals(big)).toBe(true);
    expect(fs.readFileSync(diff(image, 2, 'readme'), 'utf8')).toBe('top');
    expect(store.layers.get(image.chains[2]).parent).toBe(image.chains[1]);
    // Docker's order: layers complete bottom first, whatever finished unpacking first.
    const completed = events.filter((e) => e.kind === 'layer' && e.status === 'Pull complete').map((e) => (e as { id: string }).id);
    expect(completed).toEqual(image.blobs.map((b) => sha256Digest(b).slice(7, 19)));
    expect(await store.check()).toEqual([]);
  });

  test('a registry that sends a layer from its start again after a cut: the layer is unpacked from the downloaded file', async () => {
    const image = await pushImage(registry, 'app', [[{ name: 'data.bin', content: randomBytes(512 * 1024) }], [{ name: 'top', content: 'x' }]]);
    registry.quirksOnlyFor = sha256Digest(image.blobs[0]);
    registry.cutBlobAfter = 100_000;
    registry.ignoreRange = true;
    await puller.pull(`${registry.host}/app`);
    const ranges = registry.apiRequests.filter((r) => r.url.endsWith(registry.quirksOnlyFor!)).map((r) => r.headers.range);
    expect(ranges).toEqual([undefined, 'bytes=100000-']);
    expect(fs.readFileSync(diff(image, 0, 'data.bin')).equals(zlib.gunzipSync(image.blobs[0]).subarray(512, 512 + 512 * 1024))).toBe(true);
    expect(await store.check()).toEqual([]);
    expect((fs.readdirSync(path.join(root, 'layers'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  test('a resumed download keeps streaming into the same unpack', async () => {
    const image = await pushImage(registry, 'app', [[{ name: 'data.bin', content: randomBytes(512 * 1024) }]]);
    registry.cutBlobAfter = 100_000;
    registry.cutTimes = 2;
    registry.quirksOnlyFor = sha256Digest(image.blobs[0]);
    await puller.pull(`${registry.host}/app`);
    expect(registry.apiRequests.filter((r) => r.url.endsWith(registry.quirksOnlyFor!)).map((r) => r.headers.range)).toEqual([
      undefined,
      'bytes=100000-',
      'bytes=200000-',
    ]);
    expect(await store.check()).toEqual([]);
  });

  test('a base layer that does not match its digest fails the pull with that error; the layers streaming above it leave nothing', async () => {
    const image = await pushImage(registry, 'app', [
      [{ name: 'data.bin', content: randomBytes(2 * 1024 * 1024) }],
      [{ name: 'b', content: 'b' }],
      [{ name: 'c', content: 'c' }],
    ]);
    registry.quirksOnlyFor = sha256Digest(image.blobs[0]);
    const corrupt = Buffer.from(image.blobs[0]);
    corrupt[corrupt.length >> 1] ^= 0xff; // the gzip stream breaks midway, before the digest is known
    registry.blobBodyOverride = corrupt;
    const err = await puller.pull(`${registry.host}/app`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/digest mismatch/);
    expect(store.blobs.has(sha256Digest(image.blobs[0]))).toBe(false);
    expect(store.layers.has(image.chains[0])).toBe(false);
    expect(store.layers.has(image.chains[1])).toBe(false);
    expectNothingHalfDone();
  });

  test('a layer whose content does not match its diffID fails the pull; the layer below stays, usable, and nothing above it is stored', async () => {
    const image = await pushImage(
      registry,
      'app',
      [[{ name: 'a', content: 'a' }], [{ name: 'b', content: 'b' }], [{ name: 'c', content: 'c' }]],
      { 1: sha256Digest('something else') },
    );
    const err = await puller.pull(`${registry.host}/app`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigestMismatchError);
    expect((err as Error).message).toMatch(/uncompressed content has digest/);
    expect(store.layers.has(image.chains[0])).toBe(true);
    expect(store.layers.has(image.chains[1])).toBe(false);
    expect(store.layers.has(image.chains[2])).toBe(false);
    expectNothingHalfDone();
  });
});
