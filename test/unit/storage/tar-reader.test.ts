// The tar reader shared by the layer unpacker and `cp -`: one mapping of a
// header to metadata, and extractTar into a private directory, without
// root (the archives carry the test's own ids).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { UnsafeEntryError } from '../../../src/errors';
import { lgetxattr } from '../../../src/sys/fs-at';
import { extractTar, metadataOfHeader, TarHeader } from '../../../src/storage/tar-reader';
import { encodeTarHeader, tarPadding, TAR_END } from '../../../src/storage/tar-writer';

let work: string;
const uid = process.getuid!();
const gid = process.getgid!();

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tar-reader-'));
});

afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

type Item = Partial<tar.Header> & { name: string; content?: string };

async function archive(items: Item[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { content, ...header } of items) {
    pack.entry({ uid, gid, mtime: new Date(1_600_000_000_000), ...header } as tar.Header, content ?? '');
  }
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const part of pack) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

async function extract(data: Buffer): Promise<{ dir: string; bytes: number }> {
  const dir = fs.mkdtempSync(path.join(work, 'x-'));
  const bytes = await extractTar(Readable.from([data]), dir, 'copy');
  return { dir, bytes };
}

describe('metadataOfHeader', () => {
  it('takes ids and times from PAX records first, drops trusted.overlay.* xattrs', () => {
    const header = {
      name: 'f', type: 'file', mode: 0o104755, uid: 1, gid: 2, mtime: new Date(1_000),
      pax: { uid: '70000', mtime: '1700000000.5', 'SCHILY.xattr.user.a': Buffer.from('b'), 'SCHILY.xattr.trusted.overlay.opaque': 'y' },
    } as unknown as TarHeader;
    expect(metadataOfHeader(header)).toEqual({
      mode: 0o4755,
      uid: 70000,
      gid: 2,
      mtime: { sec: 1_700_000_000, nsec: 500_000_000 },
      atime: { sec: 1_700_000_000, nsec: 500_000_000 },
      xattrs: [['user.a', Buffer.from('b')]],
    });
  });
});

describe('extractTar', () => {
  it('extracts files, directories, symlinks and hardlinks with their metadata; `.wh.` names are plain files', async () => {
    const data = await archive([
      { name: 'dir/', type: 'directory', mode: 0o750, mtime: new Date(1_400_000_000_000) },
      { name: 'dir/file', mode: 0o640, content: 'content\n' },
      { name: 'dir/.wh.gone', content: 'not a whiteout' },
      { name: 'dir/link', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'hard', type: 'link', linkname: 'dir/file' },
      { name: '/rooted/file', content: 'rooted' },
    ]);
    const { dir, bytes } = await extract(data);
    expect(bytes).toBe(data.length);
    expect(fs.readFileSync(path.join(dir, 'dir/file'), 'utf8')).toBe('content\n');
    expect(fs.statSync(path.join(dir, 'dir/file')).mode & 0o7777).toBe(0o640);
    expect(fs.statSync(path.join(dir, 'dir/file')).mtimeMs).toBe(1_600_000_000_000);
    expect(fs.readFileSync(path.join(dir, 'dir/.wh.gone'), 'utf8')).toBe('not a whiteout');
    expect(fs.readlinkSync(path.join(dir, 'dir/link'))).toBe('/etc/passwd');
    expect(fs.statSync(path.join(dir, 'hard')).ino).toBe(fs.statSync(path.join(dir, 'dir/file')).ino);
    expect(fs.readFileSync(path.join(dir, 'rooted/file'), 'utf8')).toBe('rooted');
    const dirStat = fs.statSync(path.join(dir, 'dir'));
    expect([dirStat.mode & 0o7777, dirStat.mtimeMs]).toEqual([0o750, 1_400_000_000_000]);
  });

  it('keeps binary xattr values (SCHILY.xattr.*) as they are', async () => {
    const value = Buffer.from([0x01, 0x00, 0xff, 0x80]);
    const body = Buffer.from('x');
    const header = encodeTarHeader({ name: 'f', type: 'file', mode: 0o644, uid, gid, size: 1, mtime: 1_700_000_000, xattrs: [['user.bin', value]] });
    const { dir } = await extract(Buffer.concat([header, body, tarPadding(1), TAR_END]));
    expect(lgetxattr(path.join(dir, 'f'), 'user.bin')).toEqual(value);
  });

  it('refuses an entry or a hardlink climbing out, a write through a symlink of the archive, and a directory over a file', async () => {
    await expect(extract(await archive([{ name: '../x', content: 'x' }]))).rejects.toThrow('copy: entry `../x` climbs out of the destination directory');
    await expect(extract(await archive([{ name: 'h', type: 'link', linkname: '../../etc/passwd' }]))).rejects.toThrow(UnsafeEntryError);
    await expect(
      extract(await archive([{ name: 'l', type: 'symlink', linkname: work }, { name: 'l/x', content: 'x' }])),
    ).rejects.toThrow('copy: entry `l/x` passes through a symlink at `l`');
    await expect(extract(await archive([{ name: 'f', content: 'x' }, { name: 'f/', type: 'directory' }]))).rejects.toThrow('cannot overwrite non-directory "f" with directory "f/"');
  });
});
