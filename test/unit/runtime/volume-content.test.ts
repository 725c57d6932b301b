import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyImageContent } from '../../../src/runtime/volume-content';
import { openat2, close, O_PATH, O_DIRECTORY, O_CLOEXEC } from '../../../src/sys/fs-at';
import { tempDir } from '../helpers/tmp';

let dir: string;
let rootfs: string;
let volume: string;
let rootFd: number;

beforeEach(() => {
  dir = tempDir('berth-volume-content-');
  rootfs = path.join(dir, 'rootfs');
  volume = path.join(dir, 'volume');
  fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(rootfs, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  fs.mkdirSync(volume);
  rootFd = openat2(-100, rootfs, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
});

afterEach(() => {
  close(rootFd);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('copyImageContent', () => {
  it('copies files, modes, times and symlinks (as links) into an empty volume', () => {
    const src = path.join(rootfs, 'data');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'seed.txt'), 'seed\n');
    fs.chmodSync(path.join(src, 'seed.txt'), 0o640);
    fs.chmodSync(path.join(src, 'sub'), 0o2750);
    fs.chmodSync(src, 0o711);
    fs.symlinkSync('/etc/passwd', path.join(src, 'abs-link'));
    fs.symlinkSync('../seed.txt', path.join(src, 'sub', 'rel-link'));
    const old = new Date('2020-02-02T02:02:02Z');
    fs.utimesSync(path.join(src, 'seed.txt'), old, old);

    expect(copyImageContent(rootFd, '/data', volume)).toBe(true);
    expect(fs.readFileSync(path.join(volume, 'seed.txt'), 'utf8')).toBe('seed\n');
    expect(fs.statSync(path.join(volume, 'seed.txt')).mode & 0o7777).toBe(0o640);
    expect(fs.statSync(path.join(volume, 'seed.txt')).mtime.getTime()).toBe(old.getTime());
    expect(fs.statSync(path.join(volume, 'sub')).mode & 0o7777).toBe(0o2750);
    expect(fs.statSync(volume).mode & 0o7777).toBe(0o711);
    expect(fs.readlinkSync(path.join(volume, 'abs-link'))).toBe('/etc/passwd');
    expect(fs.readlinkSync(path.join(volume, 'sub', 'rel-link'))).toBe('../seed.txt');
    const uid = fs.statSync(path.join(src, 'seed.txt')).uid;
    expect(fs.lstatSync(path.join(volume, 'abs-link')).uid).toBe(uid);
  });

  it("follows a symlinked mount point inside the image's root, never to the host", () => {
    fs.symlinkSync('/etc', path.join(rootfs, 'data'));
    expect(copyImageContent(rootFd, '/data', volume)).toBe(true);
    // The image's /etc (one file), not the host's.
    expect(fs.readdirSync(volume)).toEqual(['passwd']);
    expect(fs.readFileSync(path.join(volume, 'passwd'), 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
  });

  it('leaves a volume that already holds data alone', () => {
    fs.mkdirSync(path.join(rootfs, 'data'));
    fs.writeFileSync(path.join(rootfs, 'data', 'image-file'), 'x');
    fs.writeFileSync(path.join(volume, 'mine'), 'y');
    expect(copyImageContent(rootFd, '/data', volume)).toBe(true);
    expect(fs.readdirSync(volume)).toEqual(['mine']);
  });

  it('reports false when the image has nothing at the path', () => {
    expect(copyImageContent(rootFd, '/missing', volume)).toBe(false);
    fs.mkdirSync(path.join(rootfs, 'empty'));
    expect(copyImageContent(rootFd, '/empty', volume)).toBe(false);
    fs.writeFileSync(path.join(rootfs, 'file'), 'x');
    expect(copyImageContent(rootFd, '/file', volume)).toBe(false);
    expect(fs.readdirSync(volume)).toEqual([]);
  });
});
