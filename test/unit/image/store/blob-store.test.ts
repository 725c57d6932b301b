import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../../../src/config/layout';
import { BlobStore } from '../../../../src/image/store/blob-store';
import { sha256Digest } from '../../../../src/image/digest';
import { DigestMismatchError, NotFoundError } from '../../../../src/errors/kinds';
import { processStartTime } from '../../../../src/sys/proc-stat';
import { tempDir } from '../../helpers/tmp';

describe('BlobStore', () => {
  let root: string;
  let blobs: BlobStore;
  beforeEach(() => {
    root = tempDir();
    blobs = new BlobStore(new DataRoot(root));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('stores content under its sha256 digest', () => {
    const digest = blobs.putBuffer(Buffer.from('hello'));
    expect(digest).toBe(sha256Digest('hello'));
    expect(blobs.path(digest)).toBe(path.join(root, 'blobs', 'sha256', digest.slice(7)));
    expect(blobs.readBuffer(digest).toString()).toBe('hello');
    expect(blobs.list()).toEqual([digest]);
  });

  test('refuses content that does not match the expected digest and stores nothing', () => {
    expect(() => blobs.putBuffer(Buffer.from('hello'), sha256Digest('other'))).toThrow(DigestMismatchError);
    expect(blobs.list()).toEqual([]);
  });

  test('commitFile with verify rejects a wrong temp file and removes it', async () => {
    const temp = blobs.tempPath();
    fs.writeFileSync(temp, 'abc');
    await expect(blobs.commitFile(temp, sha256Digest('abd'), { verify: true })).rejects.toThrow(DigestMismatchError);
    expect(fs.existsSync(temp)).toBe(false);
    expect(blobs.has(sha256Digest('abd'))).toBe(false);
  });

  test('commitFile moves a verified file into place', async () => {
    const temp = blobs.tempPath();
    fs.writeFileSync(temp, 'abc');
    await blobs.commitFile(temp, sha256Digest('abc'), { verify: true });
    expect(blobs.readBuffer(sha256Digest('abc')).toString()).toBe('abc');
  });

  test('a missing blob is a NotFoundError naming the digest', () => {
    const digest = sha256Digest('nope');
    expect(() => blobs.readBuffer(digest)).toThrow(NotFoundError);
    expect(() => blobs.readBuffer(digest)).toThrow(digest);
  });

  test('sweepTemp removes temp files of dead processes only', () => {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    const dead = path.join(root, 'tmp', 'pull-999999999-aaaaaaaaaaaa');
    fs.writeFileSync(dead, 'x');
    const mine = blobs.tempPath('pull');
    fs.writeFileSync(mine, 'y');
    blobs.sweepTemp();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
  });

  test('sweepTemp removes the work file of a dead process whose pid a live process reuses (start times differ)', () => {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    const parent = process.ppid; // alive, with another start time than the one the name records
    const reused = path.join(root, 'tmp', `layer-${parent}@1-aaaaaaaaaaaa`);
    const owned = path.join(root, 'tmp', `layer-${parent}@${processStartTime(parent)}-bbbbbbbbbbbb`);
    const legacy = path.join(root, 'tmp', `layer-${parent}-cccccccccccc`); // an older berth's name: the pid alone
    for (const file of [reused, owned, legacy]) fs.writeFileSync(file, 'x');
    blobs.sweepTemp();
    expect(fs.existsSync(reused)).toBe(false);
    expect(fs.existsSync(owned)).toBe(true);
    expect(fs.existsSync(legacy)).toBe(true);
  });

  test('a work file names its process by pid and start time', () => {
    expect(path.basename(blobs.tempPath('layer'))).toMatch(new RegExp(`^layer-${process.pid}@${processStartTime(process.pid)}-[a-f0-9]{12}$`));
  });

  test('rejects digests that are not sha256:<64 hex> (no path tricks)', () => {
    expect(() => blobs.path('sha256:../../etc/passwd')).toThrow(/invalid digest/);
  });
});
