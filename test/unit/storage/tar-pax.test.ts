import { decodePaxRecords, paxId, paxTime, paxXattrs } from '../../../src/storage/tar-pax';

function record(key: string, value: Buffer | string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
  // The length prefix counts itself: find the fixed point.
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

describe('decodePaxRecords', () => {
  it('keeps SCHILY.xattr values as raw bytes and other values as strings', () => {
    const capability = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0xff, 0xfe, 0x0a, 0x3d]);
    const records = decodePaxRecords(
      Buffer.concat([record('path', 'dir/naïve'), record('SCHILY.xattr.security.capability', capability), record('mtime', '1.5')]),
    );
    expect(records.path).toBe('dir/naïve');
    expect(records.mtime).toBe('1.5');
    expect(records['SCHILY.xattr.security.capability']).toEqual(capability);
  });

  it('stops at malformed data instead of reading past it', () => {
    const records = decodePaxRecords(Buffer.concat([record('path', 'ok'), Buffer.from('999 path=x\n')]));
    expect(records).toEqual({ path: 'ok' });
  });
});

describe('paxXattrs', () => {
  it('lists xattrs from binary and string values', () => {
    expect(paxXattrs({ 'SCHILY.xattr.user.a': Buffer.from([0, 1]), 'SCHILY.xattr.user.b': 'text', path: 'x' })).toEqual([
      ['user.a', Buffer.from([0, 1])],
      ['user.b', Buffer.from('text')],
    ]);
    expect(paxXattrs(null)).toEqual([]);
  });
});

describe('paxTime and paxId', () => {
  it('parses times exactly, with nanoseconds', () => {
    expect(paxTime('1700000000.123456789')).toEqual({ sec: 1700000000, nsec: 123456789 });
    expect(paxTime('1700000000.5')).toEqual({ sec: 1700000000, nsec: 500000000 });
    expect(paxTime('42')).toEqual({ sec: 42, nsec: 0 });
    expect(paxTime('-1.25')).toEqual({ sec: -2, nsec: 750000000 });
    expect(paxTime('abc')).toBeUndefined();
    expect(paxTime(undefined)).toBeUndefined();
  });

  it('parses ids', () => {
    expect(paxId('4294967294')).toBe(4294967294);
    expect(paxId('-1')).toBeUndefined();
    expect(paxId(undefined)).toBeUndefined();
  });
});
