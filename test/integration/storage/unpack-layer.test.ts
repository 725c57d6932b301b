// Root-only: unpacks crafted layer tars with real syscalls (mknod, lchown,
// trusted.* xattrs) and mounts overlayfs over the results.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { InvalidContentError, UnsafeEntryError } from '../../../src/errors';
import { lgetxattr, llistxattr } from '../../../src/sys/fs-at';
import { unpackLayer, UnpackOptions } from '../../../src/storage/unpack-layer';

type FixtureEntry = Partial<tar.Header> & { name: string; content?: string | Buffer; pax?: Record<string, string> };

const MTIME = new Date(1_600_000_000_000);

/** One entry's tar bytes (header, PAX header if any, data), without the end-of-archive blocks. */
async function entryBytes(entry: FixtureEntry): Promise<Buffer> {
  const pack = tar.pack();
  const { content, ...header } = entry;
  const type = header.type ?? 'file';
  const body = Buffer.from(content ?? '');
  const full = { mtime: MTIME, mode: type === 'directory' ? 0o755 : 0o644, ...header, type, size: body.length };
  if (type === 'file') pack.entry(full as tar.Header, body);
  else pack.entry(full as tar.Header);
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const part of pack) parts.push(Buffer.from(part as Uint8Array));
  const all = Buffer.concat(parts);
  return all.subarray(0, all.length - 1024);
}

/**
 * A PAX extended header written by hand, so values can be raw bytes (tar-stream
 * only writes strings): what Go's archive/tar emits for `security.capability`.
 */
function rawPaxHeader(records: Array<[string, Buffer]>): Buffer {
  const data = Buffer.concat(
    records.map(([key, value]) => {
      const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
      let length = body.length + 1;
      while (String(length).length + body.length !== length) length = String(length).length + body.length;
      return Buffer.concat([Buffer.from(String(length)), body]);
    }),
  );
  const header = Buffer.alloc(512);
  header.write('PaxHeaders/entry', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('x', 156);
  header.write('ustar\x0000', 257);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding]);
}

async function tarOf(entries: Array<FixtureEntry | Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of entries) parts.push(Buffer.isBuffer(entry) ? entry : await entryBytes(entry));
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function sourceOf(data: Buffer): Readable {
  return Readable.from([data], { objectMode: false });
}

let workDir: string;
let counter = 0;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-unpack-'));
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A sandbox holding an empty `layer` dir and a `sentinel` dir with one file, for the escape tests. */
function sandbox(): { box: string; layer: string; sentinel: string } {
  const box = path.join(workDir, `box${++counter}`);
  const layer = path.join(box, 'layer');
  const sentinel = path.join(box, 'sentinel');
  fs.mkdirSync(layer, { recursive: true });
  fs.mkdirSync(sentinel);
  fs.writeFileSync(path.join(sentinel, 'secret'), 'untouched');
  return { box, layer, sentinel };
}

function freshLayerDir(): string {
  return sandbox().layer;
}

/** Everything observable about a tree: names, types, modes, link counts, sizes, mtimes, xattrs. */
function snapshot(root: string): string[] {
  const lines: string[] = [];
  const visit = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = fs.lstatSync(full);
      lines.push(`${path.relative(root, full)} ${st.mode.toString(8)} ${st.nlink} ${st.size} ${st.mtimeMs} ${llistxattr(full).join(',')}`);
      if (st.isDirectory()) visit(full);
    }
  };
  visit(root);
  return lines;
}

async function unpack(entries: Array<FixtureEntry | Buffer>, layer: string, options: UnpackOptions = { lowerDirs: [] }) {
  return unpackLayer(sourceOf(await tarOf(entries)), layer, options);
}

describe('unpackLayer: entry types and metadata', () => {
  it('creates files, dirs, symlinks, hardlinks, a fifo and devices with modes, owners, mtimes and xattrs', async () => {
    const layer = freshLayerDir();
    // vfs_cap_data revision 2, effective, permitted = CAP_NET_RAW (bit 13).
    const capability = Buffer.from([0x01, 0, 0, 0x02, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const data = await tarOf([
      { name: './', type: 'directory', mode: 0o711, mtime: new Date(1_400_000_000_000) },
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 0, gid: 4, mtime: new Date(1_500_000_000_000) },
      {
        name: 'etc/conf',
        mode: 0o640,
        uid: 1000,
        gid: 2000,
        content: 'hello\n',
        pax: { 'SCHILY.xattr.user.note': 'hi there', 'SCHILY.xattr.trusted.overlay.opaque': 'y', mtime: '1500000001.123456789' },
      },
      rawPaxHeader([
        ['SCHILY.xattr.security.capability', capability],
        ['SCHILY.xattr.user.binary', Buffer.from([0xff, 0xfe, 0x00, 0x80])],
      ]),
      { name: 'usr/bin/su', mode: 0o4755, content: '#!/bin/sh\n' },
      { name: 'usr/bin/wall', mode: 0o2755, gid: 5, content: 'x' },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'etc/link', type: 'symlink', linkname: 'conf', uid: 33, gid: 34 },
      { name: 'etc/abs-link', type: 'symlink', linkname: '/nonexistent/target' },
      { name: 'etc/conf.hard', type: 'link', linkname: 'etc/conf' },
      { name: 'run/fifo', type: 'fifo', mode: 0o600, uid: 1, gid: 1 },
      { name: 'dev/null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'dev/loop9', type: 'block-device', mode: 0o660, gid: 6, devmajor: 7, devminor: 9 },
      { name: '/abs/file', content: 'rooted' },
    ]);
    const progress: number[] = [];
    const gz = zlib.gzipSync(data);
    const result = await unpackLayer(sourceOf(gz), layer, { lowerDirs: [], onProgress: (n) => progress.push(n) });

    expect(result.diffId).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
    // As Docker's overlay2 counts a layer: file contents (a hardlink once) and symlink targets.
    expect(result.size).toBe('hello\n'.length + '#!/bin/sh\n'.length + 1 + 'rooted'.length + 'conf'.length + '/nonexistent/target'.length);
    expect(progress[progress.length - 1]).toBe(gz.length);

    const conf = fs.lstatSync(path.join(layer, 'etc/conf'), { bigint: true });
    expect(fs.readFileSync(path.join(layer, 'etc/conf'), 'utf8')).toBe('hello\n');
    expect(Number(conf.mode & 0o7777n)).toBe(0o640);
    expect([conf.uid, conf.gid]).toEqual([1000n, 2000n]);
    expect(conf.mtimeNs).toBe(1_500_000_001_123_456_789n);
    expect(conf.nlink).toBe(2n);
    expect(lgetxattr(path.join(layer, 'etc/conf'), 'user.note')?.toString()).toBe('hi there');
    expect(lgetxattr(path.join(layer, 'etc/conf'), 'trusted.overlay.opaque')).toBeUndefined();

    const su = path.join(layer, 'usr/bin/su');
    expect(fs.statSync(su).mode & 0o7777).toBe(0o4755);
    expect(lgetxattr(su, 'security.capability')).toEqual(capability);
    expect(lgetxattr(su, 'user.binary')).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x80]));
    expect(fs.statSync(path.join(layer, 'usr/bin/wall')).mode & 0o7777).toBe(0o2755);
    expect(fs.statSync(path.join(layer, 'usr/bin/wall')).gid).toBe(5);
    expect(fs.statSync(path.join(layer, 'tmp')).mode & 0o7777).toBe(0o1777);

    const etc = fs.statSync(path.join(layer, 'etc'));
    expect(etc.mode & 0o7777).toBe(0o750);
    expect(etc.gid).toBe(4);
    expect(etc.mtimeMs).toBe(1_500_000_000_000); // set after its entries were created

    const link = fs.lstatSync(path.join(layer, 'etc/link'));
    expect(link.isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(path.join(layer, 'etc/link'))).toBe('conf');
    expect([link.uid, link.gid]).toEqual([33, 34]);
    expect(link.mtimeMs).toBe(MTIME.getTime());
    expect(fs.readlinkSync(path.join(layer, 'etc/abs-link'))).toBe('/nonexistent/target');

    expect(fs.lstatSync(path.join(layer, 'etc/conf.hard')).ino).toBe(Number(conf.ino));

    const fifo = fs.lstatSync(path.join(layer, 'run/fifo'));
    expect(fifo.isFIFO()).toBe(true);
    expect([fifo.mode & 0o7777, fifo.uid, fifo.gid, fifo.mtimeMs]).toEqual([0o600, 1, 1, MTIME.getTime()]);
    const devNull = fs.lstatSync(path.join(layer, 'dev/null'));
    expect(devNull.isCharacterDevice()).toBe(true);
    expect(devNull.mode & 0o7777).toBe(0o666);
    expect(devNull.rdev).toBe(fs.statSync('/dev/null').rdev);
    const loop = fs.lstatSync(path.join(layer, 'dev/loop9'));
    expect(loop.isBlockDevice()).toBe(true);
    expect([loop.mode & 0o7777, loop.gid, loop.mtimeMs]).toEqual([0o660, 6, MTIME.getTime()]);
    expect(loop.rdev).toBe(7 * 256 + 9);

    expect(fs.readFileSync(path.join(layer, 'abs/file'), 'utf8')).toBe('rooted');
    const root = fs.statSync(layer);
    expect([root.mode & 0o7777, root.mtimeMs]).toEqual([0o711, 1_400_000_000_000]);
    // Parents the tar never listed are created 0755.
    expect(fs.statSync(path.join(layer, 'usr/bin')).mode & 0o7777).toBe(0o755);
  });

  it('replaces an entry written earlier in the same layer, and merges a directory into a directory', async () => {
    const layer = freshLayerDir();
    await unpack(
      [
        { name: 'a', content: 'file first' },
        { name: 'a/', type: 'directory', mode: 0o700 },
        { name: 'a/child', content: 'inside' },
        { name: 'd/', type: 'directory', mode: 0o755 },
        { name: 'd/x', content: 'kept' },
        { name: 'd/', type: 'directory', mode: 0o711 },
        { name: 's', type: 'symlink', linkname: '/etc' },
        { name: 's', content: 'now a file' },
        { name: 'f', content: 'a file' },
        { name: 'f', type: 'symlink', linkname: 'elsewhere' },
        { name: 'g/', type: 'directory' },
        { name: 'g/deep', content: 'gone' },
        { name: 'g', content: 'dir replaced by file' },
        { name: 'twice', content: 'old' },
        { name: 'twice', content: 'new' },
      ],
      layer,
    );
    expect(fs.statSync(path.join(layer, 'a')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(layer, 'a/child'), 'utf8')).toBe('inside');
    expect(fs.readFileSync(path.join(layer, 'd/x'), 'utf8')).toBe('kept');
    expect(fs.statSync(path.join(layer, 'd')).mode & 0o7777).toBe(0o711);
    expect(fs.lstatSync(path.join(layer, 's')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(layer, 's'), 'utf8')).toBe('now a file');
    expect(fs.readlinkSync(path.join(layer, 'f'))).toBe('elsewhere');
    expect(fs.readFileSync(path.join(layer, 'g'), 'utf8')).toBe('dir replaced by file');
    expect(fs.readFileSync(path.join(layer, 'twice'), 'utf8')).toBe('new');
  });

  it('unpacks a zstd-compressed layer and reports the diffID of the uncompressed tar', async () => {
    const layer = freshLayerDir();
    const data = await tarOf([
      { name: 'z/', type: 'directory' },
      { name: 'z/big', content: Buffer.alloc(3 * 1024 * 1024, 'z') },
    ]);
    const compressed = execFileSync('zstd', ['-c', '-q'], { input: data, maxBuffer: 1 << 26 });
    expect(compressed.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    const result = await unpackLayer(sourceOf(compressed), layer, { lowerDirs: [] });
    expect(result.diffId).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
    expect(result.size).toBe(3 * 1024 * 1024);
    expect(fs.statSync(path.join(layer, 'z/big')).size).toBe(3 * 1024 * 1024);
  });
});

describe('unpackLayer: whiteouts', () => {
  it('turns `.wh.` entries into 0/0 character devices and `.wh..wh..opq` into the opaque xattr', async () => {
    const layer = freshLayerDir();
    await unpack(
      [
        { name: '.wh.gone' },
        { name: 'dir/', type: 'directory' },
        { name: 'dir/.wh..wh..opq' },
        { name: 'dir/new', content: 'new' },
        { name: 'implicit/.wh.old' },
        { name: '.wh..wh.plnk' },
        { name: 'kept', content: 'this layer' },
        { name: '.wh.kept' },
      ],
      layer,
    );
    const gone = fs.lstatSync(path.join(layer, 'gone'));
    expect(gone.isCharacterDevice()).toBe(true);
    expect(gone.rdev).toBe(0);
    expect(lgetxattr(path.join(layer, 'dir'), 'trusted.overlay.opaque')?.toString()).toBe('y');
    expect(fs.lstatSync(path.join(layer, 'implicit/old')).isCharacterDevice()).toBe(true);
    // A whiteout hides lower layers only: this layer's own file stays.
    expect(fs.readFileSync(path.join(layer, 'kept'), 'utf8')).toBe('this layer');
    const names = execFileSync('find', [layer, '-name', '.wh.*']).toString().trim();
    expect(names).toBe('');
  });

  it('gives the merged overlayfs view: deleted file absent, opaque dir showing only the upper layer, forged opaque xattr ignored', async () => {
    const lower = freshLayerDir();
    const upper = freshLayerDir();
    await unpack(
      [
        { name: 'keep', content: 'keep' },
        { name: 'gone', content: 'gone' },
        { name: 'dir/', type: 'directory' },
        { name: 'dir/old1', content: '1' },
        { name: 'dir/old2', content: '2' },
        { name: 'forged/', type: 'directory' },
        { name: 'forged/visible', content: 'v' },
      ],
      lower,
    );
    await unpack(
      [
        { name: '.wh.gone' },
        { name: 'dir/', type: 'directory' },
        { name: 'dir/.wh..wh..opq' },
        { name: 'dir/new', content: 'new' },
        { name: 'forged/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } },
        { name: 'forged/added', content: 'a' },
      ],
      upper,
      { lowerDirs: [lower] },
    );
    const merged = path.join(workDir, `merged${++counter}`);
    fs.mkdirSync(merged);
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${upper}:${lower}`, merged]);
    try {
      expect(fs.readdirSync(merged).sort()).toEqual(['dir', 'forged', 'keep']);
      expect(fs.existsSync(path.join(merged, 'gone'))).toBe(false);
      expect(fs.readdirSync(path.join(merged, 'dir'))).toEqual(['new']);
      expect(fs.readdirSync(path.join(merged, 'forged')).sort()).toEqual(['added', 'visible']);
      expect(fs.readFileSync(path.join(merged, 'keep'), 'utf8')).toBe('keep');
    } finally {
      spawnSync('umount', [merged]);
    }
  });
});

describe('unpackLayer: hardlinks across layers', () => {
  it('copies a target that only a lower layer has up into this layer, with its metadata, then links to it', async () => {
    const bottom = freshLayerDir();
    const middle = freshLayerDir();
    const layer = freshLayerDir();
    await unpack(
      [
        { name: 'bin/', type: 'directory', mode: 0o751, uid: 0, gid: 0 },
        { name: 'bin/tool', mode: 0o4711, uid: 7, gid: 8, content: 'tool v1', pax: { 'SCHILY.xattr.user.origin': 'bottom' } },
        { name: 'lib/', type: 'directory', mode: 0o700, uid: 3 },
        { name: 'lib/libx.so', content: 'old libx' },
      ],
      bottom,
    );
    await unpack([{ name: 'bin/tool', content: 'tool v2', mode: 0o755 }], middle, { lowerDirs: [bottom] });
    await unpack(
      [
        { name: 'bin/', type: 'directory', mode: 0o751 },
        { name: 'bin/tool2', type: 'link', linkname: 'bin/tool' },
        { name: 'lib/libx.so.1', type: 'link', linkname: '/lib/libx.so' },
      ],
      layer,
      { lowerDirs: [middle, bottom] },
    );
    // bin/tool comes from the top-most lower layer that has it (middle).
    const tool = fs.lstatSync(path.join(layer, 'bin/tool'));
    expect(fs.readFileSync(path.join(layer, 'bin/tool'), 'utf8')).toBe('tool v2');
    expect(tool.mode & 0o7777).toBe(0o755);
    expect(fs.lstatSync(path.join(layer, 'bin/tool2')).ino).toBe(tool.ino);
    expect(tool.nlink).toBe(2);
    // lib/ was never listed in this layer: created with the lower layer's metadata.
    const lib = fs.statSync(path.join(layer, 'lib'));
    expect([lib.mode & 0o7777, lib.uid]).toEqual([0o700, 3]);
    const libx = fs.lstatSync(path.join(layer, 'lib/libx.so'));
    expect(fs.readFileSync(path.join(layer, 'lib/libx.so'), 'utf8')).toBe('old libx');
    expect(fs.lstatSync(path.join(layer, 'lib/libx.so.1')).ino).toBe(libx.ino);
    expect(libx.mtimeMs).toBe(fs.lstatSync(path.join(bottom, 'lib/libx.so')).mtimeMs);
  });

  it('copies owner, setuid mode and xattrs up from the lower layer', async () => {
    const bottom = freshLayerDir();
    const layer = freshLayerDir();
    await unpack(
      [{ name: 'bin/tool', mode: 0o4711, uid: 7, gid: 8, content: 'tool', pax: { 'SCHILY.xattr.user.origin': 'bottom' } }],
      bottom,
    );
    await unpack([{ name: 'bin/tool-link', type: 'link', linkname: 'bin/tool' }], layer, { lowerDirs: [bottom] });
    const tool = fs.lstatSync(path.join(layer, 'bin/tool'));
    expect([tool.mode & 0o7777, tool.uid, tool.gid, tool.nlink]).toEqual([0o4711, 7, 8, 2]);
    expect(lgetxattr(path.join(layer, 'bin/tool'), 'user.origin')?.toString()).toBe('bottom');
  });

  it('rejects a hardlink whose target is in no layer, or deleted by a whiteout above, naming the entry', async () => {
    const bottom = freshLayerDir();
    const middle = freshLayerDir();
    await unpack([{ name: 'deleted', content: 'x' }], bottom);
    await unpack([{ name: '.wh.deleted' }], middle, { lowerDirs: [bottom] });

    const nowhere = unpack([{ name: 'orphan', type: 'link', linkname: 'missing/file' }], freshLayerDir(), { lowerDirs: [middle, bottom] });
    await expect(nowhere).rejects.toBeInstanceOf(InvalidContentError);
    await expect(
      unpack([{ name: 'orphan', type: 'link', linkname: 'missing/file' }], freshLayerDir(), { lowerDirs: [middle, bottom] }),
    ).rejects.toThrow(/hardlink `orphan` points to `missing\/file`/);
    await expect(
      unpack([{ name: 'zombie', type: 'link', linkname: 'deleted' }], freshLayerDir(), { lowerDirs: [middle, bottom] }),
    ).rejects.toBeInstanceOf(InvalidContentError);
  });

  it('resolves an absolute hardlink target inside the layer, never on the host', async () => {
    const layer = freshLayerDir();
    await unpack(
      [
        { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' },
        { name: 'passwd-link', type: 'link', linkname: '/etc/passwd' },
      ],
      layer,
    );
    const linked = fs.lstatSync(path.join(layer, 'passwd-link'));
    expect(linked.ino).toBe(fs.lstatSync(path.join(layer, 'etc/passwd')).ino);
    expect(linked.ino).not.toBe(fs.lstatSync('/etc/passwd').ino);
  });
});

describe('unpackLayer: beside an unfinished lower layer (lowersReady)', () => {
  it('goes ahead with what it owns and waits for the lower layer for an unlisted parent and a hardlink to a lower file', async () => {
    const bottom = freshLayerDir();
    const layer = freshLayerDir();
    let lowerDone!: () => void;
    const lowersReady = new Promise<void>((resolve) => (lowerDone = resolve));
    let rest!: () => void;
    const restArrives = new Promise<void>((resolve) => (rest = resolve));
    const own = await tarOf([
      { name: 'opt/', type: 'directory', mode: 0o755 },
      { name: 'opt/app', content: 'app' },
      { name: 'opt/app-link', type: 'link', linkname: 'opt/app' },
    ]);
    const needsLower = await tarOf([
      { name: 'lib/libx.so.1', type: 'link', linkname: 'lib/libx.so' }, // lib/ and lib/libx.so only in the lower layer
      { name: 'bin/tool', content: 'tool v2' }, // bin/ unlisted here
    ]);
    async function* source(): AsyncGenerator<Buffer> {
      yield own.subarray(0, own.length - 1024); // without its end-of-archive blocks
      await restArrives;
      yield needsLower;
    }
    const upper = unpackLayer(Readable.from(source()), layer, { lowerDirs: [bottom], lowersReady });
    await new Promise((resolve) => setTimeout(resolve, 200));
    rest();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What this layer owns is there; what needs the lower layer has not been touched.
    expect(fs.readFileSync(path.join(layer, 'opt/app'), 'utf8')).toBe('app');
    expect(fs.lstatSync(path.join(layer, 'opt/app-link')).ino).toBe(fs.lstatSync(path.join(layer, 'opt/app')).ino);
    expect(fs.existsSync(path.join(layer, 'lib'))).toBe(false);
    await unpack(
      [
        { name: 'bin/', type: 'directory', mode: 0o751, uid: 0, gid: 0 },
        { name: 'lib/', type: 'directory', mode: 0o700, uid: 3 },
        { name: 'lib/libx.so', content: 'old libx', uid: 5 },
      ],
      bottom,
    );
    lowerDone();
    await upper;
    const lib = fs.statSync(path.join(layer, 'lib'));
    expect([lib.mode & 0o7777, lib.uid]).toEqual([0o700, 3]);
    const libx = fs.lstatSync(path.join(layer, 'lib/libx.so'));
    expect([fs.readFileSync(path.join(layer, 'lib/libx.so'), 'utf8'), libx.uid]).toEqual(['old libx', 5]);
    expect(fs.lstatSync(path.join(layer, 'lib/libx.so.1')).ino).toBe(libx.ino);
    expect(fs.statSync(path.join(layer, 'bin')).mode & 0o7777).toBe(0o751);
  });

  it('fails, without touching the lower layer, when the lower layer never completes', async () => {
    const layer = freshLayerDir();
    const lowersReady = Promise.reject(new Error('lower layer: digest mismatch'));
    await expect(
      unpack([{ name: 'lib/libx.so.1', type: 'link', linkname: 'lib/libx.so' }], layer, { lowerDirs: [freshLayerDir()], lowersReady }),
    ).rejects.toThrow('lower layer: digest mismatch');
  });
});

describe('unpackLayer: security regressions', () => {
  /** Unpacks `entries(sentinel)` next to a sentinel dir; it must fail unsafe and leave the sentinel as it was. */
  async function expectRejected(entries: (sentinel: string) => Array<FixtureEntry | Buffer>, entryName: string): Promise<void> {
    const { box, layer, sentinel } = sandbox();
    const before = snapshot(sentinel);
    const boxBefore = fs.readdirSync(box).sort();
    const error = await unpack(entries(sentinel), layer).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UnsafeEntryError);
    expect((error as Error).message).toContain(`\`${entryName}\``);
    expect(snapshot(sentinel)).toEqual(before);
    expect(fs.readdirSync(box).sort()).toEqual(boxBefore);
    expect(fs.readFileSync(path.join(sentinel, 'secret'), 'utf8')).toBe('untouched');
  }

  it('rejects a `../` entry', async () => {
    await expectRejected(() => [{ name: '../evil', content: 'x' }], '../evil');
    await expectRejected(() => [{ name: '../sentinel/secret', content: 'overwritten' }], '../sentinel/secret');
    const error = await unpack([{ name: 'a/../../evil', content: 'x' }], freshLayerDir()).catch((err: unknown) => err);
    expect((error as Error).message).toBe('unpack layer: entry `a/../../evil` escapes the layer directory');
  });

  it('rejects writing through an absolute symlink planted earlier in the tar', async () => {
    await expectRejected(
      (sentinel) => [
        { name: 'link', type: 'symlink', linkname: sentinel },
        { name: 'link/pwned', content: 'x' },
      ],
      'link/pwned',
    );
    const etc = fs.readdirSync('/etc').length;
    await expectRejected(
      () => [
        { name: 'etc-link', type: 'symlink', linkname: '/etc' },
        { name: 'etc-link/passwd', content: 'pwned::0:0::/:/bin/sh\n' },
      ],
      'etc-link/passwd',
    );
    expect(fs.readFileSync('/etc/passwd', 'utf8')).not.toContain('pwned');
    expect(fs.readdirSync('/etc').length).toBe(etc);
  });

  it('rejects writing through a symlink to `..`', async () => {
    await expectRejected(
      () => [
        { name: 'up', type: 'symlink', linkname: '..' },
        { name: 'up/sentinel/secret', content: 'overwritten' },
      ],
      'up/sentinel/secret',
    );
    await expectRejected(
      () => [
        { name: 'dir/', type: 'directory' },
        { name: 'dir/up', type: 'symlink', linkname: '../..' },
        { name: 'dir/up/escaped/', type: 'directory' },
      ],
      'dir/up/escaped/',
    );
  });

  it('rejects a hardlink to a path outside the layer', async () => {
    await expectRejected(() => [{ name: 'stolen', type: 'link', linkname: '../sentinel/secret' }], 'stolen');
  });

  it('rejects a hardlink through a symlink', async () => {
    await expectRejected(
      (sentinel) => [
        { name: 'l', type: 'symlink', linkname: sentinel },
        { name: 'stolen', type: 'link', linkname: 'l/secret' },
      ],
      'stolen',
    );
    await expectRejected(
      () => [
        { name: 'l', type: 'symlink', linkname: '../sentinel' },
        { name: 'stolen', type: 'link', linkname: 'l/secret' },
      ],
      'stolen',
    );
  });

  it('rejects whiteouts and opaque markers through a symlink', async () => {
    await expectRejected(
      (sentinel) => [
        { name: 'l', type: 'symlink', linkname: sentinel },
        { name: 'l/.wh.secret' },
      ],
      'l/.wh.secret',
    );
    await expectRejected(
      () => [
        { name: 'l', type: 'symlink', linkname: '../sentinel' },
        { name: 'l/.wh..wh..opq' },
      ],
      'l/.wh..wh..opq',
    );
  });
});
