import * as fs from 'node:fs';
import { DataRoot } from '../../../../src/config/layout';
import { Volumes } from '../../../../src/api/volumes/volumes';
import { attachVolumes } from '../../../../src/api/containers/volume-mounts';
import { defaultRunOptions, RunOptions } from '../../../../src/runtime/spec/run-options';
import { tempDir } from '../../helpers/tmp';

let root: string;
let volumes: Volumes;

beforeEach(() => {
  root = tempDir('berth-volume-mounts-');
  volumes = new Volumes(new DataRoot(root));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function options(overrides: Partial<RunOptions>): RunOptions {
  return { ...defaultRunOptions(), ...overrides };
}

describe('attachVolumes', () => {
  it('creates a missing named volume and binds its _data; binds and tmpfs pass through', () => {
    const attached = attachVolumes(
      volumes,
      options({
        mounts: [
          { type: 'volume', source: 'data', destination: '/data', readonly: true },
          { type: 'bind', source: '/srv', destination: '/srv', readonly: false, propagation: 'rprivate' },
        ],
      }),
      {},
    );
    const data = volumes.get('data');
    expect(attached.mounts).toEqual([
      { type: 'volume', source: data.Mountpoint, destination: '/data', readonly: true },
      { type: 'bind', source: '/srv', destination: '/srv', readonly: false, propagation: 'rprivate' },
    ]);
    expect(attached.mountPoints).toEqual([{ name: 'data', destination: '/data', copyData: true }]);
    expect(attached.anonymous).toEqual([]);
    expect(data.Anonymous).toBe(false);
  });

  it('reuses an existing named volume', () => {
    const existing = volumes.create('data');
    const attached = attachVolumes(volumes, options({ mounts: [{ type: 'volume', source: 'data', destination: '/d', readonly: false }] }), {});
    expect(attached.mounts[0].source).toBe(existing.Mountpoint);
    expect(volumes.list()).toHaveLength(1);
  });

  it('gives -v /path and each uncovered image VOLUME an anonymous volume; nocopy turns the copy off', () => {
    const attached = attachVolumes(
      volumes,
      options({
        mounts: [
          { type: 'volume', source: '', destination: '/scratch', readonly: false, noCopy: true },
          { type: 'volume', source: 'cfg', destination: '/etc/app', readonly: false },
        ],
        tmpfs: ['/run:size=1m'],
      }),
      { config: { Volumes: { '/var/lib/db/': {}, '/etc/app': {}, '/run': {}, '/scratch': {} } } },
    );
    expect(attached.anonymous).toHaveLength(2);
    expect(attached.mountPoints).toEqual([
      { name: attached.anonymous[0], destination: '/scratch', copyData: false },
      { name: 'cfg', destination: '/etc/app', copyData: true },
      { name: attached.anonymous[1], destination: '/var/lib/db', copyData: true },
    ]);
    for (const name of attached.anonymous) expect(volumes.get(name).Labels).toEqual({ 'com.docker.volume.anonymous': '' });
    expect(attached.mounts.map((m) => m.destination)).toEqual(['/scratch', '/etc/app', '/var/lib/db']);
  });

  it('rollback removes the anonymous volumes only', () => {
    const attached = attachVolumes(
      volumes,
      options({ mounts: [{ type: 'volume', source: 'keep', destination: '/k', readonly: false }] }),
      { config: { Volumes: { '/data': {} } } },
    );
    expect(volumes.list()).toHaveLength(2);
    attached.rollback();
    expect(volumes.list().map((v) => v.Name)).toEqual(['keep']);
  });

  it('a bad volume name fails before anything is left behind', () => {
    expect(() =>
      attachVolumes(
        volumes,
        options({ mounts: [{ type: 'volume', source: '', destination: '/a', readonly: false }, { type: 'volume', source: 'x', destination: '/b', readonly: false }] }),
        {},
      ),
    ).toThrow(/too short/);
    expect(volumes.list()).toEqual([]);
  });
});
