// examples/embed.js, the program that embeds berth as a library, run as a user would run it
// (node, against the built package): from a rootfs tarball and from a registry on loopback.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { berth, withTempRoot } from './helpers/berth';
import { pushFixture } from './helpers/fixtures';
import { startRegistry, TestRegistry } from './helpers/registry';

jest.setTimeout(600_000); // jest ignores testTimeout inside a project entry

const REPO = path.resolve(__dirname, '../..');
const EMBED = path.join(REPO, 'examples/embed.js');
const ROOTFS_SCRIPT = path.join(REPO, 'rootfs-cache/busybox-rootfs.sh');

function embed(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [EMBED, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('examples/embed.js', () => {
  let scratch: string;
  let tar: string;
  let root: string;
  let cleanup: () => Promise<void>;

  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-embed-'));
    tar = path.join(scratch, 'busybox.tar');
    const made = spawnSync('bash', [ROOTFS_SCRIPT, tar], { encoding: 'utf8', timeout: 120_000 });
    expect(made.status).toBe(0);
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  beforeEach(async () => ({ root, cleanup } = await withTempRoot()));
  afterEach(async () => cleanup());

  it('imports a rootfs tarball, runs a container with its output piped, prints it with the exit code, removes it', () => {
    const result = embed(['--root', root, '--tar', tar, '--', 'sh', '-c', 'echo "out $(hostname)"; echo oops >&2; exit 3']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^imported sha256:[0-9a-f]{64}$/);
    const said = /^container (\w+) \(([0-9a-f]{12})\) said:$/.exec(lines[1]);
    expect(said).not.toBeNull();
    const [, name, shortId] = said!;
    // The default hostname is the short ID: the output really came from inside the container.
    expect(lines.slice(2)).toEqual([`  | out ${shortId}`, '  ! oops', 'exit code: 3', `removed ${name}`, '']);
    expect(berth(['ps', '-aq'], { root }).stdout).toBe('');
    expect(fs.readdirSync(path.join(root, 'containers')).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(berth(['images', '--format', '{{.Repository}}:{{.Tag}}'], { root }).stdout).toBe('embed-example:latest\n');
  });

  it('runs its default command', () => {
    const result = embed(['--root', root, '--tar', tar]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\n {2}\| hello from [0-9a-f]{12}, PID 1\nexit code: 0\n/);
  });

  it('reports bad arguments with its usage and a non-zero exit', () => {
    const result = embed(['--root', root]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('usage: node examples/embed.js');
  });

  describe('from a registry', () => {
    let registry: TestRegistry;

    beforeAll(async () => {
      registry = await startRegistry();
      await pushFixture('busybox', registry, 'busybox:latest');
    });
    afterAll(async () => registry?.stop());

    it('pulls the image it is given and runs the command in it', () => {
      const ref = `${registry.host}/busybox:latest`;
      const result = embed(['--root', root, '--pull', ref, '--', 'sh', '-c', 'cat /etc/hostname; exit 7']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^pulled sha256:[0-9a-f]{64}\ncontainer \w+ \(([0-9a-f]{12})\) said:\n {2}\| \1\nexit code: 7\nremoved \w+\n$/);
      expect(berth(['images', '--format', '{{.Repository}}:{{.Tag}}'], { root }).stdout).toBe(`${registry.host}/busybox:latest\n`);
    });
  });
});
