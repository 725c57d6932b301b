// The tree writer on temp directories, without root: entries and their
// metadata, both resolution modes against symlinks planted beforehand,
// Docker's conflict rules, and metadata that follows the created inode
// (never the name) when the name is swapped for a symlink in between.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidContentError, UnsafeEntryError } from '../../../src/errors';
import { AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_PATH, close, lgetxattr, openat2 } from '../../../src/sys/fs-at';
import type { EntryMetadata, TreeEntry } from '../../../src/storage/tree-entry';
import { TreeWriter, TreeWriterOptions } from '../../../src/storage/tree-writer';

let work: string;
let root: string;
let rootFd: number;
const opened: TreeWriter[] = [];

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tree-writer-'));
  root = path.join(work, 'root');
  fs.mkdirSync(root);
  rootFd = openat2(AT_FDCWD, root, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
});

afterEach(() => {
  for (const writer of opened.splice(0)) writer.close();
  close(rootFd);
  fs.rmSync(work, { recursive: true, force: true });
});

function writer(options: Partial<TreeWriterOptions> = {}): TreeWriter {
  const made = new TreeWriter(rootFd, { resolve: 'beneath', ownership: 'creator', conflicts: 'replace', verb: 'test', ...options });
  opened.push(made);
  return made;
}

const T1 = { sec: 1_500_000_000, nsec: 123_456_789 };
const T2 = { sec: 1_400_000_000, nsec: 5 };

function meta(mode: number, extra: Partial<EntryMetadata> = {}): EntryMetadata {
  return { mode, uid: process.getuid!(), gid: process.getgid!(), mtime: T1, ...extra };
}

function file(name: string, content: string, mode = 0o644): TreeEntry {
  return { ...meta(mode), name, type: 'file', size: content.length, content: () => [Buffer.from(content)] };
}

function mtimeNs(p: string): bigint {
  return fs.lstatSync(p, { bigint: true }).mtimeNs;
}

/** A host file and directory outside the root, whose state must never change. */
function canaries(): { file: string; dir: string; state: () => string } {
  const outside = path.join(work, 'outside');
  fs.mkdirSync(outside);
  const canaryFile = path.join(outside, 'file');
  const canaryDir = path.join(outside, 'dir');
  fs.writeFileSync(canaryFile, 'outside\n', { mode: 0o600 });
  fs.mkdirSync(canaryDir, { mode: 0o700 });
  fs.utimesSync(canaryFile, 1_000_000_000, 1_000_000_000);
  fs.utimesSync(canaryDir, 1_000_000_000, 1_000_000_000);
  const state = (): string =>
    [canaryFile, canaryDir]
      .map((p) => {
        const st = fs.lstatSync(p);
        const content = st.isDirectory() ? fs.readdirSync(p).join(',') : fs.readFileSync(p, 'utf8');
        return `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${content}`;
      })
      .join(' | ');
  return { file: canaryFile, dir: canaryDir, state };
}

describe('TreeWriter: entries and metadata', () => {
  it('writes directories, files, symlinks, fifos and hardlinks with modes and exact times; directory times last', () => {
    const w = writer();
    w.write('etc', { ...meta(0o750, { mtime: T2 }), name: 'etc/', type: 'directory', size: 0 });
    expect(w.write('etc/conf', file('etc/conf', 'hello\n', 0o640))).toBe(6);
    w.write('etc/link', { ...meta(0o777), name: 'etc/link', type: 'symlink', size: 0, linkname: '/nowhere/at/all' });
    w.write('run/fifo', { ...meta(0o600), name: 'run/fifo', type: 'fifo', size: 0 });
    w.write('etc/conf.hard', { ...meta(0), name: 'etc/conf.hard', type: 'link', size: 0, linkname: 'etc/conf' });
    w.finish();

    expect(fs.readFileSync(path.join(root, 'etc/conf'), 'utf8')).toBe('hello\n');
    expect(fs.statSync(path.join(root, 'etc/conf')).mode & 0o7777).toBe(0o640);
    expect(mtimeNs(path.join(root, 'etc/conf'))).toBe(1_500_000_000_123_456_789n);
    expect(fs.readlinkSync(path.join(root, 'etc/link'))).toBe('/nowhere/at/all');
    expect(mtimeNs(path.join(root, 'etc/link'))).toBe(1_500_000_000_123_456_789n);
    const fifo = fs.lstatSync(path.join(root, 'run/fifo'));
    expect([fifo.isFIFO(), fifo.mode & 0o7777]).toEqual([true, 0o600]);
    expect(fs.lstatSync(path.join(root, 'etc/conf.hard')).ino).toBe(fs.lstatSync(path.join(root, 'etc/conf')).ino);
    // Set after its entries were made; a parent nobody listed is 0755.
    expect(fs.statSync(path.join(root, 'etc')).mode & 0o7777).toBe(0o750);
    expect(mtimeNs(path.join(root, 'etc'))).toBe(1_400_000_000_000_000_005n);
    expect(fs.statSync(path.join(root, 'run')).mode & 0o7777).toBe(0o755);
  });

  it('gives the root its own metadata through its fd, and leaves directory times alone when told to', () => {
    const w = writer({ directoryTimes: false });
    w.directory('', meta(0o711, { mtime: T2 }));
    w.directory('sub', meta(0o700, { mtime: T2 }));
    w.write('sub/f', file('sub/f', 'x'));
    w.finish();
    expect(fs.statSync(root).mode & 0o7777).toBe(0o711);
    expect(mtimeNs(path.join(root, 'sub'))).not.toBe(1_400_000_000_000_000_005n);
    expect(fs.statSync(path.join(root, 'sub')).mode & 0o7777).toBe(0o700);
  });

  it('sets xattrs the filesystem accepts and ignores those it refuses (user.* on a symlink)', () => {
    const w = writer();
    const xattrs: Array<[string, Buffer]> = [['user.note', Buffer.from([0xff, 0x00, 0x80])]];
    w.write('f', { ...file('f', 'x'), xattrs });
    w.write('d', { ...meta(0o755), name: 'd', type: 'directory', size: 0, xattrs });
    w.write('l', { ...meta(0o777), name: 'l', type: 'symlink', size: 0, linkname: 'f', xattrs });
    expect(lgetxattr(path.join(root, 'f'), 'user.note')).toEqual(Buffer.from([0xff, 0x00, 0x80]));
    expect(lgetxattr(path.join(root, 'd'), 'user.note')).toEqual(Buffer.from([0xff, 0x00, 0x80]));
    expect(lgetxattr(path.join(root, 'l'), 'user.note')).toBeUndefined();
  });

  it('a hardlink to a missing target reports false (write() throws naming it)', () => {
    const w = writer();
    expect(w.hardlink('a', 'missing')).toBe(false);
    expect(w.hardlink('a', 'nodir/missing')).toBe(false);
    expect(() => w.write('a', { ...meta(0), name: 'a', type: 'link', size: 0, linkname: 'missing' })).toThrow(
      'test: hardlink `a` points to `missing`, which is not there',
    );
    expect(() => w.hardlink('a', '')).toThrow(InvalidContentError);
  });

  it('keeps working past its parent fd cache (more directories than it holds)', () => {
    const w = writer();
    for (let i = 0; i < 150; i++) w.write(`d${i}/f`, file(`d${i}/f`, String(i)));
    for (let i = 0; i < 150; i++) w.write(`d${i}/g`, { ...meta(0), name: `d${i}/g`, type: 'link', size: 0, linkname: `d${(i + 1) % 150}/f` });
    w.finish();
    expect(fs.readFileSync(path.join(root, 'd7/g'), 'utf8')).toBe('8');
  });
});

describe('TreeWriter: closes each fd once (the `close fd N: EBADF` double close)', () => {
  it('a content stream that fails leaves its own error, and abort() may run twice', () => {
    const w = writer();
    const failing: TreeEntry = {
      ...file('f', ''),
      content: function* content() {
        yield Buffer.from('part');
        throw new Error('read source: EIO');
      },
    };
    expect(() => w.write('f', failing)).toThrow('read source: EIO');
    const handle = w.createFile('g', meta(0o644));
    handle.abort();
    handle.abort();
    expect(() => w.write('h/i', file('h/i', 'later'))).not.toThrow();
    w.finish();
    w.close();
    opened.splice(0);
    expect(fs.readFileSync(path.join(root, 'h/i'), 'utf8')).toBe('later');
  });
});

describe('TreeWriter: symlinks planted beforehand', () => {
  it('beneath: a parent that is a symlink (absolute or `..`) is refused; nothing outside changes', () => {
    const c = canaries();
    fs.symlinkSync(c.dir, path.join(root, 'abs'));
    fs.symlinkSync('../outside', path.join(root, 'up'));
    const before = c.state();
    const w = writer();
    expect(() => w.write('abs/x', file('abs/x', 'pwned'))).toThrow(UnsafeEntryError);
    expect(() => w.write('up/dir/x', file('up/dir/x', 'pwned'))).toThrow('test: entry `up/dir/x` passes through a symlink at `up/dir`');
    expect(() => w.hardlink('stolen', 'up/file')).toThrow(UnsafeEntryError);
    expect(c.state()).toBe(before);
  });

  it('in-root: a symlink in a parent resolves inside the root, even `/outside/...` and `../../..`', () => {
    const c = canaries();
    fs.symlinkSync(c.dir, path.join(root, 'abs'));
    fs.symlinkSync('../../../..', path.join(root, 'up'));
    fs.symlinkSync('/no/such/dir', path.join(root, 'dangling'));
    fs.mkdirSync(path.join(root, c.dir), { recursive: true });
    const before = c.state();
    const w = writer({ resolve: 'in-root', conflicts: 'same-kind' });
    expect(() => w.write('dangling/x', file('dangling/x', 'nowhere'))).toThrow('test: entry `dangling/x` needs `dangling` to be a directory');
    w.write('abs/x', file('abs/x', 'inside'));
    w.write('up/y', file('up/y', 'inside too'));
    w.finish();
    expect(fs.readFileSync(path.join(root, c.dir, 'x'), 'utf8')).toBe('inside');
    expect(fs.readFileSync(path.join(root, 'y'), 'utf8')).toBe('inside too');
    expect(c.state()).toBe(before);
  });

  it('a symlink at the entry\'s own path: a non-directory replaces the link, never writes through it', () => {
    const c = canaries();
    fs.symlinkSync(c.file, path.join(root, 'f'));
    fs.symlinkSync(c.file, path.join(root, 'l'));
    fs.symlinkSync(c.dir, path.join(root, 'fifo'));
    const before = c.state();
    const w = writer({ resolve: 'in-root', conflicts: 'same-kind' });
    w.write('f', file('f', 'replaced', 0o777));
    w.write('l', { ...meta(0o777), name: 'l', type: 'symlink', size: 0, linkname: 'f' });
    w.write('fifo', { ...meta(0o777), name: 'fifo', type: 'fifo', size: 0 });
    expect(fs.lstatSync(path.join(root, 'f')).isFile()).toBe(true);
    expect(fs.readlinkSync(path.join(root, 'l'))).toBe('f');
    expect(fs.lstatSync(path.join(root, 'fifo')).isFIFO()).toBe(true);
    expect(c.state()).toBe(before);
  });

  it('same-kind: a directory never replaces a non-directory (a symlink to a directory included) nor the other way round', () => {
    const c = canaries();
    fs.symlinkSync(c.dir, path.join(root, 'd'));
    fs.mkdirSync(path.join(root, 'real'));
    const before = c.state();
    const w = writer({ resolve: 'in-root', conflicts: 'same-kind', display: (p) => `/${p}` });
    const dir: TreeEntry = { ...meta(0o777), name: './d', type: 'directory', size: 0 };
    expect(() => w.write('d', dir)).toThrow('cannot overwrite non-directory "/d" with directory "./d"');
    expect(() => w.write('real', file('./real', 'x'))).toThrow('cannot overwrite directory "/real" with non-directory "./real"');
    w.write('real', { ...dir, name: './real', mode: 0o701 }); // merges, takes the metadata
    expect(fs.statSync(path.join(root, 'real')).mode & 0o7777).toBe(0o701);
    expect(fs.readlinkSync(path.join(root, 'd'))).toBe(c.dir);
    expect(c.state()).toBe(before);
  });

  it('replace: a directory holding a symlink to the outside is removed through fds, the outside kept', () => {
    const c = canaries();
    fs.mkdirSync(path.join(root, 'd/deeper'), { recursive: true });
    fs.symlinkSync(c.dir, path.join(root, 'd/deeper/out'));
    fs.writeFileSync(path.join(c.dir, 'kept'), 'kept');
    const before = c.state();
    const w = writer();
    w.write('d', file('d', 'now a file'));
    w.write('d', { ...meta(0o755), name: 'd', type: 'directory', size: 0 });
    w.finish();
    expect(fs.readdirSync(path.join(root, 'd'))).toEqual([]);
    expect(c.state()).toBe(before);
  });
});

describe('TreeWriter: metadata goes to the inode created, not the name', () => {
  it('a file swapped for a symlink before its metadata: the link target keeps its mode and times', () => {
    const c = canaries();
    const before = c.state();
    const w = writer({ resolve: 'in-root', conflicts: 'same-kind' });
    const handle = w.createFile('f', meta(0o777, { mtime: T2 }));
    handle.write(Buffer.from('content'));
    fs.renameSync(path.join(root, 'f'), path.join(root, 'moved'));
    fs.symlinkSync(c.file, path.join(root, 'f'));
    handle.done();
    expect(c.state()).toBe(before);
    expect(fs.statSync(path.join(root, 'moved')).mode & 0o7777).toBe(0o777);
    expect(mtimeNs(path.join(root, 'moved'))).toBe(1_400_000_000_000_000_005n);
  });

  it('a directory swapped for a symlink right after it was made: its metadata and children go to the directory made', () => {
    const c = canaries();
    const before = c.state();
    const w = writer({
      resolve: 'in-root',
      conflicts: 'same-kind',
      // Runs after mkdirat and the O_NOFOLLOW reopen: swap the new directory for a link to the canary.
      parentMetadata: (dir) => {
        fs.renameSync(path.join(root, dir), path.join(root, `${dir}.moved`));
        fs.symlinkSync(c.dir, path.join(root, dir));
        return meta(0o777, { mtime: T2 });
      },
    });
    w.write('made/child', file('made/child', 'child'));
    w.finish();
    expect(c.state()).toBe(before);
    expect(fs.statSync(path.join(root, 'made.moved')).mode & 0o7777).toBe(0o777);
    expect(fs.readFileSync(path.join(root, 'made.moved/child'), 'utf8')).toBe('child');
  });
});
