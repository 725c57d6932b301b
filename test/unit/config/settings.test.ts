import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSettings, DEFAULT_ROOT } from '../../../src/config/settings';
import { InvalidContentError } from '../../../src/errors/kinds';
import { tempDir } from '../helpers/tmp';

describe('loadSettings', () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('defaults when nothing is set and the config file is absent', () => {
    const s = loadSettings({ configFile: path.join(dir, 'none.json') }, {});
    expect(s.root).toBe(DEFAULT_ROOT);
    expect(s.registryMirrors).toEqual([]);
    expect(s.insecureRegistries).toEqual([]);
  });

  test('explicit input beats the environment', () => {
    const env = { BERTH_ROOT: '/env/root', BERTH_CONFIG: path.join(dir, 'none.json') };
    expect(loadSettings({}, env).root).toBe('/env/root');
    expect(loadSettings({ root: '/flag/root' }, env).root).toBe('/flag/root');
  });

  test('reads Docker daemon.json keys', () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ 'registry-mirrors': ['http://127.0.0.1:5000'], 'insecure-registries': ['10.0.0.0/8'] }));
    const s = loadSettings({ configFile: file }, {});
    expect(s.registryMirrors).toEqual(['http://127.0.0.1:5000']);
    expect(s.insecureRegistries).toEqual(['10.0.0.0/8']);
  });

  test('a malformed config file is a clear error naming the file', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{ not json');
    expect(() => loadSettings({ configFile: file }, {})).toThrow(InvalidContentError);
    expect(() => loadSettings({ configFile: file }, {})).toThrow(file);
    fs.writeFileSync(file, JSON.stringify({ 'registry-mirrors': 'http://x' }));
    expect(() => loadSettings({ configFile: file }, {})).toThrow(/registry-mirrors.*list of strings/);
  });
});
