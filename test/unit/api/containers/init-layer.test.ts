import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeInitLayer } from '../../../../src/api/containers/init-layer';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-init-layer-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const stat = fs.lstatSync(path.join(root, child));
      const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? `l->${fs.readlinkSync(path.join(root, child))}` : `f${stat.size}`;
      out.push(`${child} ${kind} ${(stat.mode & 0o7777).toString(8)}`);
      if (stat.isDirectory()) walk(child);
    }
  };
  walk('');
  return out;
}

describe("writeInitLayer (Docker's init layer, regression: export had no .dockerenv, /dev/console, /etc/mtab...)", () => {
  it('holds every entry Docker writes over an image that has none of them', () => {
    const image = path.join(dir, 'image');
    fs.mkdirSync(path.join(image, 'bin'), { recursive: true });
    writeInitLayer(path.join(dir, 'init'), [image]);
    expect(tree(path.join(dir, 'init'))).toEqual([
      '.dockerenv f0 755',
      'dev d 755',
      'dev/console f0 755',
      'dev/pts d 755',
      'dev/shm d 755',
      'etc d 755',
      'etc/hostname f0 755',
      'etc/hosts f0 755',
      'etc/mtab l->/proc/mounts 777',
      'etc/resolv.conf f0 755',
      'proc d 755',
      'sys d 755',
    ]);
  });

  it("leaves a directory of the image to the image, and takes the image's mode for /etc and /dev", () => {
    const image = path.join(dir, 'image');
    fs.mkdirSync(path.join(image, 'etc/hosts'), { recursive: true });
    fs.mkdirSync(path.join(image, 'proc'), { recursive: true });
    fs.mkdirSync(path.join(image, 'dev'), { recursive: true });
    fs.chmodSync(path.join(image, 'etc'), 0o750);
    fs.chmodSync(path.join(image, 'dev'), 0o711);
    writeInitLayer(path.join(dir, 'init'), [image]);
    const entries = tree(path.join(dir, 'init'));
    expect(entries).not.toContain('etc/hosts f0 755');
    expect(entries).not.toContain('proc d 755');
    expect(entries).toContain('etc d 750');
    expect(entries).toContain('dev d 711');
    expect(entries).toContain('etc/hostname f0 755');
  });

  it('replaces a file of the image, as Docker does (unlink, then create)', () => {
    const image = path.join(dir, 'image');
    fs.mkdirSync(path.join(image, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(image, 'etc/hosts'), '127.0.0.1 image\n');
    writeInitLayer(path.join(dir, 'init'), [image]);
    expect(fs.readFileSync(path.join(dir, 'init/etc/hosts'), 'utf8')).toBe('');
  });

  it('refuses to write into a directory that exists already', () => {
    fs.mkdirSync(path.join(dir, 'init'));
    expect(() => writeInitLayer(path.join(dir, 'init'), [])).toThrow(/EEXIST/);
  });
});
