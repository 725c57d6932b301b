// `update` end to end on fake cgroupfs trees (v1 and v2): a real ContainerStore in a temp data root, a
// "running" container whose pid is this test process, so the live path writes the cgroup files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataRoot } from '../../../../src/config/layout';
import { ContainerStore } from '../../../../src/runtime/container-store';
import { ContainerState, processStartTime } from '../../../../src/runtime/state';
import { serializeSpec, Spec } from '../../../../src/runtime/spec/types';
import { updateContainer, validateUpdateRequest } from '../../../../src/api/containers/update';
import { V2CgroupManager } from '../../../../src/cgroups/v2/manager';
import { V1CgroupManager } from '../../../../src/cgroups/v1/manager';
import type { CgroupManager } from '../../../../src/cgroups/manager';
import { tempDir } from '../../helpers/tmp';
import { fakeV1Tree, populateV1, populateV2, read } from '../../cgroups/fake-cgroupfs';

const ID = 'a'.repeat(64);
const MiB = 1024 * 1024;
let dir: string;
let store: ContainerStore;
let bundle: string;

function writeContainer(status: 'running' | 'created', resources: Spec['linux']['resources'], autoRemove = false): void {
  bundle = path.join(dir, 'root/containers', ID);
  fs.mkdirSync(bundle, { recursive: true });
  const spec = { ociVersion: '1.0.2', linux: { resources, cgroupsPath: `/berth/${ID}` } } as unknown as Spec;
  fs.writeFileSync(path.join(bundle, 'config.json'), serializeSpec(spec));
  const state = {
    ociVersion: '1.0.2', id: ID, status, bundle, name: 'web', image: 'busybox', imageId: 'sha256:x', command: ['sh'],
    created: new Date().toISOString(), labels: {}, autoRemove, restartCount: 0,
    ...(status === 'running' ? { pid: process.pid, pidStartTime: processStartTime(process.pid) } : {}),
    hostConfig: { networkMode: 'none', privileged: false, readonlyRootfs: false, tty: false, interactive: false, init: false,
      restartPolicy: { name: 'no', maximumRetryCount: 0 }, portBindings: {}, binds: [], anonymousVolumes: [] },
  } as ContainerState;
  store.save(state);
}

const specOnDisk = (): Spec => JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as Spec;

beforeEach(() => {
  dir = tempDir('berth-update-');
  store = new ContainerStore(new DataRoot(path.join(dir, 'root')));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('update on cgroup v2', () => {
  let cgroup: V2CgroupManager;
  const file = (name: string): string => path.join(dir, 'cg', 'berth', ID, name);
  beforeEach(() => {
    populateV2(path.join(dir, 'cg'), ['cpuset', 'cpu', 'memory', 'pids'], true);
    populateV2(path.join(dir, 'cg/berth'), ['cpuset', 'cpu', 'memory', 'pids']);
    populateV2(path.join(dir, 'cg/berth', ID), ['cpuset', 'cpu', 'memory', 'pids']);
    cgroup = new V2CgroupManager(path.join(dir, 'cg'), `/berth/${ID}`);
  });
  const deps = (): { store: ContainerStore; cgroupOf: () => CgroupManager } => ({ store, cgroupOf: () => cgroup });

  test('raises then lowers memory and pids of a running container: files and config.json follow', async () => {
    writeContainer('running', { devices: [], memory: { limit: 64 * MiB, swap: 128 * MiB }, pids: { limit: 10 } });
    await updateContainer(deps(), 'web', { memory: 100 * MiB, pidsLimit: 50 });
    expect(read(file('memory.max'))).toBe(String(100 * MiB));
    expect(read(file('memory.swap.max'))).toBe(String(28 * MiB)); // swap alone: 128m - 100m
    expect(read(file('pids.max'))).toBe('50');
    await updateContainer(deps(), 'web', { memory: 32 * MiB, pidsLimit: -1 });
    expect(read(file('memory.max'))).toBe(String(32 * MiB));
    expect(read(file('pids.max'))).toBe('max');
    expect(specOnDisk().linux.resources).toEqual({ devices: [], memory: { limit: 32 * MiB, swap: 128 * MiB }, pids: { limit: -1 } });
  });

  test('--cpus and --cpu-shares write cpu.max and cpu.weight only; untouched files keep their values', async () => {
    writeContainer('running', { devices: [] });
    await updateContainer(deps(), ID.slice(0, 12), { nanoCpus: 1_500_000_000, cpuShares: 512 });
    expect(read(file('cpu.max'))).toBe('150000 100000');
    expect(read(file('cpu.weight'))).toBe('20');
    expect(read(file('memory.max'))).toBe('max');
    expect(read(file('pids.max'))).toBe('max');
  });

  test('a created container only has the limits recorded', async () => {
    writeContainer('created', { devices: [] });
    await updateContainer(deps(), 'web', { memory: 64 * MiB, memorySwap: -1, restart: 'on-failure:3' });
    expect(read(file('memory.max'))).toBe('max');
    expect(specOnDisk().linux.resources.memory).toEqual({ limit: 64 * MiB, swap: -1 });
    expect(store.get('web').hostConfig.restartPolicy).toEqual({ name: 'on-failure', maximumRetryCount: 3 });
  });

  test("Docker's refusals: memory above the set swap, swap below memory, a restart policy with --rm", async () => {
    writeContainer('running', { devices: [], memory: { limit: 64 * MiB, swap: 128 * MiB } }, true);
    await expect(updateContainer(deps(), 'web', { memory: 200 * MiB })).rejects.toThrow(
      `Cannot update container ${ID}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time`,
    );
    await expect(updateContainer(deps(), 'web', { memorySwap: 32 * MiB })).rejects.toThrow(
      'Minimum memoryswap limit should be larger than memory limit, see usage',
    );
    await expect(updateContainer(deps(), 'web', { restart: 'always' })).rejects.toThrow(
      'Restart policy cannot be updated because AutoRemove is enabled for the container',
    );
    expect(read(file('memory.max'))).toBe('max'); // nothing written by a refused update
    expect(specOnDisk().linux.resources.memory).toEqual({ limit: 64 * MiB, swap: 128 * MiB });
  });
});

describe('update on cgroup v1', () => {
  test('raises memory with memsw, sets pids, then lowers both: each file holds the new value', async () => {
    const mounts = fakeV1Tree(path.join(dir, 'cg'), [['memory'], ['pids']]);
    populateV1(path.join(mounts.memory, 'berth', ID), ['memory'], { 'memory.limit_in_bytes': String(64 * MiB), 'memory.memsw.limit_in_bytes': String(128 * MiB) });
    populateV1(path.join(mounts.pids, 'berth', ID), ['pids']);
    const real = new V1CgroupManager(mounts, `/berth/${ID}`);
    writeContainer('running', { devices: [], memory: { limit: 64 * MiB, swap: 128 * MiB } });
    await updateContainer({ store, cgroupOf: () => real }, 'web', { memory: 256 * MiB, memorySwap: 512 * MiB, pidsLimit: 7 });
    expect(read(path.join(mounts.memory, 'berth', ID, 'memory.limit_in_bytes'))).toBe(String(256 * MiB));
    expect(read(path.join(mounts.memory, 'berth', ID, 'memory.memsw.limit_in_bytes'))).toBe(String(512 * MiB));
    expect(read(path.join(mounts.pids, 'berth', ID, 'pids.max'))).toBe('7');
    await updateContainer({ store, cgroupOf: () => real }, 'web', { memory: 16 * MiB, memorySwap: 32 * MiB });
    expect(read(path.join(mounts.memory, 'berth', ID, 'memory.limit_in_bytes'))).toBe(String(16 * MiB));
    expect(read(path.join(mounts.memory, 'berth', ID, 'memory.memsw.limit_in_bytes'))).toBe(String(32 * MiB));
  });
});

describe('validateUpdateRequest', () => {
  test('no flags, memory below 6 MB, bad restart policy: exit code 1', () => {
    const code = (fn: () => void): unknown => {
      try {
        fn();
      } catch (err) {
        return [(err as Error).message, (err as { exitCode: number }).exitCode];
      }
      return undefined;
    };
    expect(code(() => validateUpdateRequest({}))).toEqual(['you must provide one or more flags when using this command', 1]);
    expect(code(() => validateUpdateRequest({ memory: 5 * MiB }))).toEqual(['Minimum memory limit allowed is 6MB', 1]);
    expect(code(() => validateUpdateRequest({ restart: 'sometimes' }))).toEqual([
      "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
      1,
    ]);
    expect(code(() => validateUpdateRequest({ pidsLimit: 5 }))).toBeUndefined();
  });
});
