import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { tarStream } from '../../../src/storage/host-tar';
import { mergedItems, upperLayerItems } from '../../../src/storage/layer-tars';
import { tempDir } from '../helpers/tmp';
import { copyUp, makeTree } from './fake-layers';

async function entries(stream: NodeJS.ReadableStream): Promise<Array<{ name: string; type: string; body: string; linkname?: string }>> {
  const extract = tar.extract();
  stream.on('error', (err: Error) => extract.destroy(err));
  stream.pipe(extract);
  const out: Array<{ name: string; type: string; body: string; linkname?: string }> = [];
  for await (const entry of extract) {
    let body = '';
    for await (const chunk of entry) body += (chunk as Buffer).toString();
    const h = entry.header;
    out.push({ name: h.name, type: h.type ?? '', body, ...(h.linkname ? { linkname: h.linkname } : {}) });
  }
  return out;
}

describe('layer tars', () => {
  let dir: string;
  let lower1: string;
  let lower2: string;
  let upper: string;

  beforeEach(() => {
    dir = tempDir();
    lower1 = path.join(dir, 'l1');
    lower2 = path.join(dir, 'l2');
    upper = path.join(dir, 'upper');
    makeTree(lower1, { 'bin/sh': 'sh1', 'etc/profile': 'p1', 'var/': '' });
    makeTree(lower2, { 'bin/sh': 'sh2', 'opt/tool': 't' });
    makeTree(upper, {});
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('commit: every upper entry in name order, directories first, hardlinks once; runtime mount points left out', async () => {
    copyUp(lower1, upper, 'etc/profile');
    fs.appendFileSync(path.join(upper, 'etc/profile'), '+');
    fs.writeFileSync(path.join(upper, 'etc/hosts'), ''); // mount point of the runtime
    fs.mkdirSync(path.join(upper, 'proc'));
    fs.writeFileSync(path.join(upper, 'a.txt'), 'A');
    fs.linkSync(path.join(upper, 'a.txt'), path.join(upper, 'b.txt'));
    fs.symlinkSync('a.txt', path.join(upper, 'c'));
    const got = await entries(tarStream(upperLayerItems(upper, [lower2, lower1])));
    expect(got).toEqual([
      { name: 'a.txt', type: 'file', body: 'A' },
      { name: 'b.txt', type: 'link', body: '', linkname: 'a.txt' },
      { name: 'c', type: 'symlink', body: '', linkname: 'a.txt' },
      { name: 'etc/', type: 'directory', body: '' },
      { name: 'etc/profile', type: 'file', body: 'p1+' },
    ]);
  });

  test('an empty writable layer is the empty tar (Docker: sha256:5f70bf18...)', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of tarStream(upperLayerItems(upper, [lower1]))) chunks.push(chunk as Buffer);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe('5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef');
  });

  test('export: the merged view, the top-most entry winning', async () => {
    fs.mkdirSync(path.join(upper, 'opt'));
    fs.writeFileSync(path.join(upper, 'opt/new'), 'n');
    const got = await entries(tarStream(mergedItems([upper, lower2, lower1])));
    expect(got.map((e) => `${e.name}=${e.body}`)).toEqual([
      'bin/=',
      'bin/sh=sh2',
      'etc/=',
      'etc/profile=p1',
      'opt/=',
      'opt/new=n',
      'opt/tool=t',
      'var/=',
    ]);
  });

  test('a file that grows while it is read is cut to the size in its header', async () => {
    const big = path.join(upper, 'big');
    fs.writeFileSync(big, 'x'.repeat(10));
    const items = [...upperLayerItems(upper, [])];
    fs.appendFileSync(big, 'more');
    const got = await entries(tarStream(items));
    expect(got).toEqual([{ name: 'big', type: 'file', body: 'x'.repeat(10) }]);
  });
});

test('commit: an /etc copied up only for the mount points of the runtime is left out', async () => {
  const dir = tempDir();
  try {
    const lower = path.join(dir, 'lower');
    const upper = path.join(dir, 'upper');
    makeTree(lower, { 'etc/passwd': 'root' });
    makeTree(upper, {});
    copyUp(lower, upper, 'etc');
    fs.writeFileSync(path.join(upper, 'etc/hosts'), '');
    expect(await entries(tarStream(upperLayerItems(upper, [lower])))).toEqual([]);
    fs.chmodSync(path.join(upper, 'etc'), 0o700);
    expect(await entries(tarStream(upperLayerItems(upper, [lower])))).toEqual([{ name: 'etc/', type: 'directory', body: '' }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('security: a file swapped for a symlink after it was listed is refused, never followed to the host', async () => {
  const dir = tempDir();
  try {
    const upper = path.join(dir, 'upper');
    const secret = path.join(dir, 'host-secret');
    fs.writeFileSync(secret, 'host secret!');
    makeTree(upper, { 'data.txt': 'container data' });
    const items = [...upperLayerItems(upper, [])];
    fs.rmSync(path.join(upper, 'data.txt'));
    fs.symlinkSync(secret, path.join(upper, 'data.txt'));
    const read = entries(tarStream(items));
    await expect(read).rejects.toThrow(/openat2.*data\.txt/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
