import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../../../src/config/layout';
import { ContainerStore, LOST_EXIT_CODE } from '../../../src/runtime/container-store';
import { ContainerState } from '../../../src/runtime/state';
import { ConflictError, NotFoundError } from '../../../src/errors/kinds';
import { FileLock } from '../../../src/sys/lock';
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

  const stateFile = (id: string): string => path.join(root, 'containers', id, 'state.json');
  const onDisk = (id: string): ContainerState => JSON.parse(fs.readFileSync(stateFile(id), 'utf8')) as ContainerState;
  const gone = { status: 'running' as const, pid: 999999999, pidStartTime: '1' };

  test('a read never writes: the exit it derives stays unrecorded until the lock holder records it, once', async () => {
    const died: string[] = [];
    store = new ContainerStore(new DataRoot(root), (s) => died.push(s.id));
    const a = await store.reserve('web', (id, name) => state(id, name, gone));
    expect(store.get('web').status).toBe('stopped');
    expect(store.list().map((s) => s.status)).toEqual(['stopped']);
    expect(onDisk(a.id).status).toBe('running');
    expect(died).toEqual([]);

    const recorded = await store.reconcile(a.id);
    expect(recorded).toMatchObject({ status: 'stopped', exitCode: LOST_EXIT_CODE });
    expect(onDisk(a.id)).toMatchObject({ status: 'stopped', exitCode: LOST_EXIT_CODE });
    expect(onDisk(a.id).pid).toBeUndefined();
    await store.reconcile(a.id);
    await store.withContainerLock(a.id, () => undefined);
    expect(store.reconcileIfFree(a.id)?.status).toBe('stopped');
    expect(died).toEqual([a.id]);
  });

  test('reconcileIfFree never waits: while another holds the lock it gives the state as read, unrecorded', async () => {
    const a = await store.reserve('web', (id, name) => state(id, name, gone));
    const held = FileLock.acquireSync(store.lockFile(a.id));
    try {
      expect(store.reconcileIfFree(a.id)?.status).toBe('stopped');
      expect(onDisk(a.id).status).toBe('running');
    } finally {
      held.release();
    }
    expect(store.reconcileIfFree(a.id)?.status).toBe('stopped');
    expect(onDisk(a.id).status).toBe('stopped');
  });

  test('a truncated state.json is a dead record (ID, the name still legible, the reason); the others read fine', async () => {
    const broken = await store.reserve('broken', (id, name) => state(id, name, { status: 'stopped', exitCode: 0 }));
    const fine = await store.reserve('fine', (id, name) => state(id, name));
    const text = fs.readFileSync(stateFile(broken.id), 'utf8');
    fs.writeFileSync(stateFile(broken.id), text.slice(0, text.indexOf('"imageId"') + 5));
    const dead = store.get('broken');
    expect(dead).toMatchObject({ id: broken.id, name: 'broken', image: 'busybox', status: 'dead', bundle: store.dir(broken.id) });
    expect(dead.error).toMatch(new RegExp(`^read container state \`${stateFile(broken.id)}\`: `));
    expect(store.list().map((s) => [s.name, s.status]).sort()).toEqual([['broken', 'dead'], ['fine', 'created']]);
    expect(store.get('fine').status).toBe('created');
    expect(store.get(broken.id).status).toBe('dead');
  });

  test('an empty state.json, or one lacking a required field, is dead too; one with no legible name is found by ID only', async () => {
    const a = await store.reserve('one', (id, name) => state(id, name));
    const b = await store.reserve('two', (id, name) => state(id, name));
    fs.writeFileSync(stateFile(a.id), '');
    const { hostConfig, ...partial } = onDisk(b.id);
    fs.writeFileSync(stateFile(b.id), JSON.stringify(partial));
    expect(store.get(a.id)).toMatchObject({ status: 'dead', name: '', error: expect.stringMatching(/: the file is empty$/) });
    expect(store.get('two')).toMatchObject({ status: 'dead', name: 'two', error: expect.stringMatching(/: `hostConfig` is missing$/) });
    expect(store.find('')).toBeUndefined();
    fs.writeFileSync(stateFile(b.id), JSON.stringify({ ...partial, hostConfig, status: 'dead' }));
    expect(store.get(b.id).status).toBe('dead'); // `dead` is never written, so a file saying it is damaged
  });

  test('a dead record is never written back', async () => {
    const a = await store.reserve('one', (id, name) => state(id, name));
    fs.writeFileSync(stateFile(a.id), '{');
    expect(() => store.save(store.get(a.id))).toThrow(ConflictError);
    expect(fs.readFileSync(stateFile(a.id), 'utf8')).toBe('{');
  });

  test('a save after the removal is NotFoundError and never brings the directory back', async () => {
    const a = await store.reserve('web', (id, name) => state(id, name));
    const late = store.get(a.id);
    await store.withContainerLock(a.id, () => store.remove(a.id));
    expect(() => store.save(late)).toThrow(NotFoundError);
    expect(fs.existsSync(store.dir(a.id))).toBe(false);
  });

  test('the lock file of a removed container goes with the lock; that of one that exists stays', async () => {
    const a = await store.reserve('one', (id, name) => state(id, name));
    const b = await store.reserve('two', (id, name) => state(id, name));
    await store.withContainerLock(b.id, () => undefined);
    await store.withContainerLock(a.id, () => store.remove(a.id));
    expect(fs.existsSync(store.lockFile(a.id))).toBe(false);
    expect(fs.existsSync(store.lockFile(b.id))).toBe(true);
    // A late waiter (another rm of the same container) leaves none either.
    await expect(store.withContainerLock(a.id, () => store.get(a.id))).rejects.toThrow(NotFoundError);
    expect(fs.existsSync(store.lockFile(a.id))).toBe(false);
  });

  test('remove sweeps what killed removals left: stale lock files and sockets, directories of dead removers', async () => {
    const layout = new DataRoot(root);
    const a = await store.reserve('one', (id, name) => state(id, name));
    const kept = await store.reserve('kept', (id, name) => state(id, name));
    const stale = randomBytes(32).toString('hex');
    fs.mkdirSync(layout.locks, { recursive: true });
    fs.mkdirSync(layout.sockets, { recursive: true });
    fs.writeFileSync(layout.lock(`container-${stale}`), '');
    fs.writeFileSync(path.join(layout.sockets, `${stale}.sock`), '');
    fs.writeFileSync(path.join(layout.sockets, `${kept.id}.sock`), '');
    const deadRemover = path.join(layout.containers, `.removing-${stale}-999999999-abcd`);
    const liveRemover = path.join(layout.containers, `.removing-${stale}-${process.pid}-abcd`);
    fs.mkdirSync(path.join(deadRemover, 'rootfs'), { recursive: true });
    fs.mkdirSync(liveRemover);
    await store.withContainerLock(a.id, () => store.remove(a.id));
    expect(fs.existsSync(layout.lock(`container-${stale}`))).toBe(false);
    expect(fs.readdirSync(layout.sockets)).toEqual([`${kept.id}.sock`]);
    expect(fs.existsSync(deadRemover)).toBe(false);
    expect(fs.existsSync(liveRemover)).toBe(true); // its rm is still at work
    expect(store.list().map((s) => s.name)).toEqual(['kept']);
  });

  test('reserve sweeps a bundle a killed create left without a state', async () => {
    const unborn = path.join(root, 'containers', randomBytes(32).toString('hex'));
    fs.mkdirSync(unborn, { recursive: true });
    fs.writeFileSync(path.join(unborn, 'config.json'), '{}');
    await store.reserve('next', (id, name) => state(id, name));
    expect(fs.existsSync(unborn)).toBe(false);
    expect(store.list().map((s) => s.name)).toEqual(['next']);
  });
});
