// Volumes with real containers: named volumes outlive their containers,
// anonymous ones (-v /path, an image's VOLUME) are filled with the image's
// content and go with `rm -v` / `run --rm`, binds of directories and files,
// and the `volume` verbs' output. Runs as root (namespaces, mounts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { berth, withTempRoot, BerthResult } from '../helpers/berth';
import { lgetxattr, lsetxattr } from '../../../src/sys/fs-at';

const BUSYBOX_ROOTFS = path.resolve(__dirname, '../../../rootfs-cache/busybox-rootfs.sh');
const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

let work: string;
let root: string;
let cleanupRoot: () => Promise<void>;

function ok(args: string[]): string {
  const result = berth(args, { root });
  if (result.status !== 0) throw new Error(`berth ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

function run(args: string[]): BerthResult {
  return berth(args, { root });
}

function volumeNames(): string[] {
  return ok(['volume', 'ls', '-q']).split('\n').filter(Boolean);
}

/**
 * Images made with `berth import` from the busybox rootfs:
 *   volimg:  /data/seed.txt (1000:1000, 0640, in a 0750 dir) and VOLUME /data
 *   linkimg: /linked -> /etc (a volume there must copy the image's /etc, not the host's)
 *   both:    /rich with symlinks, a hardlink, a fifo, an xattr and a dated 0750 dir
 */
function buildImages(): void {
  execFileSync('bash', [BUSYBOX_ROOTFS, path.join(work, 'busybox.tar')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const tree = path.join(work, 'tree');
  fs.mkdirSync(tree);
  execFileSync('tar', ['-xf', path.join(work, 'busybox.tar'), '-C', tree]);
  fs.mkdirSync(path.join(tree, 'data'));
  fs.writeFileSync(path.join(tree, 'data', 'seed.txt'), 'seeded by the image\n');
  fs.chmodSync(path.join(tree, 'data', 'seed.txt'), 0o640);
  fs.chmodSync(path.join(tree, 'data'), 0o750);
  fs.chownSync(path.join(tree, 'data', 'seed.txt'), 1000, 1000);
  fs.chownSync(path.join(tree, 'data'), 1000, 1000);
  fs.symlinkSync('/etc', path.join(tree, 'linked'));
  // /rich: what Docker 20.10 copies into a new volume besides plain files.
  const rich = path.join(tree, 'rich');
  fs.mkdirSync(path.join(rich, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(rich, 'file'), 'rich\n', { mode: 0o640 });
  fs.chmodSync(path.join(rich, 'file'), 0o640);
  fs.linkSync(path.join(rich, 'file'), path.join(rich, 'hard'));
  fs.symlinkSync('file', path.join(rich, 'rel'));
  fs.symlinkSync('/etc/passwd', path.join(rich, 'abs'));
  fs.symlinkSync('../file', path.join(rich, 'sub', 'up'));
  fs.lchownSync(path.join(rich, 'rel'), 33, 33);
  fs.lutimesSync(path.join(rich, 'rel'), 1_500_000_000, 1_500_000_000);
  execFileSync('mkfifo', [path.join(rich, 'fifo')]);
  lsetxattr(path.join(rich, 'file'), 'user.origin', Buffer.from('image'));
  fs.chmodSync(path.join(rich, 'sub'), 0o750);
  fs.utimesSync(path.join(rich, 'sub'), 1_400_000_000, 1_400_000_000);
  const tar = path.join(work, 'image.tar');
  execFileSync('tar', ['-C', tree, '--numeric-owner', '--xattrs', '--xattrs-include=user.*', '-cf', tar, '.']);
  ok(['import', '--change', 'VOLUME /data', '--change', 'CMD ["sh"]', '--change', PATH_ENV, tar, 'volimg']);
  ok(['import', '--change', 'CMD ["sh"]', '--change', PATH_ENV, tar, 'linkimg']);
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-volumes-'));
  const temp = await withTempRoot();
  root = temp.root;
  cleanupRoot = temp.cleanup;
  buildImages();
}, 120_000);

afterAll(async () => {
  await cleanupRoot?.();
  fs.rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  // Each test starts without containers or volumes.
  for (const id of ok(['ps', '-aq']).split('\n').filter(Boolean)) run(['rm', '-f', id]);
  ok(['volume', 'prune', '-a', '-f']);
});

describe('named volumes', () => {
  it('keep data written by one container for the next, and are created on first use', () => {
    expect(volumeNames()).toEqual([]);
    ok(['run', '--rm', '-v', 'shared:/store', 'volimg', 'sh', '-c', 'echo from-first > /store/note']);
    expect(volumeNames()).toEqual(['shared']);
    expect(ok(['run', '--rm', '-v', 'shared:/elsewhere', 'volimg', 'cat', '/elsewhere/note'])).toBe('from-first\n');
    // --mount type=volume names the same store.
    expect(ok(['run', '--rm', '--mount', 'type=volume,src=shared,dst=/m', 'volimg', 'cat', '/m/note'])).toBe('from-first\n');
    // run --rm never removes a named volume.
    expect(volumeNames()).toEqual(['shared']);
    expect(fs.readFileSync(path.join(root, 'volumes', 'shared', '_data', 'note'), 'utf8')).toBe('from-first\n');
  });

  it("are filled with the image's content once: a file deleted later does not come back", () => {
    expect(ok(['run', '--rm', '-v', 'pop:/data', 'volimg', 'cat', '/data/seed.txt'])).toBe('seeded by the image\n');
    ok(['run', '--rm', '-v', 'pop:/data', 'volimg', 'rm', '/data/seed.txt']);
    expect(ok(['run', '--rm', '-v', 'pop:/data', 'volimg', 'ls', '-A', '/data'])).toBe('');
  });

  it('with nocopy stay empty', () => {
    expect(ok(['run', '--rm', '-v', 'bare:/data:nocopy', 'volimg', 'ls', '-A', '/data'])).toBe('');
    expect(ok(['run', '--rm', '--mount', 'type=volume,src=bare2,dst=/data,volume-nocopy', 'volimg', 'ls', '-A', '/data'])).toBe('');
  });

  it('are filled as Docker 20.10 fills them: symlinks with their owner and time, hardlinks, fifos, xattrs; directories dated by the copy', () => {
    ok(['run', '--rm', '-v', 'rich:/rich', 'volimg', 'true']);
    const data = path.join(root, 'volumes', 'rich', '_data');
    expect(fs.readdirSync(data).sort()).toEqual(['abs', 'fifo', 'file', 'hard', 'rel', 'sub']);
    expect(fs.readlinkSync(path.join(data, 'abs'))).toBe('/etc/passwd');
    expect(fs.readlinkSync(path.join(data, 'sub', 'up'))).toBe('../file');
    const rel = fs.lstatSync(path.join(data, 'rel'));
    expect([fs.readlinkSync(path.join(data, 'rel')), rel.uid, rel.gid, rel.mtimeMs]).toEqual(['file', 33, 33, 1_500_000_000_000]);
    expect(fs.statSync(path.join(data, 'hard')).ino).toBe(fs.statSync(path.join(data, 'file')).ino);
    expect(fs.lstatSync(path.join(data, 'fifo')).isFIFO()).toBe(true);
    expect(fs.statSync(path.join(data, 'file')).mode & 0o7777).toBe(0o640);
    expect(lgetxattr(path.join(data, 'file'), 'user.origin')).toEqual(Buffer.from('image'));
    const sub = fs.statSync(path.join(data, 'sub'));
    expect(sub.mode & 0o7777).toBe(0o750);
    expect(sub.mtimeMs).toBeGreaterThan(1_400_000_000_000);
  });

  it("never copy host files through an image symlink at the mount point", () => {
    ok(['run', '--rm', '-v', 'sym:/linked', 'linkimg', 'true']);
    const data = path.join(root, 'volumes', 'sym', '_data');
    const copied = fs.readdirSync(data);
    expect(copied).toEqual(expect.arrayContaining(['passwd', 'group']));
    // The image's /etc/passwd, not the host's; the host's other files are not there.
    expect(fs.readFileSync(path.join(data, 'passwd'), 'utf8')).toBe(
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
    );
    expect(fs.existsSync('/etc/os-release')).toBe(true);
    expect(copied).not.toContain('os-release');
    expect(copied).not.toContain('shadow');
  });
});

describe('anonymous volumes', () => {
  it("of an image VOLUME are filled with the image's files, owners and modes, and removed by rm -v", () => {
    const out = ok(['run', '--name', 'seeded', 'volimg', 'sh', '-c', 'cat /data/seed.txt; stat -c "%u:%g %a" /data /data/seed.txt']);
    expect(out).toBe('seeded by the image\n1000:1000 750\n1000:1000 640\n');
    const [anonymous] = volumeNames();
    expect(anonymous).toMatch(/^[0-9a-f]{64}$/);
    const inspect = JSON.parse(ok(['volume', 'inspect', anonymous]));
    expect(inspect[0].Labels).toEqual({ 'com.docker.volume.anonymous': '' });
    const state = JSON.parse(ok(['inspect', 'seeded']));
    expect(state[0].Name).toBe('/seeded');
    ok(['rm', '-v', 'seeded']);
    expect(volumeNames()).toEqual([]);
  });

  it('are kept by rm without -v, removed by run --rm', () => {
    ok(['run', '--name', 'kept', '-v', '/scratch', 'volimg', 'true']);
    expect(volumeNames()).toHaveLength(2); // /scratch and the image's /data
    ok(['rm', 'kept']);
    expect(volumeNames()).toHaveLength(2);
    ok(['volume', 'prune', '-f']);
    ok(['run', '--rm', '-v', '/scratch', '-v', 'named:/named', 'volimg', 'true']);
    expect(volumeNames()).toEqual(['named']);
  });
});

describe('binds', () => {
  it('-v /host/dir:/mnt:ro is read-only inside', () => {
    const dir = fs.mkdtempSync(path.join(work, 'ro-'));
    fs.writeFileSync(path.join(dir, 'visible'), 'host data\n');
    const result = run(['run', '--rm', '-v', `${dir}:/mnt:ro`, 'volimg', 'sh', '-c', 'cat /mnt/visible; touch /mnt/new']);
    expect(result.stdout).toBe('host data\n');
    expect(result.stderr).toMatch(/Read-only file system/);
    expect(result.status).toBe(1);
    expect(fs.existsSync(path.join(dir, 'new'))).toBe(false);
    // Writable without :ro, and the write lands on the host.
    ok(['run', '--rm', '-v', `${dir}:/mnt`, 'volimg', 'sh', '-c', 'echo back > /mnt/new']);
    expect(fs.readFileSync(path.join(dir, 'new'), 'utf8')).toBe('back\n');
  });

  it('binds a single file', () => {
    const file = path.join(work, 'motd.txt');
    fs.writeFileSync(file, 'a bound file\n');
    expect(ok(['run', '--rm', '-v', `${file}:/etc/motd:ro`, 'volimg', 'cat', '/etc/motd'])).toBe('a bound file\n');
    expect(ok(['run', '--rm', '--mount', `type=bind,src=${file},dst=/opt/file`, 'volimg', 'sh', '-c', 'test -f /opt/file && cat /opt/file'])).toBe(
      'a bound file\n',
    );
  });
});

describe('volume verbs', () => {
  it('create, ls (table, -q, --format, --filter), inspect', () => {
    expect(ok(['volume', 'create', '--label', 'env=test', 'alpha'])).toBe('alpha\n');
    expect(ok(['volume', 'create', 'beta'])).toBe('beta\n');
    expect(ok(['volume', 'ls'])).toBe('DRIVER    VOLUME NAME\nlocal     alpha\nlocal     beta\n');
    expect(ok(['volume', 'ls', '-q'])).toBe('alpha\nbeta\n');
    expect(ok(['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}}'])).toBe('alpha local local env=test\nbeta local local \n');
    expect(ok(['volume', 'ls', '--filter', 'label=env=test', '-q'])).toBe('alpha\n');
    ok(['create', '--name', 'holder', '-v', 'beta:/b', 'volimg']);
    const anonymous = volumeNames().filter((n) => n !== 'alpha' && n !== 'beta');
    expect(anonymous).toHaveLength(1);
    expect(ok(['volume', 'ls', '--filter', 'dangling=true', '-q'])).toBe('alpha\n');
    expect(ok(['volume', 'ls', '--filter', 'dangling=false', '-q']).split('\n').filter(Boolean).sort()).toEqual([...anonymous, 'beta'].sort());

    const [inspected] = JSON.parse(ok(['volume', 'inspect', 'alpha']));
    expect(inspected).toEqual({
      CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      Driver: 'local',
      Labels: { env: 'test' },
      Mountpoint: path.join(root, 'volumes', 'alpha', '_data'),
      Name: 'alpha',
      Options: null,
      Scope: 'local',
    });
    expect(ok(['volume', 'inspect', '--format', '{{.Name}}:{{.Driver}}', 'alpha', 'beta'])).toBe('alpha:local\nbeta:local\n');
    const missing = run(['volume', 'inspect', 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('Error: get nope: no such volume\n');

    const bad = run(['volume', 'create', 'bad name']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('Error: create bad name: "bad name" includes invalid characters for a local volume name');
  });

  it('rm refuses a volume a container uses, removes it once the container is gone, reports each name', () => {
    ok(['volume', 'create', 'busy']);
    ok(['volume', 'create', 'idle']);
    const id = ok(['create', '-v', 'busy:/b', 'volimg']).trim();
    const refused = run(['volume', 'rm', 'busy', 'idle', 'ghost']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('idle\n');
    expect(refused.stderr).toBe(`Error: remove busy: volume is in use - [${id}]\nError: get ghost: no such volume\n`);
    expect(run(['volume', 'rm', '-f', 'ghost']).status).toBe(0);
    ok(['rm', id]);
    expect(ok(['volume', 'rm', 'busy'])).toBe('busy\n');
    expect(volumeNames().filter((n) => n === 'busy' || n === 'idle')).toEqual([]);
  });

  it('prune removes unused anonymous volumes, with -a unused named ones too', () => {
    ok(['volume', 'create', 'named']);
    ok(['run', '--name', 'gone', 'volimg', 'true']);
    ok(['rm', 'gone']);
    const [anonymous] = volumeNames().filter((n) => n !== 'named');
    const used = ok(['create', '-v', 'inuse:/u', 'volimg']).trim();
    const usedAnonymous = volumeNames().filter((n) => n !== 'named' && n !== 'inuse' && n !== anonymous);
    expect(usedAnonymous).toHaveLength(1);

    const seedSize = 'seeded by the image\n'.length;
    expect(ok(['volume', 'prune', '-f'])).toBe(`Deleted Volumes:\n${anonymous}\n\nTotal reclaimed space: ${seedSize}B\n`);
    expect(ok(['volume', 'prune', '-f'])).toBe('Total reclaimed space: 0B\n');
    expect(ok(['volume', 'prune', '-a', '-f'])).toBe('Deleted Volumes:\nnamed\n\nTotal reclaimed space: 0B\n');
    expect(volumeNames().sort()).toEqual([...usedAnonymous, 'inuse'].sort());
    ok(['rm', '-v', used]);
    expect(volumeNames()).toEqual(['inuse']);
    const noForce = berth(['volume', 'prune'], { root, input: '' });
    expect(noForce.status).toBe(1);
  });
});
