import * as fs from 'node:fs';
import * as path from 'node:path';
import { containerChanges, dockerChangeKind } from '../../../src/storage/container-changes';
import { tempDir } from '../helpers/tmp';
import { T0, copyUp, makeTree } from './fake-layers';

function listing(upper: string, lowers: string[]): string[] {
  return containerChanges(upper, lowers).map((c) => `${c.kind} ${c.path}`);
}

describe('containerChanges', () => {
  let dir: string;
  let lower: string;
  let upper: string;

  beforeEach(() => {
    dir = tempDir();
    lower = path.join(dir, 'lower');
    upper = path.join(dir, 'upper');
    makeTree(lower, {
      'bin/sh': 'shell',
      'bin/ls': 'ls',
      'etc/profile': 'profile',
      'etc/passwd': 'root:x:0:0',
      'dev/': '',
      'usr/local/bin/': '',
      'home/user/.rc': 'rc',
    });
    fs.mkdirSync(upper);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an empty writable layer has no changes', () => {
    expect(listing(upper, [lower])).toEqual([]);
  });

  test('new files are A, their image parents C, listed parent first', () => {
    fs.writeFileSync(path.join(upper, 'new.txt'), 'new');
    copyUp(lower, upper, 'usr/local/bin');
    fs.mkdirSync(path.join(upper, 'usr/local/bin/x'));
    fs.writeFileSync(path.join(upper, 'usr/local/bin/x/f'), 'y');
    expect(listing(upper, [lower])).toEqual(['A /new.txt', 'C /usr', 'C /usr/local', 'C /usr/local/bin', 'A /usr/local/bin/x', 'A /usr/local/bin/x/f']);
  });

  test('a file whose content changed is C; one copied up unchanged is not listed', () => {
    copyUp(lower, upper, 'etc/profile');
    fs.appendFileSync(path.join(upper, 'etc/profile'), 'x\n');
    copyUp(lower, upper, 'etc/passwd'); // copied up (opened for writing) but the same
    expect(listing(upper, [lower])).toEqual(['C /etc', 'C /etc/profile']);
  });

  test('a changed mtime alone is a change for files, never for directories', () => {
    copyUp(lower, upper, 'bin/sh');
    fs.utimesSync(path.join(upper, 'bin/sh'), T0, new Date('2025-01-01T00:00:00Z'));
    copyUp(lower, upper, 'home/user');
    fs.utimesSync(path.join(upper, 'home/user'), T0, new Date('2025-01-01T00:00:00Z'));
    expect(listing(upper, [lower])).toEqual(['C /bin', 'C /bin/sh']);
  });

  test('a directory whose mode changed is C without a changed child', () => {
    copyUp(lower, upper, 'home/user');
    fs.chmodSync(path.join(upper, 'home/user'), 0o700);
    expect(listing(upper, [lower])).toEqual(['C /home', 'C /home/user']);
  });

  test('a file replaced by a directory is C, and everything below it A', () => {
    fs.mkdirSync(path.join(upper, 'bin/ls'), { recursive: true });
    fs.writeFileSync(path.join(upper, 'bin/ls/inner'), 'i');
    expect(listing(upper, [lower])).toEqual(['C /bin', 'C /bin/ls', 'A /bin/ls/inner']);
  });

  test('a path present in any image layer is C, the top-most one compared', () => {
    const lower2 = path.join(dir, 'lower2');
    makeTree(lower2, { 'opt/tool': 'v2' });
    fs.mkdirSync(path.join(upper, 'opt'));
    fs.writeFileSync(path.join(upper, 'opt/tool'), 'v3');
    fs.writeFileSync(path.join(upper, 'opt/other'), 'o');
    fs.utimesSync(path.join(upper, 'opt'), T0, T0);
    expect(listing(upper, [lower2, lower])).toEqual(['C /opt', 'A /opt/other', 'C /opt/tool']);
  });

  test("the runtime's mount points are hidden when the image lacks them, as Docker's init layer hides them", () => {
    fs.mkdirSync(path.join(upper, 'proc'));
    fs.mkdirSync(path.join(upper, 'sys'));
    fs.mkdirSync(path.join(upper, 'dev')); // in the image: compared as usual, unchanged
    fs.utimesSync(path.join(upper, 'dev'), T0, T0);
    copyUp(lower, upper, 'etc');
    for (const name of ['hostname', 'hosts', 'resolv.conf']) fs.writeFileSync(path.join(upper, 'etc', name), '');
    expect(listing(upper, [lower])).toEqual([]);
  });

  test('an /etc made only for those mount points is hidden too; user files beside them are listed', () => {
    const bare = path.join(dir, 'bare');
    makeTree(bare, { 'bin/sh': 'sh' });
    fs.mkdirSync(path.join(upper, 'etc'));
    fs.writeFileSync(path.join(upper, 'etc/hosts'), '');
    expect(listing(upper, [bare])).toEqual([]);
    fs.writeFileSync(path.join(upper, 'etc/motd'), 'hi');
    expect(listing(upper, [bare])).toEqual(['A /etc', 'A /etc/motd']);
  });

  test('a non-empty /proc in the writable layer is not a mount point: it is listed', () => {
    fs.mkdirSync(path.join(upper, 'proc'));
    fs.writeFileSync(path.join(upper, 'proc/x'), 'x');
    expect(listing(upper, [lower])).toEqual(['A /proc', 'A /proc/x']);
  });

  test("kinds map to Docker's API numbers", () => {
    expect(['C', 'A', 'D'].map((k) => dockerChangeKind(k as 'A'))).toEqual([0, 1, 2]);
  });
});
