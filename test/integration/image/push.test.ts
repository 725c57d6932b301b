// berth push, login and logout against Debian's real docker-registry on
// 127.0.0.1 (plain HTTP, as Docker allows for loopback), through bin/berth.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startRegistry, type TestRegistry } from '../helpers/registry';
import { berth, pushFixture, withTempRoot } from '../helpers/fixtures';

jest.setTimeout(600_000);

interface Inspect {
  Id: string;
  RepoDigests: string[];
  RootFS: { Layers: string[] };
}

type Root = Awaited<ReturnType<typeof withTempRoot>>;

function ok(args: string[], root: string, input?: string): string {
  const r = berth(args, { root, input });
  if (r.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function inspect(root: string, name: string): Inspect {
  return (JSON.parse(ok(['image', 'inspect', name], root)) as Inspect[])[0];
}

function shortIds(layers: string[]): string[] {
  return layers.map((l) => l.slice(7, 19));
}

/** The manifest digest the registry serves for a tag (skopeo as the independent reader). */
function registryDigest(registry: TestRegistry, ref: string): string {
  const args = ['inspect', '--tls-verify=false'];
  if (registry.username) args.push('--creds', `${registry.username}:${registry.password}`);
  const r = spawnSync('skopeo', [...args, `docker://${registry.host}/${ref}`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as { Digest: string }).Digest;
}

describe('berth push to plain-HTTP registries on loopback', () => {
  let source: TestRegistry;
  let other: TestRegistry;
  let root: Root;
  let pulled: Inspect;
  let pulledDigest: string;

  beforeAll(async () => {
    [source, other] = await Promise.all([startRegistry({ auth: 'none' }), startRegistry({ auth: 'none' })]);
    await pushFixture('busybox', source, 'library/busybox:latest');
    root = await withTempRoot();
    ok(['pull', '-q', `${source.host}/library/busybox:latest`], root.root);
    pulled = inspect(root.root, `${source.host}/library/busybox:latest`);
    pulledDigest = registryDigest(source, 'library/busybox:latest');
  });

  afterAll(async () => {
    await root?.cleanup();
    await Promise.all([source?.stop(), other?.stop()]);
  });

  it('mounts layers from the repository the image came from, and keeps the manifest digest', () => {
    const target = `${source.host}/copies/busybox:v1`;
    ok(['tag', `${source.host}/library/busybox:latest`, target], root.root);
    const out = ok(['push', target], root.root);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(`The push refers to repository [${source.host}/copies/busybox]`);
    for (const id of shortIds(pulled.RootFS.Layers)) {
      expect(lines).toContain(`${id}: Preparing`);
      expect(lines).toContain(`${id}: Mounted from library/busybox`);
    }
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^v1: digest: sha256:[a-f0-9]{64} size: \d+$/);
    // The stored manifest went up unchanged: same digest as the one pulled.
    expect(last).toContain(`digest: ${pulledDigest} `);
    expect(registryDigest(source, 'copies/busybox:v1')).toBe(pulledDigest);
    expect(inspect(root.root, target).RepoDigests).toContain(`${source.host}/copies/busybox@${pulledDigest}`);

    // A second push finds every layer there already.
    const again = ok(['push', target], root.root);
    for (const id of shortIds(pulled.RootFS.Layers)) expect(again).toContain(`${id}: Layer already exists`);
  });

  it('uploads to a registry that has nothing, and the image pulls back identical', async () => {
    const target = `${other.host}/busybox:latest`;
    ok(['tag', `${source.host}/library/busybox:latest`, target], root.root);
    const out = ok(['push', target], root.root);
    expect(out).toContain(`The push refers to repository [${other.host}/busybox]`);
    for (const id of shortIds(pulled.RootFS.Layers)) expect(out).toContain(`${id}: Pushed`);
    expect(out).not.toContain('Mounted from');
    expect(out).toContain(`latest: digest: ${pulledDigest} size: `);

    const fresh = await withTempRoot();
    try {
      ok(['pull', '-q', target], fresh.root);
      expect(inspect(fresh.root, target).Id).toBe(pulled.Id);
      expect(ok(['system', 'check'], fresh.root)).toContain('No problems found');
    } finally {
      await fresh.cleanup();
    }
  });

  it('pushes an imported image (one gzip layer berth made) that pulls back with the same ID', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-push-import-'));
    try {
      fs.writeFileSync(path.join(dir, 'file.txt'), 'pushed content\n');
      const tarFile = path.join(dir, '..', `${path.basename(dir)}.tar`);
      expect(spawnSync('tar', ['-C', dir, '-cf', tarFile, '.']).status).toBe(0);
      const target = `${other.host}/imported/thing:v2`;
      const id = ok(['import', '-c', 'CMD ["/file.txt"]', tarFile, target], root.root).trim();
      fs.rmSync(tarFile);
      const out = ok(['push', target], root.root);
      expect(out).toMatch(/: Pushed\n/);
      expect(out).toMatch(/v2: digest: sha256:[a-f0-9]{64} size: \d+\n$/);
      const fresh = await withTempRoot();
      try {
        ok(['pull', '-q', target], fresh.root);
        expect(inspect(fresh.root, target).Id).toBe(id);
      } finally {
        await fresh.cleanup();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pushes every tag of a repository with --all-tags', () => {
    const repo = `${other.host}/many`;
    ok(['tag', `${source.host}/library/busybox:latest`, `${repo}:a`], root.root);
    ok(['tag', `${source.host}/library/busybox:latest`, `${repo}:b`], root.root);
    const out = ok(['push', '--all-tags', repo], root.root);
    expect(out).toContain(`a: digest: ${pulledDigest}`);
    expect(out).toContain(`b: digest: ${pulledDigest}`);
    expect(registryDigest(other, 'many:b')).toBe(pulledDigest);
  });

  it('says so when the tag does not exist locally', () => {
    const r = berth(['push', `${other.host}/nothing:here`], { root: root.root });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`An image does not exist locally with the tag: ${other.host}/nothing`);
  });
});

describe('berth login and logout against an htpasswd registry', () => {
  let registry: TestRegistry;
  let root: Root;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    root = await withTempRoot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-login-'));
    fs.writeFileSync(path.join(dir, 'x'), 'x\n');
    const tarFile = path.join(root.root, 'x.tar');
    expect(spawnSync('tar', ['-C', dir, '-cf', tarFile, '.']).status).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
    ok(['import', tarFile, `${registry.host}/private/x:1`], root.root);
  });

  afterAll(async () => {
    await root?.cleanup();
    await registry?.stop();
  });

  it('refuses a wrong password and saves nothing', () => {
    const r = berth(['login', '-u', registry.username!, '-p', 'wrong', registry.host], { root: root.root });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unauthorized|authentication required/);
    expect(fs.existsSync(path.join(root.root, 'auth.json'))).toBe(false);
  });

  it('cannot push before logging in', () => {
    const r = berth(['push', `${registry.host}/private/x:1`], { root: root.root });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unauthorized|authentication required/);
  });

  it('logs in with --password-stdin, pushes, and logs out', () => {
    const login = berth(['login', '--username', registry.username!, '--password-stdin', registry.host], {
      root: root.root,
      input: `${registry.password}\n`,
    });
    expect(login.stderr).toBe('');
    expect(login.status).toBe(0);
    expect(login.stdout).toBe('Login Succeeded\n');
    const auth = JSON.parse(fs.readFileSync(path.join(root.root, 'auth.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(auth.auths[registry.host].auth, 'base64').toString('utf8')).toBe(`${registry.username}:${registry.password}`);
    expect(fs.statSync(path.join(root.root, 'auth.json')).mode & 0o777).toBe(0o600);

    expect(ok(['push', `${registry.host}/private/x:1`], root.root)).toMatch(/1: digest: sha256:[a-f0-9]{64} size: \d+\n$/);
    expect(registryDigest(registry, 'private/x:1')).toMatch(/^sha256:/);

    expect(ok(['logout', registry.host], root.root)).toBe(`Removing login credentials for ${registry.host}\n`);
    expect(ok(['logout', registry.host], root.root)).toBe(`Not logged in to ${registry.host}\n`);
    const after = berth(['push', `${registry.host}/private/x:1`], { root: root.root });
    expect(after.status).not.toBe(0);
  });

  it('logs in with -p (warning about it on stderr)', () => {
    const r = berth(['login', '-u', registry.username!, '-p', registry.password!, `http://${registry.host}/`], { root: root.root });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Login Succeeded\n');
    expect(r.stderr).toContain('WARNING! Using --password via the CLI is insecure');
    expect(ok(['logout', registry.host], root.root)).toBe(`Removing login credentials for ${registry.host}\n`);
  });
});
