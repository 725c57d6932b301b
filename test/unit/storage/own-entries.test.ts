import { OwnEntries } from '../../../src/storage/own-entries';

describe('OwnEntries', () => {
  test('the layer root is its own; nothing else is until made', () => {
    const own = new OwnEntries();
    expect(own.hasParentOf('etc')).toBe(true);
    expect(own.hasParentOf('etc/passwd')).toBe(false);
    expect(own.hasNonDirectory('etc/passwd')).toBe(false);
  });

  test('a file makes its parents this layer\'s directories', () => {
    const own = new OwnEntries();
    own.addNonDirectory('usr/lib/x/libx.so');
    expect(own.hasDirectory('usr')).toBe(true);
    expect(own.hasDirectory('usr/lib/x')).toBe(true);
    expect(own.hasParentOf('usr/lib/x/other')).toBe(true);
    expect(own.hasNonDirectory('usr/lib/x/libx.so')).toBe(true);
    expect(own.hasParentOf('usr/share/doc')).toBe(false);
  });

  test('a non-directory replacing a directory drops everything below it', () => {
    const own = new OwnEntries();
    own.addDirectory('a/b');
    own.addNonDirectory('a/b/c/file');
    own.addNonDirectory('a/bb'); // a sibling that only shares the prefix stays
    own.addNonDirectory('a/b');
    expect(own.hasDirectory('a/b')).toBe(false);
    expect(own.hasDirectory('a/b/c')).toBe(false);
    expect(own.hasNonDirectory('a/b/c/file')).toBe(false);
    expect(own.hasNonDirectory('a/b')).toBe(true);
    expect(own.hasNonDirectory('a/bb')).toBe(true);
    expect(own.hasDirectory('a')).toBe(true);
  });

  test('a directory replacing a file is a directory, with nothing below it yet', () => {
    const own = new OwnEntries();
    own.addNonDirectory('a/b');
    own.addDirectory('a/b');
    expect(own.hasNonDirectory('a/b')).toBe(false);
    expect(own.hasDirectory('a/b')).toBe(true);
    expect(own.hasParentOf('a/b/c')).toBe(true);
  });

  test('parents of a whiteout are known, the whiteout itself is not claimed', () => {
    const own = new OwnEntries();
    own.addParentsOf('var/cache/apt');
    expect(own.hasDirectory('var/cache')).toBe(true);
    expect(own.hasDirectory('var/cache/apt')).toBe(false);
    expect(own.hasNonDirectory('var/cache/apt')).toBe(false);
  });
});
