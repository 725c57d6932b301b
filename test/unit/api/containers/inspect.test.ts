import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectContainer } from '../../../../src/api/containers/inspect';
import type { ContainerState } from '../../../../src/runtime/state';

let bundle: string;
beforeEach(() => {
  bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-inspect-'));
  const spec = {
    ociVersion: '1.3.0',
    hostname: 'c0ffee000000',
    process: { env: ['PATH=/usr/bin:/bin', 'HOSTNAME=c0ffee000000', 'A=1'], cwd: '/', rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 }], oomScoreAdj: 0 },
    mounts: [{ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['size=33554432'] }],
    annotations: { 'berth.user': '' },
    linux: {
      resources: { devices: [], memory: { limit: 67108864, swap: 134217728 }, cpu: { shares: 512, quota: 50000, period: 100000 }, pids: { limit: 50 } },
      maskedPaths: ['/proc/kcore'],
      readonlyPaths: ['/proc/sys'],
    },
  };
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
});
afterEach(() => fs.rmSync(bundle, { recursive: true, force: true }));

function state(overrides: Partial<ContainerState> = {}): ContainerState {
  return {
    ociVersion: '1.3.0',
    id: 'c0ffee'.padEnd(64, '0'),
    status: 'created',
    bundle,
    name: 'box',
    image: 'busybox',
    imageId: `sha256:${'a'.repeat(64)}`,
    command: ['sh'],
    config: { User: '', Env: ['A=1', 'PATH=/usr/bin:/bin'], Entrypoint: null, Cmd: ['sh'], WorkingDir: '', Labels: {} },
    created: '2026-01-01T00:00:00.000Z',
    labels: {},
    autoRemove: false,
    restartCount: 0,
    hostConfig: {
      networkMode: 'none', privileged: false, readonlyRootfs: false, tty: false, interactive: false, init: false,
      restartPolicy: { name: 'no', maximumRetryCount: 0 }, portBindings: {}, binds: [], anonymousVolumes: [],
      capAdd: ['CAP_NET_ADMIN'], mounts: [], attach: { stdin: false, stdout: true, stderr: true },
    },
    ...overrides,
  } as ContainerState;
}

const sources = { imageConfig: () => undefined, imageLowerDirs: () => ['/root/layers/x/diff'], volumeSource: () => '' };

describe("inspectContainer (regression: 10 of Docker's 23 top-level keys, 12 of HostConfig's 65)", () => {
  it("has every top-level key of dockerd 20.10, in its order", () => {
    expect(Object.keys(inspectContainer(state(), sources))).toEqual([
      'Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath', 'Name',
      'RestartCount', 'Driver', 'Platform', 'MountLabel', 'ProcessLabel', 'AppArmorProfile', 'ExecIDs', 'HostConfig',
      'GraphDriver', 'Mounts', 'Config', 'NetworkSettings',
    ]);
  });

  it("has HostConfig's 65 keys, with the limits of the spec and the flags create recorded", () => {
    const host = inspectContainer(state(), sources).HostConfig;
    expect(Object.keys(host)).toHaveLength(65);
    expect(host).toMatchObject({
      Memory: 67108864, MemorySwap: 134217728, CpuShares: 512, NanoCpus: 500000000, CpuQuota: 0, CpuPeriod: 0, PidsLimit: 50,
      ShmSize: 33554432, CapAdd: ['CAP_NET_ADMIN'], CapDrop: null, Binds: null, Ulimits: [{ Name: 'nofile', Hard: 2048, Soft: 1024 }],
      MaskedPaths: ['/proc/kcore'], ReadonlyPaths: ['/proc/sys'], LogConfig: { Type: 'json-file', Config: {} }, IpcMode: 'private',
    });
    expect('Init' in host).toBe(false);
    expect(inspectContainer(state({ hostConfig: { ...state().hostConfig, init: true } }), sources).HostConfig.Init).toBe(true);
  });

  it("gives Docker's Config: the recorded one, no HOSTNAME, Docker's WorkingDir, in Docker's key order", () => {
    const config = inspectContainer(state(), sources).Config;
    expect(config.Env).toEqual(['A=1', 'PATH=/usr/bin:/bin']);
    expect(config.WorkingDir).toBe('');
    expect(config.Hostname).toBe('c0ffee000000');
    expect(Object.keys(config)).toEqual([
      'Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Env',
      'Cmd', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels',
    ]);
  });

  it('fills the paths of the files made at start only once started, as dockerd does', () => {
    expect(inspectContainer(state(), sources).LogPath).toBe('');
    const started = inspectContainer(state({ startedAt: '2026-01-01T00:00:01.000Z', status: 'stopped' }), sources);
    expect(started.LogPath).toBe(path.join(bundle, `${'c0ffee'.padEnd(64, '0')}-json.log`));
    expect(started.HostsPath).toBe(`${bundle}/hosts`);
  });

  it('stacks the init layer over the image in GraphDriver, and names the network mode', () => {
    fs.mkdirSync(path.join(bundle, 'init'));
    const doc = inspectContainer(state(), sources);
    expect(doc.GraphDriver).toEqual({
      Data: { LowerDir: `${bundle}/init:/root/layers/x/diff`, MergedDir: `${bundle}/rootfs`, UpperDir: `${bundle}/upper`, WorkDir: `${bundle}/work` },
      Name: 'overlay2',
    });
    expect(Object.keys(doc.NetworkSettings.Networks as object)).toEqual(['none']);
    expect((doc.NetworkSettings as Record<string, unknown>).IPAddress).toBe('');
  });
});
