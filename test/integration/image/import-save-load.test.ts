// berth import, save and load through the CLI (bin/berth, built dist/), each
// against throwaway data roots; skopeo reads what save writes and writes an
// archive that load reads.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import * as tar from 'tar-stream';
import { berth, BERTH_BIN, fixtureLayout, FIXTURE_TAG, withTempRoot } from '../helpers/fixtures';

jest.setTimeout(600_000);

interface Inspect {
  Id: string;
  RepoTags: string[];
  Comment: string;
  Architecture: string;
  Os: string;
  Config: { Cmd?: string[]; Entrypoint?: string[]; Env?: string[]; ExposedPorts?: Record<string, object>; WorkingDir?: string };
  RootFS: { Layers: string[] };
}

type Root = Awaited<ReturnType<typeof withTempRoot>>;

function ok(args: string[], root: string): string {
  const r = berth(args, { root });
  if (r.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** bin/berth with binary stdin and stdout (import -, save to a pipe, load from stdin). */
function berthBytes(args: string[], root: string, input?: Buffer): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BERTH_BIN, '--root', root, ...args], {
    input,
    env: { ...process.env, BERTH_CONFIG: '/nonexistent/berth-test-config.json' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function inspect(root: string, name: string): Inspect {
  return (JSON.parse(ok(['image', 'inspect', name], root)) as Inspect[])[0];
}

function run(cmd: string, args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
}

function sha256File(file: string): string {
  return 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function tarList(file: string): string[] {
  const r = run('tar', ['-tf', file]);
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

/** Builds a tar with tar-stream from explicit entries (for crafted, hostile archives). */
async function craftTar(file: string, entries: Array<{ header: Partial<tar.Header> & { name: string }; body?: string | Buffer }>): Promise<void> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const e of entries) pack.entry(e.header, e.body ?? '');
  pack.finalize();
  await ended;
  fs.writeFileSync(file, Buffer.concat(chunks));
}

describe('berth import, save and load', () => {
  let work: string;
  let rootfsTar: string;
  let first: Root;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-isl-'));
    const tree = path.join(work, 'tree');
    fs.mkdirSync(path.join(tree, 'etc'), { recursive: true });
    fs.mkdirSync(path.join(tree, 'bin'));
    fs.mkdirSync(path.join(tree, 'var', 'empty'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'etc', 'hello.txt'), 'hello from an imported rootfs\n');
    fs.writeFileSync(path.join(tree, 'bin', 'tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
    fs.symlinkSync('tool', path.join(tree, 'bin', 'link'));
    rootfsTar = path.join(work, 'rootfs.tar');
    const t = run('tar', ['--numeric-owner', '-C', tree, '-cf', rootfsTar, '.']);
    expect(t.status).toBe(0);
    first = await withTempRoot();
  });

  afterAll(async () => {
    await first?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  let importedId: string;

  it('imports a tarball with changes and a message, and shows it in images and inspect', () => {
    const stdout = ok(
      [
        'import',
        '-c', 'CMD ["sh"]',
        '--change', 'ENTRYPOINT /bin/tool --flag',
        '-c', 'ENV GREETING="hello world" MODE=test',
        '-c', 'EXPOSE 8080 53/udp',
        '-c', 'WORKDIR /var/empty',
        '-m', 'built by the test',
        rootfsTar,
        'test/imported:v1',
      ],
      first.root,
    );
    expect(stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/);
    importedId = stdout.trim();

    const listed = ok(['images'], first.root);
    expect(listed).toMatch(new RegExp(`test/imported\\s+v1\\s+${importedId.slice(7, 19)}`));

    const image = inspect(first.root, 'test/imported:v1');
    expect(image.Id).toBe(importedId);
    expect(image.RepoTags).toEqual(['test/imported:v1']);
    expect(image.Comment).toBe('built by the test');
    expect(image.Os).toBe('linux');
    expect(image.Architecture).toBe('amd64');
    expect(image.Config.Cmd).toEqual(['sh']);
    expect(image.Config.Entrypoint).toEqual(['/bin/sh', '-c', '/bin/tool --flag']);
    expect(image.Config.Env).toEqual(['GREETING=hello world', 'MODE=test']);
    expect(Object.keys(image.Config.ExposedPorts ?? {}).sort()).toEqual(['53/udp', '8080/tcp']);
    expect(image.Config.WorkingDir).toBe('/var/empty');
    // The diffID is the digest of the uncompressed tar that was imported.
    expect(image.RootFS.Layers).toEqual([sha256File(rootfsTar)]);

    // The one layer is unpacked, with its file, symlink and directory.
    const diff = path.join(first.root, 'layers', image.RootFS.Layers[0].slice(7), 'diff');
    expect(fs.readFileSync(path.join(diff, 'etc', 'hello.txt'), 'utf8')).toBe('hello from an imported rootfs\n');
    expect(fs.readlinkSync(path.join(diff, 'bin', 'link'))).toBe('tool');
    expect(fs.statSync(path.join(diff, 'bin', 'tool')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(diff, 'var', 'empty')).isDirectory()).toBe(true);

    const history = ok(['history', 'test/imported:v1'], first.root);
    expect(history).toContain('built by the test');
  });

  it('imports a gzip tarball from stdin: same layer, "Imported from -"', () => {
    const gz = zlib.gzipSync(fs.readFileSync(rootfsTar));
    const r = berthBytes(['import', '-', 'test/stdin'], first.root, gz);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const image = inspect(first.root, 'test/stdin');
    expect(image.Id).toBe(r.stdout.toString('utf8').trim());
    expect(image.Comment).toBe('Imported from -');
    expect(image.RepoTags).toEqual(['test/stdin:latest']);
    expect(image.RootFS.Layers).toEqual([sha256File(rootfsTar)]);
  });

  it('refuses to import from a URL or a bad change', () => {
    const url = berth(['import', 'http://127.0.0.1:1/rootfs.tar'], { root: first.root });
    expect(url.status).not.toBe(0);
    expect(url.stderr).toMatch(/URL is not supported/);
    const change = berth(['import', '-c', 'RUN echo no', rootfsTar], { root: first.root });
    expect(change.status).not.toBe(0);
    expect(change.stderr).toMatch(/`RUN` is not a valid change instruction/);
  });

  let savedFile: string;

  it('saves an archive that is both a docker-archive and an OCI layout', () => {
    savedFile = path.join(work, 'saved.tar');
    expect(ok(['save', '-o', savedFile, 'test/imported:v1'], first.root)).toBe('');
    const names = tarList(savedFile);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'index.json', 'oci-layout', 'repositories', `blobs/sha256/${importedId.slice(7)}`]));

    const dockerArchive = run('skopeo', ['inspect', `docker-archive:${savedFile}`]);
    expect(dockerArchive.stderr).toBe('');
    expect(dockerArchive.status).toBe(0);
    expect((JSON.parse(dockerArchive.stdout) as { Layers: string[] }).Layers).toEqual([sha256File(rootfsTar)]);

    const oci = run('skopeo', ['inspect', `oci-archive:${savedFile}`]);
    expect(oci.stderr).toBe('');
    expect(oci.status).toBe(0);
    const ociManifest = JSON.parse(run('skopeo', ['inspect', '--raw', `oci-archive:${savedFile}`]).stdout) as { config: { digest: string } };
    expect(ociManifest.config.digest).toBe(importedId);

    // skopeo can copy the image out of either view, layers and all.
    const out = path.join(work, 'copied');
    const copy = run('skopeo', ['copy', '--insecure-policy', '--quiet', `oci-archive:${savedFile}`, `dir:${out}`]);
    expect(copy.stderr).toBe('');
    expect(copy.status).toBe(0);
  });

  it('writes the same bytes each time, to a file or to stdout', () => {
    const again = path.join(work, 'again.tar');
    ok(['save', '--output', again, 'test/imported:v1'], first.root);
    expect(sha256File(again)).toBe(sha256File(savedFile));
    const piped = berthBytes(['save', 'test/imported:v1'], first.root);
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(0);
    expect('sha256:' + crypto.createHash('sha256').update(piped.stdout).digest('hex')).toBe(sha256File(savedFile));
  });

  it('loads the saved archive into a fresh root: same ID, same tag, same manifest', async () => {
    const second = await withTempRoot();
    try {
      expect(ok(['load', '-i', savedFile], second.root)).toBe('Loaded image: test/imported:v1\n');
      const loaded = inspect(second.root, 'test/imported:v1');
      const original = inspect(first.root, 'test/imported:v1');
      expect(loaded.Id).toBe(importedId);
      expect(loaded.RepoTags).toEqual(['test/imported:v1']);
      expect(loaded.Config).toEqual(original.Config);
      expect(loaded.RootFS).toEqual(original.RootFS);
      const diff = path.join(second.root, 'layers', loaded.RootFS.Layers[0].slice(7), 'diff');
      expect(fs.readlinkSync(path.join(diff, 'bin', 'link'))).toBe('tool');
      // Loading again changes nothing; the store stays consistent.
      const fromStdin = berthBytes(['load'], second.root, fs.readFileSync(savedFile));
      expect(fromStdin.stderr).toBe('');
      expect(fromStdin.stdout.toString('utf8')).toBe('Loaded image: test/imported:v1\n');
      expect(ok(['system', 'check'], second.root)).toContain('No problems found');
      // A saved-and-loaded image saves to the very same archive.
      const resaved = path.join(work, 'resaved.tar');
      ok(['save', '-o', resaved, 'test/imported:v1'], second.root);
      expect(sha256File(resaved)).toBe(sha256File(savedFile));
    } finally {
      await second.cleanup();
    }
  });

  it('saves several images and loads an untagged one by ID', async () => {
    const both = path.join(work, 'both.tar');
    ok(['save', '-o', both, 'test/imported:v1', importedId], first.root);
    const third = await withTempRoot();
    try {
      const stdinId = inspect(first.root, 'test/stdin').Id;
      const byId = path.join(work, 'by-id.tar');
      ok(['save', '-o', byId, stdinId.slice(7, 19)], first.root);
      expect(ok(['load', '-q', '-i', byId], third.root)).toBe(`Loaded image ID: ${stdinId}\n`);
      expect(ok(['load', '-i', both], third.root)).toBe('Loaded image: test/imported:v1\n');
      expect(inspect(third.root, stdinId).RepoTags).toEqual([]);
    } finally {
      await third.cleanup();
    }
  });

  describe('archives written by skopeo', () => {
    let skopeoArchive: string;
    let fixtureConfigDigest: string;

    beforeAll(() => {
      const layout = fixtureLayout('busybox');
      skopeoArchive = path.join(work, 'skopeo-busybox.tar');
      const copy = run('skopeo', ['copy', '--insecure-policy', '--quiet', `oci:${layout}:${FIXTURE_TAG}`, `docker-archive:${skopeoArchive}:busybox:latest`]);
      expect(copy.stderr).toBe('');
      expect(copy.status).toBe(0);
      const raw = JSON.parse(run('skopeo', ['inspect', '--raw', `oci:${layout}:${FIXTURE_TAG}`]).stdout) as { config: { digest: string } };
      fixtureConfigDigest = raw.config.digest;
    });

    it('loads a docker-archive from `skopeo copy oci:... docker-archive:...`', async () => {
      const root = await withTempRoot();
      try {
        expect(ok(['load', '-i', skopeoArchive], root.root)).toBe('Loaded image: busybox:latest\n');
        const image = inspect(root.root, 'busybox');
        expect(image.Id).toBe(fixtureConfigDigest);
        const diff = path.join(root.root, 'layers', image.RootFS.Layers[0].slice(7), 'diff');
        expect(fs.existsSync(path.join(diff, 'bin', 'busybox'))).toBe(true);
        expect(ok(['system', 'check'], root.root)).toContain('No problems found');
      } finally {
        await root.cleanup();
      }
    });

    /** skopeo's archive unpacked into a directory, changed by `edit`, packed again. */
    function rewritten(name: string, edit: (dir: string, manifest: Array<{ Config: string; Layers: string[] }>) => void): string {
      const dir = path.join(work, `${name}-dir`);
      fs.mkdirSync(dir);
      expect(run('tar', ['-C', dir, '-xf', skopeoArchive]).status).toBe(0);
      const manifestFile = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Array<{ Config: string; Layers: string[] }>;
      edit(dir, manifest);
      fs.chmodSync(manifestFile, 0o644);
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
      const out = path.join(work, `${name}.tar`);
      expect(run('tar', ['-C', dir, '-cf', out, '.']).status).toBe(0);
      return out;
    }

    it('follows the legacy `<id>/layer.tar` symlinks of the old layout', async () => {
      const archive = rewritten('legacy', (dir, manifest) => {
        const legacy = fs.readdirSync(dir).find((n) => fs.existsSync(path.join(dir, n, 'layer.tar')));
        expect(legacy).toBeDefined();
        expect(fs.lstatSync(path.join(dir, legacy!, 'layer.tar')).isSymbolicLink()).toBe(true);
        manifest[0].Layers = [`${legacy}/layer.tar`];
      });
      const root = await withTempRoot();
      try {
        expect(ok(['load', '-i', archive], root.root)).toBe('Loaded image: busybox:latest\n');
        expect(inspect(root.root, 'busybox').Id).toBe(fixtureConfigDigest);
      } finally {
        await root.cleanup();
      }
    });

    it('refuses a layer whose content does not match the config diffID', async () => {
      const archive = rewritten('bad-diffid', (dir, manifest) => {
        const configFile = path.join(dir, manifest[0].Config);
        const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { rootfs: { diff_ids: string[] } };
        config.rootfs.diff_ids[0] = 'sha256:' + crypto.createHash('sha256').update('something else').digest('hex');
        fs.chmodSync(configFile, 0o644);
        fs.writeFileSync(configFile, JSON.stringify(config));
      });
      const root = await withTempRoot();
      try {
        const r = berth(['load', '-i', archive], { root: root.root });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/diffID/);
        expect(ok(['images', '-q'], root.root)).toBe('');
      } finally {
        await root.cleanup();
      }
    });
  });

  describe('hostile archives', () => {
    it('refuses entry names that climb out with `..`', async () => {
      const archive = path.join(work, 'dotdot.tar');
      const victim = path.join(work, 'escaped.txt');
      await craftTar(archive, [
        { header: { name: 'manifest.json', size: 2 }, body: '[]' },
        { header: { name: `../../../../../../..${victim}`, size: 5 }, body: 'owned' },
      ]);
      const root = await withTempRoot();
      try {
        const r = berth(['load', '-i', archive], { root: root.root });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/escapes the archive/);
        expect(fs.existsSync(victim)).toBe(false);
      } finally {
        await root.cleanup();
      }
    });

    it('refuses symlinks in the archive that point outside it', async () => {
      const archive = path.join(work, 'symlink-out.tar');
      await craftTar(archive, [
        { header: { name: 'evil', type: 'symlink', linkname: '../../../../../../etc' } },
        { header: { name: 'manifest.json', size: 60 }, body: JSON.stringify([{ Config: 'evil/passwd', Layers: [] }]).padEnd(60) },
      ]);
      const root = await withTempRoot();
      try {
        const r = berth(['load', '-i', archive], { root: root.root });
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/escapes the archive/);
      } finally {
        await root.cleanup();
      }
    });
  });
});
