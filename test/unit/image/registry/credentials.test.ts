import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CredentialStore, credentialKey } from '../../../../src/image/registry/credentials';
import { StoreError } from '../../../../src/errors';

describe('CredentialStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-auth-'));
    file = path.join(dir, 'auth.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('set, get and remove round-trip in a 0600 Docker-shaped file', () => {
    const store = new CredentialStore(file);
    expect(store.get('127.0.0.1:5000')).toBeUndefined();
    store.set('127.0.0.1:5000', { username: 'alice', password: 'pa:ss' });
    expect(store.get('127.0.0.1:5000')).toEqual({ username: 'alice', password: 'pa:ss' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.auths['127.0.0.1:5000'].auth).toBe(Buffer.from('alice:pa:ss').toString('base64'));
    expect(store.remove('127.0.0.1:5000')).toBe(true);
    expect(store.remove('127.0.0.1:5000')).toBe(false);
    expect(store.get('127.0.0.1:5000')).toBeUndefined();
  });

  test('Docker Hub is stored under docker.io and found by any of its names', () => {
    const store = new CredentialStore(file);
    store.set('registry-1.docker.io', { username: 'u', password: 'p' });
    expect(Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).auths)).toEqual(['docker.io']);
    for (const host of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1/']) {
      expect(store.get(host)).toEqual({ username: 'u', password: 'p' });
    }
  });

  test("Docker's legacy key, identity tokens and other keys in the file are read and kept", () => {
    fs.writeFileSync(
      file,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('old:pw').toString('base64') },
          'ghcr.example:443': { identitytoken: 'refresh-me' },
        },
        credsStore: 'kept',
      }),
    );
    const store = new CredentialStore(file);
    expect(store.get('docker.io')).toEqual({ username: 'old', password: 'pw' });
    expect(store.get('ghcr.example:443')).toEqual({ username: '<token>', password: 'refresh-me' });
    store.set('docker.io', { username: 'new', password: 'pw2' });
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(doc.auths).sort()).toEqual(['docker.io', 'ghcr.example:443']);
    expect(doc.credsStore).toBe('kept');
    expect(store.remove('registry-1.docker.io')).toBe(true);
  });

  test('a malformed file is a StoreError naming it', () => {
    fs.writeFileSync(file, '[1,2]');
    expect(() => new CredentialStore(file).get('x')).toThrow(StoreError);
    fs.writeFileSync(file, '{"auths":{"x":{"auth":"' + Buffer.from('nocolon').toString('base64') + '"}}}');
    expect(() => new CredentialStore(file).get('x')).toThrow(/malformed auth entry/);
  });

  test('credentialKey strips schemes and paths', () => {
    expect(credentialKey('https://Reg.Example:5000/v2/')).toBe('reg.example:5000');
    expect(credentialKey('registry.hub.docker.com')).toBe('docker.io');
  });
});
