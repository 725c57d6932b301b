// `cp` both ways, for stopped and running containers, through the engine
// API in this process (the copy runs on this process's main thread, as in
// the CLI) and through the `cp` verb itself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { busyboxRoot, BusyboxRoot, startBerth, whenRunning } from './busybox-root';
import { Berth } from '../../../src/api/engine';
import { cp } from '../../../src/cli/commands/container/cp';
import type { GlobalOptions } from '../../../src/cli/verb';

jest.setTimeout(180_000);

let box: BusyboxRoot;
let engine: Berth;
let work: string;
let n = 0;

beforeAll(async () => {
  box = await busyboxRoot();
  engine = new Berth({ root: box.root });
});
afterAll(async () => {
  await box?.cleanup();
});
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-'));
});
afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

/** A created (never started) container; `setup` runs in it first when given (then it is exited). */
function container(setup?: string): string {
  const name = `cp${++n}`;
  const args = setup ? ['run', '--name', name, 'busybox', 'sh', '-c', setup] : ['create', '--name', name, 'busybox'];
  const made = box.run(args);
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  return name;
}

/** Starts the (created) container attached; its stdout. */
function runIn(name: string): string {
  const started = box.run(['start', '-a', name]);
  expect(started.status).toBe(0);
  return started.stdout;
}

function write(rel: string, content: string, mode = 0o644): string {
  const file = path.join(work, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  return file;
}

function tarList(file: string): string[] {
  return spawnSync('tar', ['-tvf', file], { encoding: 'utf8' }).stdout.trim().split('\n');
}

async function cli(source: string, destination: string, flags: Record<string, unknown> = {}, cwd?: string): Promise<void> {
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    await cp.run({ source, destination, root: box.root, ...flags } as unknown as Parameters<typeof cp.run>[0] & GlobalOptions);
  } finally {
    process.chdir(before);
  }
}

describe('cp into a created container', () => {
  it('copies a file to a new name, into a directory, and over a file; the container sees them', async () => {
    const name = container();
    const src = write('hello.txt', 'hello\n', 0o640);
    fs.chownSync(src, 1234, 5678);
    fs.utimesSync(src, 1_600_000_000, 1_600_000_000);
    await engine.containers.copyTo(name, src, '/tmp/renamed.txt');
    await engine.containers.copyTo(name, src, '/etc');
    await engine.containers.copyTo(name, src, '/etc/hostname.orig'); // new
    fs.writeFileSync(src, 'second\n');
    fs.utimesSync(src, 1_600_000_000, 1_600_000_000);
    await engine.containers.copyTo(name, src, '/tmp/renamed.txt'); // overwrite
    const out = fs.mkdtempSync(path.join(work, 'out-'));
    await engine.containers.copyFrom(name, '/tmp/renamed.txt', path.join(out, 'back.txt'));
    await engine.containers.copyFrom(name, '/etc/hello.txt', out);
    expect(fs.readFileSync(path.join(out, 'back.txt'), 'utf8')).toBe('second\n');
    expect(fs.readFileSync(path.join(out, 'hello.txt'), 'utf8')).toBe('hello\n');
    const kept = fs.statSync(path.join(out, 'back.txt'));
    expect(kept.mode & 0o7777).toBe(0o640);
    expect(kept.mtimeMs).toBe(1_600_000_000_000);
  });

  it('stopped container: cp in, then `start -a` sees the file, owned by root unless -a', async () => {
    const name = `cp${++n}`;
    expect(box.run(['create', '--name', name, 'busybox', 'sh', '-c', 'cat /data/a.txt; stat -c "%u:%g %a" /data/a.txt /data/kept.txt']).status).toBe(0);
    const a = write('a.txt', 'from the host\n', 0o600);
    fs.chownSync(a, 1000, 1001);
    const kept = write('kept.txt', 'kept\n', 0o604);
    fs.chownSync(kept, 1000, 1001);
    // /data is missing: a file copied to /data/ cannot be made, a directory can.
    await expect(engine.containers.copyTo(name, a, '/data/')).rejects.toThrow('no such directory');
    await expect(engine.containers.copyTo(name, a, '/nodir/a.txt')).rejects.toThrow(`Could not find the file /nodir in container ${name}`);
    fs.mkdirSync(path.join(work, 'data'));
    await engine.containers.copyTo(name, path.join(work, 'data'), '/data');
    await engine.containers.copyTo(name, a, '/data/');
    await engine.containers.copyTo(name, kept, '/data', { archive: true });
    expect(runIn(name)).toBe('from the host\n0:0 600\n1000:1001 604\n');
  });

  it('directories: into an existing dir, as a new dir, `/.` and `./` copy the content, dir onto a file fails', async () => {
    const name = container();
    write('site/index.html', '<h1>hi</h1>\n');
    write('site/css/main.css', 'body{}\n');
    fs.symlinkSync('index.html', path.join(work, 'site/home.html'));
    await engine.containers.copyTo(name, path.join(work, 'site'), '/srv'); // /srv missing: becomes /srv
    await engine.containers.copyTo(name, path.join(work, 'site'), '/srv'); // exists: /srv/site
    await engine.containers.copyTo(name, `${work}/site/.`, '/tmp'); // content into /tmp (path.join would drop the /.)
    await expect(engine.containers.copyTo(name, path.join(work, 'site'), '/etc/passwd')).rejects.toThrow('cannot copy directory');
    await engine.containers.copyTo(name, './', '/mnt', { cwd: path.join(work, 'site') }); // content into /mnt
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    await engine.containers.copyFrom(name, '/srv', out);
    await engine.containers.copyFrom(name, '/tmp/.', path.join(out, 'tmp-content'));
    await engine.containers.copyFrom(name, '/mnt/', path.join(out, 'mnt'));
    expect(fs.readFileSync(path.join(out, 'srv/index.html'), 'utf8')).toBe('<h1>hi</h1>\n');
    expect(fs.readFileSync(path.join(out, 'srv/css/main.css'), 'utf8')).toBe('body{}\n');
    expect(fs.readFileSync(path.join(out, 'srv/site/css/main.css'), 'utf8')).toBe('body{}\n');
    expect(fs.readlinkSync(path.join(out, 'srv/home.html'))).toBe('index.html');
    expect(fs.readdirSync(path.join(out, 'tmp-content')).sort()).toEqual(['css', 'home.html', 'index.html']);
    expect(fs.readdirSync(path.join(out, 'mnt')).sort()).toEqual(['css', 'home.html', 'index.html']);
  });

  it('the tutorial form `cp ./ NAME:/usr/local/apache2/htdocs` from a cwd (CLI verb), then `cp NAME:... out`', async () => {
    const name = container('mkdir -p /usr/local/apache2/htdocs && echo old > /usr/local/apache2/htdocs/old.html');
    const site = path.join(work, 'site');
    write('site/index.html', '<p>index</p>\n');
    write('site/about.html', '<p>about</p>\n');
    write('site/img/logo.svg', '<svg/>\n');
    await cli('./', `${name}:/usr/local/apache2/htdocs`, {}, site);
    await cli(`${name}:/usr/local/apache2/htdocs`, path.join(work, 'copy'));
    expect(fs.readdirSync(path.join(work, 'copy')).sort()).toEqual(['about.html', 'img', 'index.html', 'old.html']);
    expect(fs.readFileSync(path.join(work, 'copy/img/logo.svg'), 'utf8')).toBe('<svg/>\n');
  });
});

describe('cp and symlinks inside the container (CVE-2018-15664)', () => {
  it('a link to /etc resolves to the container\'s /etc both ways; the host\'s /etc is untouched', async () => {
    const name = container('ln -s /etc /x && ln -s ../../../../etc /y && echo container-root:x:0:0::/root:/bin/sh > /etc/passwd');
    const hostPasswd = fs.readFileSync('/etc/passwd', 'utf8');
    await engine.containers.copyFrom(name, '/x/passwd', path.join(work, 'passwd'));
    expect(fs.readFileSync(path.join(work, 'passwd'), 'utf8')).toBe('container-root:x:0:0::/root:/bin/sh\n');
    await engine.containers.copyFrom(name, '/y/passwd', path.join(work, 'passwd2'));
    expect(fs.readFileSync(path.join(work, 'passwd2'), 'utf8')).toBe('container-root:x:0:0::/root:/bin/sh\n');
    const marker = write(`berth-cp-marker-${process.pid}`, 'in the container only\n');
    await engine.containers.copyTo(name, marker, '/x/');
    await engine.containers.copyTo(name, marker, '/y');
    await engine.containers.copyTo(name, marker, '/x/passwd');
    expect(fs.existsSync(`/etc/${path.basename(marker)}`)).toBe(false);
    expect(fs.readFileSync('/etc/passwd', 'utf8')).toBe(hostPasswd);
    await engine.containers.copyFrom(name, `/etc/${path.basename(marker)}`, path.join(work, 'back'));
    expect(fs.readFileSync(path.join(work, 'back'), 'utf8')).toBe('in the container only\n');
    await engine.containers.copyFrom(name, '/etc/passwd', path.join(work, 'passwd3'));
    expect(fs.readFileSync(path.join(work, 'passwd3'), 'utf8')).toBe('in the container only\n');
  });

  it('without -L a symlink is copied as a link; with -L its target (resolved in the container) under the link\'s name', async () => {
    const name = container('echo motd > /etc/motd && ln -s /etc/motd /m');
    await engine.containers.copyFrom(name, '/m', path.join(work, 'link'));
    expect(fs.readlinkSync(path.join(work, 'link'))).toBe('/etc/motd');
    await engine.containers.copyFrom(name, '/m', work, { followLink: true });
    expect(fs.lstatSync(path.join(work, 'm')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(work, 'm'), 'utf8')).toBe('motd\n');
    await expect(engine.containers.copyFrom(name, '/nope', work)).rejects.toThrow(`Could not find the file /nope in container ${name}`);
  });
});

describe('cp with tar streams (`-`)', () => {
  it('`cp C:SRC -` writes a tar of SRC; `cp - C:DIR` extracts one into DIR', async () => {
    const name = container('mkdir -p /data/sub && echo one > /data/one && echo two > /data/sub/two');
    const tarFile = path.join(work, 'out.tar');
    const sink = fs.createWriteStream(tarFile);
    await engine.containers.copyFrom(name, '/data', sink);
    await new Promise((resolve) => sink.end(resolve));
    const listed = tarList(tarFile).map((line) => line.split(/\s+/).pop());
    expect(listed).toEqual(['data/', 'data/one', 'data/sub/', 'data/sub/two']);

    // Back in under another directory with system tar as the producer.
    write('in/dir/file.txt', 'from a tar\n');
    const made = spawnSync('tar', ['-cf', '-', '-C', path.join(work, 'in'), 'dir'], { maxBuffer: 1 << 24 });
    expect(made.status).toBe(0);
    await expect(engine.containers.copyTo(name, Readable.from([made.stdout]), '/missing')).rejects.toThrow(`destination "${name}:/missing" must be a directory`);
    await engine.containers.copyTo(name, Readable.from([made.stdout]), '/data');
    const back = new PassThrough();
    const chunks: Buffer[] = [];
    back.on('data', (c: Buffer) => chunks.push(c));
    await engine.containers.copyFrom(name, '/data/dir/file.txt', back);
    const single = path.join(work, 'single.tar');
    fs.writeFileSync(single, Buffer.concat(chunks));
    expect(spawnSync('tar', ['-xOf', single, 'file.txt'], { encoding: 'utf8' }).stdout).toBe('from a tar\n');
  });
});

describe('cp: regressions', () => {
  it('a tar whose entry needs a file as its parent fails naming it, not with `close fd N: EBADF` (double close)', async () => {
    const name = container('mkdir /dir');
    const pack = tar.pack();
    pack.entry({ name: 'b', mode: 0o644 }, 'a file\n');
    pack.entry({ name: 'b/y', mode: 0o644 }, 'below a file\n');
    pack.finalize();
    const error = await engine.containers.copyTo(name, pack as unknown as NodeJS.ReadableStream, '/dir').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toMatch(/EBADF/);
    expect((error as Error).message).toBe('copy: entry `b/y` needs `b` to be a directory');
  });
});

describe('cp with a running container', () => {
  it('copies into and out of /proc/<pid>/root while it runs', async () => {
    const name = `cp${++n}`;
    const bg = startBerth(box.root, ['run', '--name', name, 'busybox', 'sleep', '30']);
    try {
      await whenRunning(box, name);
      const src = write('live.txt', 'live\n');
      await engine.containers.copyTo(name, src, '/tmp/live.txt');
      await engine.containers.copyFrom(name, '/tmp/live.txt', path.join(work, 'live-back.txt'));
      expect(fs.readFileSync(path.join(work, 'live-back.txt'), 'utf8')).toBe('live\n');
      // The running container sees it (its /proc/1/root is the same root).
      const pid = Number(box.run(['inspect', '-f', '{{.State.Pid}}', name]).stdout.trim());
      expect(fs.readFileSync(`/proc/${pid}/root/tmp/live.txt`, 'utf8')).toBe('live\n');
      expect(fs.statSync(`/proc/${pid}/root/tmp/live.txt`).uid).toBe(0);
    } finally {
      box.run(['kill', name]);
      await bg.done;
    }
  });
});
