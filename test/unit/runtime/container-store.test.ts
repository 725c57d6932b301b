import * as fs from 'node:fs';
import { DataRoot } from '../../../src/config/layout';
import { ContainerStore, LOST_EXIT_CODE } from '../../../src/runtime/container-store';
import { ContainerState } from '../../../src/runtime/state';
import { ConflictError, NotFoundError } from '../../../src/errors/kinds';
import { tempDir } from '../helpers/tmp';

function state(id: string, name: string, extra: Partial<ContainerState> = {}): ContainerState {
  return {
    ociVersion: '1.0.2',
    id,
    status: 'created',
    bundle: `/b/${id}`,
    name,
    image: 'busybox',
    imageId: 'sha256:' + 'a'.repeat(64),
    command: ['sh'],
    created: new Date().toISOString(),
    labels: {},
    autoRemove: false,
    restartCount: 0,
    hostConfig: {
      networkMode: 'none', privileged: false, readonlyRootfs: false, tty: false, interactive: false, init: false,
      restartPolicy: { name: 'no', maximumRetryCount: 0 }, portBindings: {}, binds: [], anonymousVolumes: [],
    },
    ...extra,
  };
}

describe('ContainerStore', () => {
  let root: string;
  let store: ContainerStore;
  beforeEach(() => {
    root = tempDir();
    store = new ContainerStore(new DataRoot(root));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('reserves a unique ID and name, finds by ID, name and prefix', async () => {
    const a = await store.reserve('web', (id, name) => state(id, name));
    expect(a.id).toMatch(/^[a-f0-9]{64}$/);
    expect(store.get('web').id).toBe(a.id);
    expect(store.get(a.id).name).toBe('web');
    expect(store.get(a.id.slice(0, 12)).name).toBe('web');
    const b = await store.reserve(undefined, (id, name) => state(id, name));
    expect(b.name).toMatch(/^[a-z]+_[a-z]+\d?$/);
    expect(store.list().map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
  });

  test('a name in use is a Docker-worded conflict with exit 125', async () => {
    const a = await store.reserve('web', (id, name) => state(id, name));
    await expect(store.reserve('web', (id, name) => state(id, name))).rejects.toThrow(ConflictError);
    await expect(store.reserve('web', (id, name) => state(id, name))).rejects.toThrow(
      `The container name "/web" is already in use by container "${a.id}"`,
    );
  });

  test('an unknown container is NotFoundError with Docker wording', () => {
    expect(() => store.get('nope')).toThrow(NotFoundError);
    expect(() => store.get('nope')).toThrow('No such container: nope');
  });

  test('a running state whose process is gone reads as stopped with a lost exit code', async () => {
    const a = await store.reserve('web', (id, name) => state(id, name, { status: 'running', pid: 999999999, pidStartTime: '1' }));
    const loaded = store.get(a.id);
    expect(loaded.status).toBe('stopped');
    expect(loaded.exitCode).toBe(LOST_EXIT_CODE);
  });

  test('remove deletes the directory', async () => {
    const a = await store.reserve('web', (id, name) => state(id, name));
    store.remove(a.id);
    expect(store.find('web')).toBeUndefined();
  });
});
