// Proves the integration harness itself: real registries in each auth mode,
// skopeo pushes and reads back the fixture images, and the fixtures hold the
// layer entries that the unpacker tests rely on.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startRegistry, type RegistryAuth, type TestRegistry } from './helpers/registry';
import { corruptBlob, FIXTURE_TAG, fixtureLayout, pushFixture, registryBlobPath, withTempRoot } from './helpers/fixtures';

jest.setTimeout(300_000); // jest ignores testTimeout inside a project entry

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
}

function readBlob(layout: string, digest: string): Buffer {
  return fs.readFileSync(path.join(layout, 'blobs', ...digest.split(':')));
}

/** The manifest (or index) that a layout's tag (default `latest`) points at. */
function taggedJson(layout: string, tag = FIXTURE_TAG): { mediaType?: string; layers?: Descriptor[]; manifests?: Descriptor[]; config?: Descriptor } {
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as {
    manifests: Array<Descriptor & { annotations?: Record<string, string> }>;
  };
  const tagged = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!tagged) throw new Error(`layout ${layout} has no \`${tag}\` tag`);
  return JSON.parse(readBlob(layout, tagged.digest).toString('utf8'));
}

function skopeoInspectRaw(registry: TestRegistry, ref: string, withCreds = true): { status: number | null; stdout: string; stderr: string } {
  const args = ['inspect', '--raw', '--tls-verify=false'];
  if (withCreds && registry.username) args.push('--creds', `${registry.username}:${registry.password}`);
  args.push(`docker://${registry.host}/${ref}`);
  return spawnSync('skopeo', args, { encoding: 'utf8' });
}

function tarEntries(blobFile: string): string[] {
  const result = spawnSync('tar', ['-tzf', blobFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

describe.each<RegistryAuth>(['none', 'htpasswd', 'token'])('registry with auth `%s`', (auth) => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startRegistry({ auth });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('answers /v2/ on loopback, asking for credentials only when it has auth', async () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${registry.host}/v2/`);
    expect(res.status).toBe(auth === 'none' ? 200 : 401);
    if (auth === 'htpasswd') expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    if (auth === 'token') {
      expect(res.headers.get('www-authenticate')).toContain(`Bearer realm="${registry.tokenRealm}"`);
    }
  });

  it('takes a push of busybox from skopeo and serves the same manifest back', async () => {
    await pushFixture('busybox', registry, 'library/busybox:1');
    const inspected = skopeoInspectRaw(registry, 'library/busybox:1');
    expect(inspected.stderr).toBe('');
    const served = JSON.parse(inspected.stdout) as { layers: Descriptor[] };
    const local = taggedJson(fixtureLayout('busybox'));
    expect(served.layers.map((l) => l.digest)).toEqual(local.layers!.map((l) => l.digest));
    expect(fs.existsSync(registryBlobPath(registry, served.layers[0].digest))).toBe(true);
    if (auth === 'token') {
      expect(registry.tokenRequests!.some((r) => r.username === registry.username && r.scopes.includes('repository:library/busybox:pull,push'))).toBe(true);
    }
  });

  if (auth !== 'none') {
    it('refuses an anonymous push and an anonymous read', async () => {
      await expect(pushFixture('busybox', { ...registry, username: undefined }, 'anonymous/busybox:1')).rejects.toThrow(/unauthorized|authentication required|denied/i);
      const anonymous = skopeoInspectRaw(registry, 'library/busybox:1', false);
      expect(anonymous.status).not.toBe(0);
      expect(anonymous.stderr).toMatch(/unauthorized|authentication required|denied/i);
    });

    it('refuses wrong credentials', async () => {
      await expect(pushFixture('busybox', { ...registry, password: 'wrong' }, 'library/busybox:2')).rejects.toThrow(/unauthorized|authentication required|denied|invalid username/i);
    });
  }
});

describe('fixture images', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('debian has three layers with whiteouts, an opaque directory and a cross-layer hardlink', () => {
    const layout = fixtureLayout('debian');
    const layers = taggedJson(layout).layers!;
    expect(layers).toHaveLength(3);
    const [base, changes, opaque] = layers.map((l) => tarEntries(path.join(layout, 'blobs', ...l.digest.split(':'))));
    expect(base).toEqual(expect.arrayContaining(['etc/issue.net', 'usr/bin/bash', 'usr/share/doc/bash/']));
    expect(changes).toEqual(expect.arrayContaining(['etc/.wh.issue.net', 'usr/share/doc/.wh.bash', 'opt/berth/added.txt', 'usr/local/bin/bash-hardlink']));
    expect(changes).not.toContain('usr/bin/bash');
    expect(opaque).toEqual(expect.arrayContaining(['opt/berth/.wh..wh..opq', 'opt/berth/new.txt']));

    const verbose = spawnSync('tar', ['-tvzf', path.join(layout, 'blobs', ...layers[1].digest.split(':'))], { encoding: 'utf8' });
    expect(verbose.stdout).toMatch(/^h.* usr\/local\/bin\/bash-hardlink link to usr\/bin\/bash$/m);
  });

  it('debian:portable differs only in layer 2, which holds the hardlink target itself', () => {
    const layout = fixtureLayout('debian');
    const latest = taggedJson(layout).layers!.map((l) => l.digest);
    const portable = taggedJson(layout, 'portable').layers!.map((l) => l.digest);
    expect([portable[0], portable[2]]).toEqual([latest[0], latest[2]]);
    expect(portable[1]).not.toBe(latest[1]);
    const changes = tarEntries(path.join(layout, 'blobs', ...portable[1].split(':')));
    expect(changes).toEqual(expect.arrayContaining(['usr/bin/bash', 'usr/local/bin/bash-hardlink', 'etc/.wh.issue.net']));
  });

  it('webserver and whalesay carry their config and extra layer over busybox', () => {
    const busyboxLayers = taggedJson(fixtureLayout('busybox')).layers!.map((l) => l.digest);
    for (const name of ['webserver', 'whalesay'] as const) {
      const layout = fixtureLayout(name);
      const manifest = taggedJson(layout);
      expect(manifest.layers!.map((l) => l.digest).slice(0, 1)).toEqual(busyboxLayers);
      expect(manifest.layers).toHaveLength(2);
      const config = JSON.parse(readBlob(layout, manifest.config!.digest).toString('utf8'));
      if (name === 'webserver') {
        expect(config.config.Cmd).toEqual(['httpd', '-f', '-p', '80', '-h', '/usr/local/apache2/htdocs']);
        expect(config.config.ExposedPorts).toEqual({ '80/tcp': {} });
        expect(config.config.WorkingDir).toBe('/usr/local/apache2');
      } else {
        const extra = tarEntries(path.join(layout, 'blobs', ...manifest.layers![1].digest.split(':')));
        expect(extra).toContain('usr/local/bin/cowsay');
      }
    }
  });

  it('multiarch pushes as an index with amd64 and arm64 images', async () => {
    const local = taggedJson(fixtureLayout('multiarch'));
    expect(local.manifests!.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);
    await pushFixture('multiarch', registry, 'multiarch:latest');
    const served = JSON.parse(skopeoInspectRaw(registry, 'multiarch:latest').stdout) as { mediaType: string; manifests: Descriptor[] };
    expect(served.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(served.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(served.manifests.map((m) => m.digest)).toEqual(local.manifests!.map((m) => m.digest));
  });

  it('corruptBlob leaves a served blob the same size but off its digest', async () => {
    await pushFixture('webserver', registry, 'webserver:latest');
    const manifest = JSON.parse(skopeoInspectRaw(registry, 'webserver:latest').stdout) as { layers: Descriptor[] };
    const layer = manifest.layers[1];
    corruptBlob(registry, layer.digest);
    const res = await fetch(`http://${registry.host}/v2/webserver/blobs/${layer.digest}`);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(layer.size);
    expect(`sha256:${crypto.createHash('sha256').update(body).digest('hex')}`).not.toBe(layer.digest);
  });
});

describe('withTempRoot', () => {
  it('gives an empty directory and removes it, mounts included', async () => {
    const { root, cleanup } = await withTempRoot();
    expect(fs.readdirSync(root)).toEqual([]);
    const mountPoint = path.join(root, 'mnt');
    fs.mkdirSync(mountPoint);
    expect(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', mountPoint]).status).toBe(0);
    await cleanup();
    expect(fs.existsSync(root)).toBe(false);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(mountPoint);
  });
});
