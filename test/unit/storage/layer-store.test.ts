import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataRoot } from '../../../src/config/layout';
import { LayerStore } from '../../../src/storage/layer-store';
import { sha256Digest, chainIds } from '../../../src/image/digest';
import { DigestMismatchError } from '../../../src/errors/kinds';
import { processStartTime } from '../../../src/sys/proc-stat';
import { tempDir } from '../helpers/tmp';
import { FS_TOPDIR_FL, getInodeFlags } from '../../../src/sys/inode-flags';

describe('LayerStore', () => {
  let root: string;
  let layers: LayerStore;
  const [d1, d2] = [sha256Digest('layer-1'), sha256Digest('layer-2')];
  const [c1, c2] = chainIds([d1, d2]);

  beforeEach(() => {
    root = tempDir();
    layers = new LayerStore(new DataRoot(root));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('chain IDs follow the OCI definition', () => {
    expect(c1).toBe(d1);
    expect(c2).toBe(sha256Digest(`${d1} ${d2}`));
  });

  test('creates a layer atomically and hands lower dirs top-most first', async () => {
    await layers.create(c1, undefined, async (dir) => {
      fs.writeFileSync(path.join(dir, 'a'), 'a');
      return { diffId: d1, size: 1 };
    }, d1);
    let seenLowers: string[] = [];
    await layers.create(c2, c1, async (dir, lowers) => {
      seenLowers = lowers;
      return { diffId: d2, size: 0 };
    }, d2);
    expect(seenLowers).toEqual([layers.diffDir(c1)]);
    expect(layers.lowerDirs(c2)).toEqual([layers.diffDir(c2), layers.diffDir(c1)]);
    expect(layers.get(c2)).toMatchObject({ chainId: c2, diffId: d2, parent: c1 });
    expect(fs.readFileSync(path.join(layers.diffDir(c1), 'a'), 'utf8')).toBe('a');
    expect(layers.list().sort()).toEqual([c1, c2].sort());
  });

  test('a diffID mismatch leaves no layer and no work directory', async () => {
    await expect(
      layers.create(c1, undefined, async () => ({ diffId: d2, size: 0 }), d1),
    ).rejects.toThrow(DigestMismatchError);
    expect(layers.has(c1)).toBe(false);
    expect(fs.readdirSync(path.join(root, 'layers'))).toEqual([]);
  });

  test('a failing producer leaves nothing behind', async () => {
    await expect(
      layers.create(c1, undefined, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(fs.readdirSync(path.join(root, 'layers'))).toEqual([]);
  });

  test('an existing layer is returned without producing it again', async () => {
    await layers.create(c1, undefined, async () => ({ diffId: d1, size: 5 }));
    const produce = jest.fn(async () => ({ diffId: d1, size: 9 }));
    const record = await layers.create(c1, undefined, produce);
    expect(produce).not.toHaveBeenCalled();
    expect(record.size).toBe(5);
  });

  test('a layer produced beside its parent enters the store only after the parent', async () => {
    let parentStored!: () => void;
    const stored = new Promise<void>((resolve) => (parentStored = resolve));
    let seenLowers: string[] = [];
    let upperProduced = false;
    const upper = layers.create(
      c2,
      c1,
      async (dir, lowers) => {
        seenLowers = lowers;
        fs.writeFileSync(path.join(dir, 'b'), 'b');
        upperProduced = true;
        return { diffId: d2, size: 1 };
      },
      d2,
      { lowerChain: [c1], stored },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(upperProduced).toBe(true);
    expect(layers.has(c2)).toBe(false); // waits for its parent
    await layers.create(c1, undefined, async () => ({ diffId: d1, size: 0 }), d1);
    parentStored();
    await upper;
    expect(seenLowers).toEqual([layers.diffDir(c1)]);
    expect(layers.get(c2)).toMatchObject({ chainId: c2, parent: c1 });
    expect(fs.readFileSync(path.join(layers.diffDir(c2), 'b'), 'utf8')).toBe('b');
  });

  test('a parent that fails takes the layer on top of it along, leaving no work directory', async () => {
    const parentFailed = Promise.reject(new Error('parent: digest mismatch'));
    await expect(
      layers.create(c2, c1, async () => ({ diffId: d2, size: 0 }), d2, { lowerChain: [c1], stored: parentFailed }),
    ).rejects.toThrow('parent: digest mismatch');
    expect(layers.has(c2)).toBe(false);
    expect(fs.readdirSync(path.join(root, 'layers'))).toEqual([]);
  });

  test('the work directory is removed only once the producer has stopped writing into it', async () => {
    let release!: () => void;
    const producing = new Promise<void>((resolve) => (release = resolve));
    const created = layers.create(
      c2,
      c1,
      async (dir) => {
        await producing;
        fs.writeFileSync(path.join(dir, 'late'), 'x'); // would throw if the directory were gone
        throw new Error('producer failed');
      },
      d2,
      { lowerChain: [c1], stored: Promise.reject(new Error('parent failed')) },
    );
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await expect(created).rejects.toThrow('producer failed');
    expect(fs.readdirSync(path.join(root, 'layers'))).toEqual([]);
  });

  test('the layers directory asks the filesystem to spread layers over block groups (FS_TOPDIR_FL)', async () => {
    await layers.create(c1, undefined, async () => ({ diffId: d1, size: 0 }));
    const fd = fs.openSync(path.join(root, 'layers'), 'r');
    try {
      let flags: number;
      try {
        flags = getInodeFlags(fd, 'layers');
      } catch (err) {
        console.log(`skipped: ${os.tmpdir()} has no inode flags (${(err as Error).message})`);
        return;
      }
      expect(flags & FS_TOPDIR_FL).toBe(FS_TOPDIR_FL);
    } finally {
      fs.closeSync(fd);
    }
  });

  test('sweepIncomplete removes work dirs of dead processes', () => {
    const stale = path.join(root, 'layers', '.incomplete-999999999-abcdefabcdef');
    fs.mkdirSync(path.join(stale, 'diff'), { recursive: true });
    layers.sweepIncomplete();
    expect(fs.existsSync(stale)).toBe(false);
  });

  test('sweepIncomplete removes the work dir of a dead process whose pid a live process reuses', () => {
    const reused = path.join(root, 'layers', `.incomplete-${process.ppid}@1-abcdefabcdef`);
    const owned = path.join(root, 'layers', `.incomplete-${process.ppid}@${processStartTime(process.ppid)}-abcdefabcdef`);
    for (const dir of [reused, owned]) fs.mkdirSync(path.join(dir, 'diff'), { recursive: true });
    layers.sweepIncomplete();
    expect(fs.existsSync(reused)).toBe(false);
    expect(fs.existsSync(owned)).toBe(true);
  });

  test('delete removes the layer', async () => {
    await layers.create(c1, undefined, async () => ({ diffId: d1, size: 0 }));
    layers.delete(c1);
    expect(layers.has(c1)).toBe(false);
    expect(layers.list()).toEqual([]);
  });
});
