// A NUL byte in an environment variable (root): no execve can pass one, so
// berth refuses it where it enters, with a one-line `Error: ...` and
// Docker's exit code, and nothing is left behind: --env-file for run and
// create (125, no container), for exec (125, the container runs on), and an
// image config in an archive for load (1, nothing stored, the other image
// of the same archive not loaded either). argv cannot carry a NUL, so -e
// is covered by the unit tests of its parser.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tar from 'tar-stream';
import { BusyboxRoot, busyboxRoot, whenRunning } from './busybox-root';
import { berth, withTempRoot } from '../helpers/berth';

jest.setTimeout(300_000);

const ENV_FILE_ERROR = (file: string): string => `Error: --env-file: invalid env file (${file}): variable \`TOKEN\` holds a NUL byte\n`;
/** run and create read --env-file while they read their flags, as Docker's CLI does: its flag-error form. */
const ENV_FILE_FLAG_ERROR = (file: string, verb: string): string =>
  `berth: --env-file: invalid env file (${file}): variable \`TOKEN\` holds a NUL byte\n\nRun 'berth ${verb} --help' for more information\n`;

function sha256(data: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
}

async function tarOf(entries: Array<{ name: string; body: Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const e of entries) pack.entry({ name: e.name, size: e.body.length, mode: 0o644 }, e.body);
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A docker-archive of two one-layer images: `good:1`, and `nul:1` whose config's Env holds `TOKEN=se\0cret`. */
async function archiveWithNulEnv(file: string): Promise<void> {
  const layer = await tarOf([{ name: 'hello.txt', body: Buffer.from('hello\n') }]);
  const config = (env: string[]) =>
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: env, Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  const good = config(['PATH=/bin']);
  const bad = config(['PATH=/bin', 'TOKEN=se\0cret']);
  const manifest = [
    { Config: 'good.json', RepoTags: ['good:1'], Layers: ['layer.tar'] },
    { Config: 'bad.json', RepoTags: ['nul:1'], Layers: ['layer.tar'] },
  ];
  fs.writeFileSync(file, await tarOf([
    { name: 'layer.tar', body: layer },
    { name: 'good.json', body: good },
    { name: 'bad.json', body: bad },
    { name: 'manifest.json', body: Buffer.from(JSON.stringify(manifest)) },
  ]));
}

describe('a NUL byte in an environment variable', () => {
  let box: BusyboxRoot;
  let work: string;
  let envFile: string;

  beforeAll(async () => {
    box = await busyboxRoot();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-env-nul-'));
    envFile = path.join(work, 'app.env');
    fs.writeFileSync(envFile, 'A=1\nTOKEN=se\0cret\n');
  });
  afterAll(async () => {
    await box?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test.each([['run', '--rm'], ['create']])('%s --env-file: Error naming the key (not the value), exit 125, no container', (verb, ...flags) => {
    const r = box.run([verb, ...flags, '--env-file', envFile, 'busybox', 'env']);
    expect(r).toMatchObject({ status: 125, stdout: '', stderr: ENV_FILE_FLAG_ERROR(envFile, verb) });
    expect(box.run(['ps', '-aq']).stdout).toBe('');
  });

  test('exec --env-file: Error, exit 125, and the container runs on', async () => {
    expect(box.run(['run', '-d', '--name', 'target', 'busybox', 'sleep', '1000']).status).toBe(0);
    await whenRunning(box, 'target');
    const r = box.run(['exec', '--env-file', envFile, 'target', 'env']);
    expect(r).toMatchObject({ status: 125, stdout: '', stderr: ENV_FILE_ERROR(envFile) });
    expect(box.run(['exec', '-e', 'B=2', 'target', 'sh', '-c', 'echo $B'])).toMatchObject({ status: 0, stdout: '2\n' });
    expect(box.run(['rm', '-f', 'target']).status).toBe(0);
  });

  test('load of an archive whose image config has one: Error, exit 1, nothing stored', async () => {
    const archive = path.join(work, 'nul-env.tar');
    await archiveWithNulEnv(archive);
    const root = await withTempRoot();
    try {
      const r = berth(['load', '-i', archive], { root: root.root });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: load: image config `sha256:[0-9a-f]{64}` cannot be used: its environment variable `TOKEN` holds a NUL byte\n$/);
      expect(r.stderr).not.toContain('cret');
      // Refused before any blob was stored: not even the good image of the archive, and the store is consistent.
      expect(berth(['images', '-q'], { root: root.root }).stdout).toBe('');
      const blobs = path.join(root.root, 'blobs', 'sha256');
      expect(fs.existsSync(blobs) ? fs.readdirSync(blobs) : []).toEqual([]);
      expect(berth(['system', 'check'], { root: root.root })).toMatchObject({ status: 0, stdout: 'No problems found\n' });
      const tmp = path.join(root.root, 'tmp');
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
    } finally {
      await root.cleanup();
    }
  });

  test('the same archive without the bad image loads (the refusal was the bad config alone)', async () => {
    const archive = path.join(work, 'nul-env.tar');
    const root = await withTempRoot();
    const extracted = path.join(work, 'extracted');
    try {
      fs.mkdirSync(extracted);
      expect(spawnSync('tar', ['-C', extracted, '-xf', archive]).status).toBe(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(extracted, 'manifest.json'), 'utf8')) as unknown[];
      fs.writeFileSync(path.join(extracted, 'manifest.json'), JSON.stringify(manifest.slice(0, 1)));
      fs.rmSync(path.join(extracted, 'bad.json'));
      const good = path.join(work, 'good.tar');
      expect(spawnSync('tar', ['-C', extracted, '-cf', good, '.']).status).toBe(0);
      expect(berth(['load', '-i', good], { root: root.root })).toMatchObject({ status: 0, stdout: 'Loaded image: good:1\n' });
    } finally {
      await root.cleanup();
    }
  });
});
