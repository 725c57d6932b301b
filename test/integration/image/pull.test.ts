// berth pull against Debian's real docker-registry on 127.0.0.1, loaded
// with the fixture images by skopeo. Each test uses a fresh data root.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startRegistry, type TestRegistry } from '../helpers/registry';
import { berth, berthAsync, BERTH_BIN, corruptBlob, pushFixture, withTempRoot } from '../helpers/fixtures';
import { chainIds } from '../../../src/image/digest';

jest.setTimeout(600_000);

interface Inspect {
  Id: string;
  Architecture: string;
  RepoTags: string[];
  RepoDigests: string[];
  RootFS: { Layers: string[] };
}

function inspect(root: string, name: string): Inspect {
  const r = berth(['image', 'inspect', name], { root });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as Inspect[])[0];
}

function lowerDirs(root: string, image: Inspect): string[] {
  return chainIds(image.RootFS.Layers)
    .map((c) => path.join(root, 'layers', c.slice(7), 'diff'))
    .reverse();
}

/** Mounts the image's layers read-only with overlayfs, runs fn on the merged tree, unmounts. */
function withMergedTree<T>(root: string, image: Inspect, fn: (dir: string) => T): T {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-merged-'));
  const mount = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lowerDirs(root, image).join(':')}`, target], {
    encoding: 'utf8',
  });
  expect(mount.stderr).toBe('');
  try {
    return fn(target);
  } finally {
    spawnSync('umount', [target]);
    fs.rmdirSync(target);
  }
}

function storeIsClean(root: string): void {
  const check = berth(['system', 'check'], { root });
  expect(check.stdout).toContain('No problems found');
  expect(check.status).toBe(0);
  const tmp = path.join(root, 'tmp');
  expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  const layers = path.join(root, 'layers');
  expect((fs.existsSync(layers) ? fs.readdirSync(layers) : []).filter((n) => n.startsWith('.'))).toEqual([]);
}

describe('berth pull from a plain-HTTP registry on loopback', () => {
  let registry: TestRegistry;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushFixture('busybox', registry, 'busybox:latest');
    await pushFixture('debian', registry, 'debian:bookworm');
    await pushFixture('multiarch', registry, 'multi:latest');
  });
  afterAll(async () => registry?.stop());
  beforeEach(async () => ({ root, cleanup } = await withTempRoot()));
  afterEach(async () => cleanup());

  test('pulls busybox with Docker-style output, lists it, and is up to date the second time', () => {
    const ref = `${registry.host}/busybox`;
    const first = berth(['pull', ref], { root });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toBe('latest: Pulling from busybox');
    expect(lines).toContainEqual(expect.stringMatching(/^[0-9a-f]{12}: Pull complete$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Digest: sha256:[0-9a-f]{64}$/));
    expect(lines).toContain(`Status: Downloaded newer image for ${ref}:latest`);
    expect(lines[lines.length - 1]).toBe(`${ref}:latest`);

    const images = berth(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'], { root });
    expect(images.stdout.trim()).toMatch(new RegExp(`^${ref.replace(/\./g, '\\.')}:latest [0-9a-f]{12}$`));
    const table = berth(['image', 'ls'], { root }).stdout.split('\n');
    expect(table[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);

    const second = berth(['image', 'pull', ref], { root });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`Status: Image is up to date for ${ref}:latest`);
    expect(berth(['pull', '-q', ref], { root }).stdout).toBe(`${ref}:latest\n`);
    storeIsClean(root);
  });

  test('pulls the three-layer Debian image: whiteouts, opaque directory and hardlinks work under overlayfs', () => {
    const ref = `${registry.host}/debian:bookworm`;
    const pull = berth(['pull', ref], { root });
    expect(pull.stderr).toBe('');
    expect(pull.status).toBe(0);
    expect(pull.stdout.match(/: Pull complete/g)).toHaveLength(3);
    const image = inspect(root, ref);
    expect(image.RootFS.Layers).toHaveLength(3);
    withMergedTree(root, image, (merged) => {
      expect(fs.existsSync(path.join(merged, 'usr/bin/bash'))).toBe(true);
      expect(fs.existsSync(path.join(merged, 'etc/issue.net'))).toBe(false);
      expect(fs.existsSync(path.join(merged, 'etc/issue'))).toBe(true);
      expect(fs.existsSync(path.join(merged, 'usr/share/doc/bash'))).toBe(false);
      expect(fs.readdirSync(path.join(merged, 'opt/berth')).sort()).toEqual(['new.txt', 'sub']);
      const original = fs.statSync(path.join(merged, 'usr/local/share/berth/original.txt'));
      const sameLayer = fs.statSync(path.join(merged, 'usr/local/share/berth/same-layer-link.txt'));
      expect(sameLayer.ino).toBe(original.ino);
      expect(fs.readFileSync(path.join(merged, 'usr/local/bin/berth-symlink'), 'utf8')).toBe('two names, one inode\n');
      // The hardlink whose target only layer 1 holds was copied up into layer 2.
      const bash = fs.readFileSync(path.join(merged, 'usr/bin/bash'));
      expect(fs.readFileSync(path.join(merged, 'usr/local/bin/bash-hardlink')).equals(bash)).toBe(true);
    });
    storeIsClean(root);
  });

  test('selects the platform from a manifest list', () => {
    const ref = `${registry.host}/multi`;
    expect(berth(['pull', ref], { root }).status).toBe(0);
    expect(inspect(root, ref).Architecture).toBe('amd64');
    const arm = berth(['pull', '--platform', 'linux/arm64', `${registry.host}/multi:latest`], { root: (fs.mkdirSync(path.join(root, 'arm')), path.join(root, 'arm')) });
    expect(arm.stderr).toBe('');
    expect(inspect(path.join(root, 'arm'), ref).Architecture).toBe('arm64');
    const none = berth(['pull', '--platform', 'linux/s390x', ref], { root });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^Error: .*no matching manifest for linux\/s390x/m);
  });

  test('pulls by digest; the image then carries the repo digest and no tag', () => {
    const tagged = `${registry.host}/busybox:latest`;
    expect(berth(['pull', tagged], { root }).status).toBe(0);
    const digest = inspect(root, tagged).RepoDigests[0].split('@')[1];
    const other = path.join(root, 'second');
    fs.mkdirSync(other);
    const byDigest = berth(['pull', `${registry.host}/busybox@${digest}`], { root: other });
    expect(byDigest.stderr).toBe('');
    expect(byDigest.status).toBe(0);
    const image = inspect(other, `${registry.host}/busybox@${digest}`);
    expect(image.RepoTags).toEqual([]);
    expect(image.RepoDigests).toEqual([`${registry.host}/busybox@${digest}`]);
  });

  test('bad references and unknown images fail with one clear line and exit 1', () => {
    const upper = berth(['pull', 'Busybox'], { root });
    expect(upper.status).toBe(1);
    expect(upper.stderr).toMatch(/^Error: invalid reference format: repository name \(library\/Busybox\) must be lowercase/);
    const korean = berth(['pull', '컨테이너_이름'], { root });
    expect(korean.status).toBe(1);
    expect(korean.stderr).toMatch(/^Error: invalid reference format/);
    const missing = berth(['pull', `${registry.host}/busybox:nope`], { root });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^Error: manifest for `.*\/busybox:nope` not found: manifest unknown$/m);
    expect(fs.existsSync(path.join(root, 'images')) ? fs.readdirSync(path.join(root, 'images')) : []).toEqual([]);
  });

  test('an unreachable registry fails within seconds', () => {
    const started = Date.now();
    const r = berth(['pull', '127.0.0.1:1/busybox'], { root });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('failures leave the store consistent', () => {
  let registry: TestRegistry;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    registry = await startRegistry();
    await pushFixture('busybox', registry, 'broken:latest');
    await pushFixture('debian', registry, 'debian:bookworm');
  });
  afterAll(async () => registry?.stop());
  beforeEach(async () => ({ root, cleanup } = await withTempRoot()));
  afterEach(async () => cleanup());

  test('a corrupted layer blob fails the pull and stores nothing that a later pull would use', () => {
    const manifest = JSON.parse(
      spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/broken:latest`], { encoding: 'utf8' }).stdout,
    ) as { layers: Array<{ digest: string }> };
    const layer = manifest.layers[0].digest;
    corruptBlob(registry, layer);
    const r = berth(['pull', `${registry.host}/broken`], { root });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*digest/m);
    expect(fs.existsSync(path.join(root, 'blobs/sha256', layer.slice(7)))).toBe(false);
    expect(berth(['images', '-q'], { root }).stdout).toBe('');
    storeIsClean(root);
  });

  test('a pull killed midway is followed by a good one', async () => {
    const ref = `${registry.host}/debian:bookworm`;
    const child = spawn(process.execPath, [BERTH_BIN, '--root', root, 'pull', ref], {
      env: { ...process.env, BERTH_CONFIG: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kill it once it has started extracting or downloading.
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/Pulling fs layer/.test(seen)) setTimeout(() => child.kill('SIGKILL'), 300);
      });
      child.on('exit', () => resolve());
    });
    expect(berth(['images', '-q'], { root }).stdout).toBe('');
    const again = berth(['pull', ref], { root });
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    storeIsClean(root);
  });
});

describe('auth and mirrors', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ root, cleanup } = await withTempRoot()));
  afterEach(async () => cleanup());

  test('a Bearer-token registry: anonymous pull through the token flow', async () => {
    const registry = await startRegistry({ auth: 'token', anonymousPull: true });
    try {
      await pushFixture('busybox', registry, 'busybox:latest');
      const r = await berthAsync(['pull', `${registry.host}/busybox`], { root });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(registry.tokenRequests?.some((t) => t.scopes.includes('repository:busybox:pull'))).toBe(true);
    } finally {
      await registry.stop();
    }
  });

  test('a Bearer-token registry with credentials: refused anonymously, pulls and pushes after login', async () => {
    const registry = await startRegistry({ auth: 'token' });
    try {
      await pushFixture('busybox', registry, 'private/busybox:latest');
      const denied = await berthAsync(['pull', `${registry.host}/private/busybox`], { root });
      expect(denied.status).toBe(1);
      expect(denied.stderr).toMatch(/^Error: .*(denied|unauthorized|login)/im);
      const login = await berthAsync(['login', '-u', registry.username!, '--password-stdin', registry.host], { root, input: registry.password });
      expect(login.stdout).toContain('Login Succeeded');
      const pulled = await berthAsync(['pull', `${registry.host}/private/busybox`], { root });
      expect(pulled.stderr).toBe('');
      expect(pulled.status).toBe(0);
      const pushed = await berthAsync(['push', `${registry.host}/private/busybox`], { root });
      expect(pushed.status).toBe(0);
      expect(registry.tokenRequests?.some((t) => t.username === registry.username && t.scopes.some((s) => s.startsWith('repository:private/busybox:')))).toBe(true);
      const auth = fs.statSync(path.join(root, 'auth.json'));
      expect(auth.mode & 0o777).toBe(0o600);
    } finally {
      await registry.stop();
    }
  });

  test('a Basic-auth registry refuses an anonymous pull with a clear error', async () => {
    const registry = await startRegistry({ auth: 'htpasswd' });
    try {
      await pushFixture('busybox', registry, 'busybox:latest');
      const r = berth(['pull', `${registry.host}/busybox`], { root });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^Error: .*(unauthorized|denied|login)/im);
      expect(berth(['images', '-q'], { root }).stdout).toBe('');
    } finally {
      await registry.stop();
    }
  });

  test('docker.io references pull through a registry mirror on 127.0.0.1 (no Docker Hub)', async () => {
    const registry = await startRegistry();
    try {
      await pushFixture('whalesay', registry, 'docker/whalesay:latest');
      await pushFixture('busybox', registry, 'library/busybox:latest');
      const config = path.join(root, 'config.json');
      fs.writeFileSync(config, JSON.stringify({ 'registry-mirrors': [`http://${registry.host}`] }));
      const env = { BERTH_CONFIG: config };
      const whale = berth(['image', 'pull', 'docker/whalesay:latest'], { root, env });
      expect(whale.stderr).toBe('');
      expect(whale.stdout).toContain('latest: Pulling from docker/whalesay');
      expect(whale.stdout.trim().split('\n').pop()).toBe('docker.io/docker/whalesay:latest');
      const box = berth(['pull', 'busybox'], { root, env });
      expect(box.stdout).toContain('Status: Downloaded newer image for busybox:latest');
      const names = berth(['images', '--format', '{{.Repository}}:{{.Tag}}'], { root }).stdout.trim().split('\n').sort();
      expect(names).toEqual(['busybox:latest', 'docker/whalesay:latest']);
    } finally {
      await registry.stop();
    }
  });
});
