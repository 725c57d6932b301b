import {
  OPAQUE_MARKER,
  isOpaqueXattrValue,
  isOverlayWhiteout,
  isOverlayXattr,
  tarPathForOpaqueDir,
  tarPathForWhiteout,
  whiteoutFromTarPath,
} from '../../../src/storage/whiteout';

describe('whiteoutFromTarPath', () => {
  it('maps `dir/.wh.name` to a whiteout of `dir/name`', () => {
    expect(whiteoutFromTarPath('etc/.wh.passwd')).toEqual({ kind: 'whiteout', path: 'etc/passwd' });
    expect(whiteoutFromTarPath('a/b/c/.wh..hidden')).toEqual({ kind: 'whiteout', path: 'a/b/c/.hidden' });
  });

  it('maps a whiteout at the layer root', () => {
    expect(whiteoutFromTarPath('.wh.tmp')).toEqual({ kind: 'whiteout', path: 'tmp' });
  });

  it('maps the opaque marker to its directory, the root being the empty path', () => {
    expect(whiteoutFromTarPath('var/cache/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: 'var/cache' });
    expect(whiteoutFromTarPath(OPAQUE_MARKER)).toEqual({ kind: 'opaque', dir: '' });
  });

  it('ignores other AUFS metadata and degenerate names', () => {
    expect(whiteoutFromTarPath('.wh..wh.plnk')).toEqual({ kind: 'ignored' });
    expect(whiteoutFromTarPath('x/.wh..wh.aufs')).toEqual({ kind: 'ignored' });
    expect(whiteoutFromTarPath('x/.wh.')).toEqual({ kind: 'ignored' });
    expect(whiteoutFromTarPath('x/.wh...')).toEqual({ kind: 'ignored' });
  });

  it('leaves ordinary names alone, including `.wh` inside a name or a directory', () => {
    expect(whiteoutFromTarPath('usr/bin/ls')).toEqual({ kind: 'none' });
    expect(whiteoutFromTarPath('a/x.wh.y')).toEqual({ kind: 'none' });
    expect(whiteoutFromTarPath('.wh.dir/file')).toEqual({ kind: 'none' });
    expect(whiteoutFromTarPath('')).toEqual({ kind: 'none' });
  });
});

describe('reverse mapping (overlay -> tar, for commit)', () => {
  it('spells a deletion as a `.wh.` entry beside the deleted name', () => {
    expect(tarPathForWhiteout('etc/passwd')).toBe('etc/.wh.passwd');
    expect(tarPathForWhiteout('tmp')).toBe('.wh.tmp');
  });

  it('spells an opaque directory as its `.wh..wh..opq` entry', () => {
    expect(tarPathForOpaqueDir('var/cache')).toBe('var/cache/.wh..wh..opq');
    expect(tarPathForOpaqueDir('')).toBe('.wh..wh..opq');
  });

  it('round-trips with whiteoutFromTarPath', () => {
    for (const p of ['a', 'a/b', 'a/b/.c', 'deep/er/still/x y']) {
      expect(whiteoutFromTarPath(tarPathForWhiteout(p))).toEqual({ kind: 'whiteout', path: p });
    }
    for (const d of ['', 'a', 'a/b']) {
      expect(whiteoutFromTarPath(tarPathForOpaqueDir(d))).toEqual({ kind: 'opaque', dir: d });
    }
  });
});

describe('overlayfs markers', () => {
  const stat = (char: boolean, rdev: number | bigint) => ({ isCharacterDevice: () => char, rdev });

  it('recognises only a 0/0 character device as a whiteout', () => {
    expect(isOverlayWhiteout(stat(true, 0))).toBe(true);
    expect(isOverlayWhiteout(stat(true, 0n))).toBe(true);
    expect(isOverlayWhiteout(stat(true, 259))).toBe(false); // /dev/null-like 1:3
    expect(isOverlayWhiteout(stat(false, 0))).toBe(false);
  });

  it('reads the opaque xattr value', () => {
    expect(isOpaqueXattrValue(Buffer.from('y'))).toBe(true);
    expect(isOpaqueXattrValue(Buffer.from('n'))).toBe(false);
    expect(isOpaqueXattrValue(undefined)).toBe(false);
  });

  it('flags trusted.overlay.* xattrs only', () => {
    expect(isOverlayXattr('trusted.overlay.opaque')).toBe(true);
    expect(isOverlayXattr('trusted.overlay.redirect')).toBe(true);
    expect(isOverlayXattr('trusted.other')).toBe(false);
    expect(isOverlayXattr('user.overlay.opaque')).toBe(false);
  });
});
