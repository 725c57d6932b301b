// The archive reader is load's first safety net: named regression tests for
// hostile entry names and links, run on crafted tars without root.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { archiveEntryName, ExtractedArchive } from '../../../../src/api/images/archive-reader';
import { NotFoundError, UnsafeEntryError } from '../../../../src/errors';

type Entry = { header: Partial<tar.Header> & { name: string }; body?: string };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const e of entries) pack.entry({ ...e.header, size: e.body?.length ?? 0 }, e.body ?? '');
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

describe('ExtractedArchive', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-archive-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads files by name, through symlinks and hardlinks, from a gzip-compressed archive', async () => {
    const data = await tarOf([
      { header: { name: './abc.tar' }, body: 'layer bytes' },
      { header: { name: 'legacy/', type: 'directory' } },
      { header: { name: 'legacy/layer.tar', type: 'symlink', linkname: '../abc.tar' } },
      { header: { name: 'hard.tar', type: 'link', linkname: 'abc.tar' } },
      { header: { name: 'manifest.json' }, body: '[{"Config":"c.json"}]' },
    ]);
    const archive = await ExtractedArchive.extract(Readable.from([zlib.gzipSync(data)]), dir);
    expect(archive.read('legacy/layer.tar').toString()).toBe('layer bytes');
    expect(archive.read('hard.tar').toString()).toBe('layer bytes');
    expect(archive.readJson<unknown[]>('manifest.json')).toEqual([{ Config: 'c.json' }]);
    expect(archive.has('missing')).toBe(false);
    expect(() => archive.file('legacy')).toThrow(NotFoundError);
    // Links live only in the table: nothing but files and directories on disk.
    expect(fs.lstatSync(path.join(dir, 'legacy')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'legacy', 'layer.tar'))).toBe(false);
  });

  it('refuses an entry name that climbs out with `..`', async () => {
    const data = await tarOf([{ header: { name: 'a/../../escape' }, body: 'x' }]);
    await expect(ExtractedArchive.extract(Readable.from([data]), dir)).rejects.toThrow(UnsafeEntryError);
    expect(fs.existsSync(path.join(dir, '..', 'escape'))).toBe(false);
  });

  it('refuses an absolute entry name', async () => {
    const data = await tarOf([{ header: { name: '/etc/evil' }, body: 'x' }]);
    await expect(ExtractedArchive.extract(Readable.from([data]), dir)).rejects.toThrow(/absolute path/);
  });

  it('refuses a symlink whose target leaves the archive', async () => {
    const data = await tarOf([{ header: { name: 'x/link', type: 'symlink', linkname: '../../etc/passwd' } }]);
    await expect(ExtractedArchive.extract(Readable.from([data]), dir)).rejects.toThrow(/escapes the archive/);
  });

  it('treats an absolute symlink target as rooted in the archive, not the host', async () => {
    const data = await tarOf([
      { header: { name: 'etc/passwd' }, body: 'archive copy' },
      { header: { name: 'link', type: 'symlink', linkname: '/etc/passwd' } },
    ]);
    const archive = await ExtractedArchive.extract(Readable.from([data]), dir);
    expect(archive.read('link').toString()).toBe('archive copy');
  });

  it('stops on symlink loops', async () => {
    const data = await tarOf([
      { header: { name: 'a', type: 'symlink', linkname: 'b' } },
      { header: { name: 'b', type: 'symlink', linkname: 'a' } },
    ]);
    const archive = await ExtractedArchive.extract(Readable.from([data]), dir);
    expect(() => archive.read('a')).toThrow(/too many levels of links/);
  });
});

describe('archiveEntryName', () => {
  it('cleans `.` and empty components', () => {
    expect(archiveEntryName('./blobs//sha256/./x')).toBe('blobs/sha256/x');
    expect(archiveEntryName('./')).toBe('');
  });
  it('refuses `..` anywhere and NUL bytes', () => {
    expect(() => archiveEntryName('blobs/../x')).toThrow(UnsafeEntryError);
    expect(() => archiveEntryName('a\0b')).toThrow(UnsafeEntryError);
  });
});
