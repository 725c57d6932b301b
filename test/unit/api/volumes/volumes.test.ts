import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../../../src/config/layout';
import { Volumes, naturalCompare } from '../../../../src/api/volumes/volumes';
import { ConflictError, NotFoundError, UsageError } from '../../../../src/errors/kinds';
import { tempDir } from '../../helpers/tmp';

let root: string;
let volumes: Volumes;
/** The fake container side: volume name -> IDs of the containers that mount it. */
let users: Map<string, string[]>;

beforeEach(() => {
  root = tempDir('berth-volumes-');
  volumes = new Volumes(new DataRoot(root));
  users = new Map();
  volumes.containerUsage = { volumeUsers: (name) => users.get(name) ?? [] };
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function recordOf(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, 'volumes', name, 'volume.json'), 'utf8'));
}

describe('Volumes.create', () => {
  it('writes volume.json beside an empty _data directory', () => {
    const created = volumes.create('data', { labels: { env: 'prod' } });
    const data = path.join(root, 'volumes', 'data', '_data');
    expect(fs.statSync(data).isDirectory()).toBe(true);
    expect(fs.readdirSync(data)).toEqual([]);
    expect(created).toEqual({
      Name: 'data', Driver: 'local', Mountpoint: data, CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      Labels: { env: 'prod' }, Options: {}, Scope: 'local', Anonymous: false, Populated: false,
    });
    expect(recordOf('data')).toEqual(created);
    // No temporary files left behind by the atomic write.
    expect(fs.readdirSync(path.join(root, 'volumes', 'data')).sort()).toEqual(['_data', 'volume.json']);
  });

  it('returns an existing volume as it is, as Docker does', () => {
    const first = volumes.create('data', { labels: { a: '1' } });
    fs.writeFileSync(path.join(first.Mountpoint, 'kept'), 'x');
    const again = volumes.create('data', { labels: { b: '2' } });
    expect(again).toEqual(first);
    expect(fs.readFileSync(path.join(first.Mountpoint, 'kept'), 'utf8')).toBe('x');
  });

  it('names a volume created without a name with 64 hex digits', () => {
    const v = volumes.create();
    expect(v.Name).toMatch(/^[0-9a-f]{64}$/);
    expect(v.Anonymous).toBe(false);
    expect(v.Labels).toEqual({});
  });

  it('labels anonymous volumes as Docker does', () => {
    const v = volumes.create(undefined, { anonymous: true });
    expect(v.Anonymous).toBe(true);
    expect(v.Labels).toEqual({ 'com.docker.volume.anonymous': '' });
  });

  it('refuses bad names and other drivers', () => {
    expect(() => volumes.create('bad name')).toThrow(UsageError);
    expect(() => volumes.create('../escape')).toThrow(/includes invalid characters/);
    expect(() => volumes.create('v1', { driver: 'nfs' })).toThrow(/plugin "nfs" not found/);
    expect(fs.existsSync(path.join(root, 'volumes'))).toBe(false);
  });
});

describe('Volumes.list, inspect', () => {
  it('lists volumes in natural name order', () => {
    for (const name of ['vol10', 'vol2', 'alpha', 'Beta']) volumes.create(name);
    expect(volumes.list().map((v) => v.Name)).toEqual(['Beta', 'alpha', 'vol2', 'vol10']);
    expect(naturalCompare('a2', 'a10')).toBeLessThan(0);
  });

  it('filters dangling volumes by asking the container side', () => {
    volumes.create('used');
    volumes.create('free');
    users.set('used', ['c'.repeat(64)]);
    expect(volumes.list({ filters: ['dangling=true'] }).map((v) => v.Name)).toEqual(['free']);
    expect(volumes.list({ filters: ['dangling=false'] }).map((v) => v.Name)).toEqual(['used']);
    expect(volumes.list({ filters: ['name=fr'] }).map((v) => v.Name)).toEqual(['free']);
  });

  it("skips directories that are not volumes (no record, or being removed)", () => {
    volumes.create('real');
    fs.mkdirSync(path.join(root, 'volumes', 'stray', '_data'), { recursive: true });
    fs.mkdirSync(path.join(root, 'volumes', '.removing-old-1234'), { recursive: true });
    expect(volumes.list().map((v) => v.Name)).toEqual(['real']);
  });

  it("inspects with Docker's fields only, no labels or options as dockerd's null", () => {
    const v = volumes.create('data');
    expect(volumes.inspect('data')).toEqual({
      CreatedAt: v.CreatedAt, Driver: 'local', Labels: null, Mountpoint: v.Mountpoint, Name: 'data', Options: null, Scope: 'local',
    });
    const labelled = volumes.create('tagged', { labels: { a: 'b' } });
    expect(volumes.inspect('tagged').Labels).toEqual({ a: 'b' });
    expect(labelled.Labels).toEqual({ a: 'b' });
    expect(() => volumes.inspect('nope')).toThrow(new NotFoundError('get nope: no such volume'));
    expect(() => volumes.inspect('../../etc')).toThrow(NotFoundError);
  });
});

describe('Volumes.remove', () => {
  it('deletes the record and the data', () => {
    const v = volumes.create('data');
    fs.writeFileSync(path.join(v.Mountpoint, 'f'), 'x');
    volumes.remove('data');
    expect(fs.existsSync(path.join(root, 'volumes', 'data'))).toBe(false);
    expect(fs.readdirSync(path.join(root, 'volumes'))).toEqual([]);
  });

  it('refuses while a container uses the volume, naming the containers', () => {
    volumes.create('data');
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    users.set('data', [a, b]);
    expect(() => volumes.remove('data')).toThrow(new ConflictError(`remove data: volume is in use - [${a}, ${b}]`));
    expect(() => volumes.remove('data', { force: true })).toThrow(ConflictError);
    expect(volumes.list().map((v) => v.Name)).toEqual(['data']);
  });

  it('a missing volume is an error unless forced', () => {
    expect(() => volumes.remove('ghost')).toThrow(new NotFoundError('get ghost: no such volume'));
    expect(() => volumes.remove('ghost', { force: true })).not.toThrow();
  });
});

describe('Volumes.prune', () => {
  it('removes unused anonymous volumes only, and reports their size', () => {
    const unusedAnon = volumes.create(undefined, { anonymous: true });
    const usedAnon = volumes.create(undefined, { anonymous: true });
    volumes.create('named');
    users.set(usedAnon.Name, ['c'.repeat(64)]);
    fs.writeFileSync(path.join(unusedAnon.Mountpoint, 'f'), 'x'.repeat(1500));
    fs.mkdirSync(path.join(unusedAnon.Mountpoint, 'sub'));
    fs.writeFileSync(path.join(unusedAnon.Mountpoint, 'sub', 'g'), 'yy');
    fs.linkSync(path.join(unusedAnon.Mountpoint, 'f'), path.join(unusedAnon.Mountpoint, 'f-link'));
    expect(volumes.prune()).toEqual({ deleted: [unusedAnon.Name], reclaimed: 1502 });
    expect(volumes.list().map((v) => v.Name).sort()).toEqual([usedAnon.Name, 'named'].sort());
  });

  it('with all, removes unused named volumes too', () => {
    volumes.create('named');
    volumes.create('busy');
    users.set('busy', ['c'.repeat(64)]);
    expect(volumes.prune({ all: true })).toEqual({ deleted: ['named'], reclaimed: 0 });
    expect(volumes.list().map((v) => v.Name)).toEqual(['busy']);
  });
});

describe('populated flag', () => {
  it('a new volume needs the image content until marked populated', () => {
    volumes.create('data');
    expect(volumes.needsContent('data')).toBe(true);
    volumes.markPopulated('data');
    expect(volumes.needsContent('data')).toBe(false);
    expect(recordOf('data').Populated).toBe(true);
    expect(volumes.needsContent('missing')).toBe(false);
  });
});
