import { UnsafeEntryError } from '../../../src/errors';
import { cleanEntryPath, entryDepth, splitEntryPath } from '../../../src/storage/entry-path';

describe('cleanEntryPath', () => {
  it('drops `.`, empty components and trailing slashes', () => {
    expect(cleanEntryPath('./usr//bin/./ls')).toBe('usr/bin/ls');
    expect(cleanEntryPath('usr/share/')).toBe('usr/share');
    expect(cleanEntryPath('./')).toBe('');
    expect(cleanEntryPath('.')).toBe('');
  });

  it('keeps absolute names inside the layer, as Docker does', () => {
    expect(cleanEntryPath('/etc/passwd')).toBe('etc/passwd');
    expect(cleanEntryPath('//etc//hosts')).toBe('etc/hosts');
    expect(cleanEntryPath('/../etc/shadow')).toBe('etc/shadow');
  });

  it('folds `..` that stays inside', () => {
    expect(cleanEntryPath('a/b/../c')).toBe('a/c');
    expect(cleanEntryPath('a/..')).toBe('');
  });

  it('rejects `..` that climbs out, naming the entry', () => {
    expect(() => cleanEntryPath('../evil')).toThrow(UnsafeEntryError);
    expect(() => cleanEntryPath('../evil')).toThrow('unpack layer: entry `../evil` escapes the layer directory');
    expect(() => cleanEntryPath('a/../../evil')).toThrow(UnsafeEntryError);
    expect(() => cleanEntryPath('./..')).toThrow(UnsafeEntryError);
  });

  it('rejects a NUL byte', () => {
    expect(() => cleanEntryPath('a\0b')).toThrow(UnsafeEntryError);
  });
});

describe('splitEntryPath and entryDepth', () => {
  it('splits into parent and base', () => {
    expect(splitEntryPath('a/b/c')).toEqual(['a/b', 'c']);
    expect(splitEntryPath('top')).toEqual(['', 'top']);
  });

  it('counts components', () => {
    expect(entryDepth('')).toBe(0);
    expect(entryDepth('a')).toBe(1);
    expect(entryDepth('a/b/c')).toBe(3);
  });
});
