import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { TAR_END, encodeTarHeader, paxRecord, tarPadding, TarEntry } from '../../../src/storage/tar-writer';
import { decodePaxRecords, keepBinaryPaxXattrs, paxXattrs } from '../../../src/storage/tar-pax';

interface Read {
  header: tar.Header;
  body: string;
}

async function readBack(entries: Array<{ entry: TarEntry; body?: string }>): Promise<Read[]> {
  const chunks: Buffer[] = [];
  for (const { entry, body } of entries) {
    chunks.push(encodeTarHeader(entry));
    if (body !== undefined) chunks.push(Buffer.from(body), tarPadding(Buffer.byteLength(body)));
  }
  chunks.push(TAR_END);
  const extract = tar.extract();
  keepBinaryPaxXattrs(extract);
  const read: Read[] = [];
  Readable.from([Buffer.concat(chunks)]).pipe(extract);
  for await (const entry of extract) {
    let body = '';
    for await (const chunk of entry) body += (chunk as Buffer).toString();
    read.push({ header: entry.header, body });
  }
  return read;
}

const base = { mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1704067200 };

describe('encodeTarHeader', () => {
  test('writes ustar headers tar-stream reads back, with content and every entry type', async () => {
    const read = await readBack([
      { entry: { ...base, name: 'etc/', type: 'directory', mode: 0o755 } },
      { entry: { ...base, name: 'etc/profile', type: 'file', size: 6, uid: 1000, gid: 100, mode: 0o4755 }, body: 'hello\n' },
      { entry: { ...base, name: 'bin/sh', type: 'symlink', linkname: 'busybox' } },
      { entry: { ...base, name: 'bin/ls', type: 'link', linkname: 'etc/profile' } },
      { entry: { ...base, name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 } },
      { entry: { ...base, name: 'run/fifo', type: 'fifo' } },
    ]);
    expect(read.map((r) => [r.header.name, r.header.type])).toEqual([
      ['etc/', 'directory'],
      ['etc/profile', 'file'],
      ['bin/sh', 'symlink'],
      ['bin/ls', 'link'],
      ['dev/null', 'character-device'],
      ['run/fifo', 'fifo'],
    ]);
    expect(read[1]).toMatchObject({ body: 'hello\n', header: { mode: 0o4755, uid: 1000, gid: 100, size: 6 } });
    expect(read[1].header.mtime?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(read[2].header.linkname).toBe('busybox');
    expect(read[3].header.linkname).toBe('etc/profile');
    expect(read[4].header).toMatchObject({ devmajor: 1, devminor: 3 });
  });

  test('long names and link targets, big ids and binary xattrs travel in a PAX header', async () => {
    const longName = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const capability = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0xfe, 0x80, 0x00]);
    const read = await readBack([
      { entry: { ...base, name: longName, type: 'file', size: 2, uid: 3_000_000, xattrs: [['security.capability', capability], ['user.note', Buffer.from('ü')]] }, body: 'ok' },
      { entry: { ...base, name: 'l', type: 'symlink', linkname: `/${'t'.repeat(150)}` } },
    ]);
    expect(read[0].header.name).toBe(longName);
    expect(read[0].body).toBe('ok');
    expect((read[0].header.pax as Record<string, unknown>).uid).toBe('3000000');
    const xattrs = paxXattrs(read[0].header.pax as Record<string, unknown>);
    expect(xattrs).toEqual([['security.capability', capability], ['user.note', Buffer.from('ü')]]);
    expect(read[1].header.linkname).toBe(`/${'t'.repeat(150)}`);
  });

  test('a PAX record counts its own length digits', () => {
    for (const size of [1, 2, 88, 89, 90, 991, 995, 1000]) {
      const record = paxRecord('k', Buffer.alloc(size, 0x61));
      expect(Number(record.toString('latin1').split(' ')[0])).toBe(record.length);
      expect(decodePaxRecords(record)).toEqual({ k: 'a'.repeat(size) });
    }
  });

  test('content is padded to whole 512-byte blocks', () => {
    expect(tarPadding(0).length).toBe(0);
    expect(tarPadding(1).length).toBe(511);
    expect(tarPadding(512).length).toBe(0);
    expect(TAR_END.length).toBe(1024);
  });
});
