// save of an image whose blob is damaged on disk (root): each blob is
// checked against its digest as it streams out, so the save fails with a
// one-line error naming the blob and `berth system check`, exit 1. With -o
// no file is written (an existing one is left as it was, as the Docker CLI
// leaves it); on stdout the archive is cut before the damaged blob ends, so
// no reader takes it for whole.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { berth, BERTH_BIN, withTempRoot } from '../helpers/berth';

jest.setTimeout(300_000);

type Root = Awaited<ReturnType<typeof withTempRoot>>;

const DAMAGED = /^Error: save: blob `(sha256:[0-9a-f]{64})` is damaged in the store: its content has digest `sha256:[0-9a-f]{64}`\nHint: `berth system check` lists every damaged blob/;

function ok(args: string[], root: string): string {
  const r = berth(args, { root });
  if (r.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('save of an image with a blob damaged on disk', () => {
  let work: string;
  let store: Root;
  let layerBlob: string;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-save-damaged-'));
    const tree = path.join(work, 'tree');
    fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'etc', 'data'), crypto.randomBytes(256 * 1024)); // gzip keeps it large
    const tarball = path.join(work, 'rootfs.tar');
    expect(spawnSync('tar', ['-C', tree, '-cf', tarball, '.']).status).toBe(0);
    store = await withTempRoot();
    ok(['import', tarball, 'damaged:1'], store.root);
    const layers = JSON.parse(ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'damaged:1'], store.root)) as string[];
    expect(layers).toHaveLength(1);
    // The layer blob (random bytes) is the store's largest: the config and manifest are small JSON.
    const dir = path.join(store.root, 'blobs', 'sha256');
    const [largest] = fs.readdirSync(dir).sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size);
    layerBlob = `sha256:${largest}`;
    // Same size, one byte flipped in the middle: what a bad disk sector or a stray write leaves.
    const file = path.join(dir, largest);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
  });
  afterAll(async () => {
    await store?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('save -o fails naming the blob and `berth system check`, exit 1, and writes no file', () => {
    const out = path.join(work, 'out', 'image.tar');
    fs.mkdirSync(path.dirname(out));
    const r = berth(['save', '-o', out, 'damaged:1'], { root: store.root });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(DAMAGED);
    expect(DAMAGED.exec(r.stderr)?.[1]).toBe(layerBlob);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2); // the error and its hint, no stack
    expect(fs.readdirSync(path.dirname(out))).toEqual([]); // nor a temp file beside it
  });

  test('save -o over an existing file leaves that file as it was', () => {
    const out = path.join(work, 'existing.tar');
    fs.writeFileSync(out, 'previous archive');
    const r = berth(['save', '-o', out, 'damaged:1'], { root: store.root });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(DAMAGED);
    expect(fs.readFileSync(out, 'utf8')).toBe('previous archive');
  });

  test('save to stdout fails the same way, and the archive written is cut: tar and load refuse it', async () => {
    const r = spawnSync(process.execPath, [BERTH_BIN, '--root', store.root, 'save', 'damaged:1'], {
      env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(DAMAGED);
    const archive = path.join(work, 'stdout.tar');
    fs.writeFileSync(archive, r.stdout);
    expect(spawnSync('tar', ['-tf', archive]).status).not.toBe(0);
    const fresh = await withTempRoot();
    try {
      const loaded = berth(['load', '-i', archive], { root: fresh.root });
      expect(loaded.status).toBe(1);
      expect(loaded.stderr).toMatch(/^Error: load: /);
      expect(ok(['images', '-q'], fresh.root)).toBe('');
    } finally {
      await fresh.cleanup();
    }
  });

  test('system check names the same blob', () => {
    const r = berth(['system', 'check'], { root: store.root });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`blob ${layerBlob}: content has digest`);
  });

  test('a blob missing from the store fails the save with its name, exit 1', () => {
    fs.rmSync(path.join(store.root, 'blobs', 'sha256', layerBlob.slice(7)));
    const out = path.join(work, 'missing.tar');
    const r = berth(['save', '-o', out, 'damaged:1'], { root: store.root });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^Error: save: blob \`${layerBlob}\` is missing from the store\\nHint: `));
    expect(fs.existsSync(out)).toBe(false);
  });
});
