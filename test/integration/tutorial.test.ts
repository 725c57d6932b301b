// ../shared/TUTORIAL.md, steps 1-6, with `docker` replaced by `berth`:
// docker.io references resolved through a registry mirror on 127.0.0.1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRegistry, type TestRegistry } from './helpers/registry';
import { berth, pushFixture, withTempRoot } from './helpers/fixtures';

jest.setTimeout(300_000);

describe('the tutorial: images and one-off containers', () => {
  let registry: TestRegistry;
  let root: string;
  let cleanup: () => Promise<void>;
  let env: Record<string, string>;
  const run = (...args: string[]) => berth(args, { root, env });

  beforeAll(async () => {
    registry = await startRegistry();
    await pushFixture('whalesay', registry, 'docker/whalesay:latest');
    ({ root, cleanup } = await withTempRoot());
    const config = path.join(root, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ 'registry-mirrors': [`http://${registry.host}`] }));
    env = { BERTH_CONFIG: config };
  });
  afterAll(async () => {
    await cleanup?.();
    await registry?.stop();
  });

  test('1. image pull docker/whalesay:latest', () => {
    const r = run('image', 'pull', 'docker/whalesay:latest');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('docker.io/docker/whalesay:latest');
  });

  test('2. container run --name with the Korean placeholder is refused as Docker refuses it', () => {
    const r = run('container', 'run', '--name', '컨테이너_이름', 'docker/whalesay:latest', 'cowsay', 'boo');
    expect(r.status).toBe(125);
    expect(r.stderr).toBe('Error: Invalid container name (컨테이너_이름), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\n\nRun \'berth container run --help\' for more information\n');
    expect(run('ps', '-a', '-q').stdout).toBe('');
  });

  test('2. container run --name whale ... cowsay boo prints a whale saying boo', () => {
    const r = run('container', 'run', '--name', 'whale', 'docker/whalesay:latest', 'cowsay', 'boo');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('< boo >');
    expect(r.stdout).toContain('##');
  });

  test('3. container ps -a lists the exited container', () => {
    const lines = run('container', 'ps', '-a').stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(lines[1]).toMatch(/^[0-9a-f]{12}\s+docker\/whalesay:latest\s+"cowsay boo"\s+.+\s+Exited \(0\) .+ ago\s+whale$/);
  });

  test('4. container rm whale', () => {
    const r = run('container', 'rm', 'whale');
    expect(r.stdout).toBe('whale\n');
    expect(run('ps', '-a', '-q').stdout).toBe('');
  });

  test('5. container run --rm leaves no container behind', () => {
    const r = run('container', 'run', '--name', 'whale', '--rm', 'docker/whalesay', 'cowsay', 'boo');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('< boo >');
    expect(run('ps', '-a', '-q').stdout).toBe('');
  });

  test('6. image rm docker/whalesay', () => {
    const r = run('image', 'rm', 'docker/whalesay');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Untagged: docker\/whalesay:latest\n/);
    expect(r.stdout).toMatch(/Deleted: sha256:[0-9a-f]{64}\n$/);
    expect(run('images', '-q').stdout).toBe('');
    expect(run('system', 'check').stdout).toContain('No problems found');
  });
});
