// Walking a tree through fds, without root: every type, hardlinks found
// once, symlinks read from their own fd and never followed, times whole or
// exact, xattrs only when asked for.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { AT_FDCWD, O_CLOEXEC, O_NOFOLLOW, O_PATH, close, lsetxattr, openat2 } from '../../../src/sys/fs-at';
import { allXattrs, walkTree, WalkOptions } from '../../../src/storage/tree-walk';
import type { TreeEntry } from '../../../src/storage/tree-entry';

let work: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tree-walk-'));
});

afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function walk(p: string, name: string, options?: WalkOptions): Array<TreeEntry & { text?: string }> {
  const fd = openat2(AT_FDCWD, p, { flags: O_PATH | O_NOFOLLOW | O_CLOEXEC, resolve: 0 });
  try {
    // Content is read while the walk is at the entry, as its consumers do.
    const entries: Array<TreeEntry & { text?: string }> = [];
    for (const e of walkTree(fd, name, options)) entries.push(e.content ? { ...e, text: Buffer.concat([...e.content()]).toString() } : e);
    return entries;
  } finally {
    close(fd);
  }
}

describe('walkTree', () => {
  it('lists the tree parents first, names sorted, hardlinks once, symlinks as links', () => {
    const tree = path.join(work, 'tree');
    fs.mkdirSync(path.join(tree, 'b/inner'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'a.txt'), 'alpha', { mode: 0o640 });
    fs.chmodSync(path.join(tree, 'a.txt'), 0o640);
    fs.linkSync(path.join(tree, 'a.txt'), path.join(tree, 'b/again'));
    fs.symlinkSync('/etc', path.join(tree, 'b/etc'));
    execFileSync('mkfifo', [path.join(tree, 'b/inner/pipe')]);
    fs.utimesSync(path.join(tree, 'a.txt'), 1_500_000_000.25, 1_500_000_000.5);

    // Under `.`, children are `./name`; exact times keep nanoseconds and atime (read before the content is).
    const exact = walk(tree, '.', { exactTimes: true });
    expect(exact[1].name).toBe('./a.txt');
    expect(exact[1].mtime).toEqual({ sec: 1_500_000_000, nsec: 500_000_000 });
    expect(exact[1].atime).toEqual({ sec: 1_500_000_000, nsec: 250_000_000 });
    const entries = walk(tree, 'tree');
    expect(entries.map((e) => `${e.type} ${e.name}`)).toEqual([
      'directory tree',
      'file tree/a.txt',
      'directory tree/b',
      'link tree/b/again',
      'symlink tree/b/etc',
      'directory tree/b/inner',
      'fifo tree/b/inner/pipe',
    ]);
    const file = entries[1] as TreeEntry & { text: string };
    expect([file.mode, file.size, file.text, file.mtime, file.atime]).toEqual([0o640, 5, 'alpha', { sec: 1_500_000_000, nsec: 0 }, undefined]);
    expect(entries[3].linkname).toBe('tree/a.txt');
    expect(entries[4].linkname).toBe('/etc');
  });

  it('a symlink to a directory is an entry, never walked into; a symlink root is itself', () => {
    const tree = path.join(work, 'tree');
    fs.mkdirSync(tree);
    fs.symlinkSync(os.tmpdir(), path.join(tree, 'tmp'));
    expect(walk(tree, '.').map((e) => `${e.type} ${e.name}`)).toEqual(['directory .', 'symlink ./tmp']);
    expect(walk(path.join(tree, 'tmp'), 'tmp').map((e) => `${e.type} ${e.linkname}`)).toEqual([`symlink ${os.tmpdir()}`]);
  });

  it('xattrs only with the option: allXattrs reads those of the entry itself', () => {
    const tree = path.join(work, 'tree');
    fs.mkdirSync(tree);
    fs.writeFileSync(path.join(tree, 'f'), 'x');
    lsetxattr(path.join(tree, 'f'), 'user.note', Buffer.from('kept'));
    lsetxattr(tree, 'user.dir', Buffer.from('dir'));
    expect(walk(tree, '.').some((e) => e.xattrs !== undefined)).toBe(false);
    const entries = walk(tree, '.', { xattrs: allXattrs });
    expect(entries.map((e) => e.xattrs)).toEqual([[['user.dir', Buffer.from('dir')]], [['user.note', Buffer.from('kept')]]]);
  });
});
