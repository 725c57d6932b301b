import type { ImageConfig } from '../../../../src/image/oci-types';
import { buildSpec, BuildSpecInput } from '../../../../src/runtime/spec/build-spec';
import { capabilitiesInMask } from '../../../../src/runtime/spec/capabilities';
import { DEFAULT_CAPABILITIES, DEFAULT_MASKED_PATHS } from '../../../../src/runtime/spec/defaults';
import { defaultRunOptions, RunOptions } from '../../../../src/runtime/spec/run-options';
import type { Device } from '../../../../src/runtime/spec/types';

const ID = 'f00dfeed1234'.padEnd(64, '0');
const BOUNDING = 0x1fffeffffffn; // no CAP_SYS_RESOURCE, like this sandbox
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const image: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: [] },
  config: {
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'LANG=C.UTF-8'],
    Cmd: ['/bin/sh'],
    WorkingDir: '/srv',
    Labels: { maintainer: 'x', tier: 'image' },
    StopSignal: 'SIGQUIT',
  },
};

function input(options: Partial<RunOptions> = {}, extra: Partial<BuildSpecInput> = {}): BuildSpecInput {
  return {
    id: ID,
    image,
    options: { ...defaultRunOptions(), ...options },
    rootfs: '/var/lib/berth/containers/x/rootfs',
    callerBoundingSet: BOUNDING,
    callerHardLimits: { nofile: 20000 },
    numCpus: 2,
    ...extra,
  };
}

const fakeLookup = (host: string, container: string): Device[] => {
  if (host === '/dev/fuse') return [{ path: container, type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }];
  if (host === '/dev/sda') return [{ path: container, type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 }];
  throw new Error(`unexpected device ${host}`);
};

describe('buildSpec: a plain `run IMAGE`', () => {
  const built = buildSpec(input());
  const { spec } = built;

  it('is an OCI 1.3.0 spec rooted at the rootfs, writable', () => {
    expect(spec.ociVersion).toBe('1.3.0');
    expect(spec.root).toEqual({ path: '/var/lib/berth/containers/x/rootfs', readonly: false });
  });
  it('runs the image CMD in the image WORKDIR, without a terminal', () => {
    expect(spec.process.args).toEqual(['/bin/sh']);
    expect(spec.process.cwd).toBe('/srv');
    expect(spec.process.terminal).toBe(false);
  });
  it('uses the first 12 characters of the ID as hostname', () => {
    expect(spec.hostname).toBe('f00dfeed1234');
  });
  it('builds the env as Docker: image PATH in first place, HOSTNAME, then the image env', () => {
    expect(spec.process.env).toEqual(['PATH=/usr/local/bin:/usr/bin:/bin', 'HOSTNAME=f00dfeed1234', 'LANG=C.UTF-8']);
  });
  it('leaves the user for later: root placeholders and the spec string', () => {
    expect(spec.process.user).toEqual({ uid: 0, gid: 0, additionalGids: [] });
    expect(built.userSpec).toBe('');
  });
  it('grants the 14 default capabilities as bounding, effective and permitted only', () => {
    expect(spec.process.capabilities).toEqual({
      bounding: [...DEFAULT_CAPABILITIES],
      effective: [...DEFAULT_CAPABILITIES],
      permitted: [...DEFAULT_CAPABILITIES],
      inheritable: [],
      ambient: [],
    });
  });
  it('sets no rlimits, no no-new-privileges, oom score 0', () => {
    expect(spec.process.rlimits).toEqual([]);
    expect(spec.process.noNewPrivileges).toBe(false);
    expect(spec.process.oomScoreAdj).toBe(0);
  });
  it('creates mount, network, uts, pid, ipc and cgroup namespaces', () => {
    expect(spec.linux.namespaces.map((n) => n.type)).toEqual(['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup']);
  });
  it('has Docker’s default mounts with a 64 MiB /dev/shm', () => {
    expect(spec.mounts.map((m) => m.destination)).toEqual([
      '/proc',
      '/dev',
      '/dev/pts',
      '/sys',
      '/sys/fs/cgroup',
      '/dev/mqueue',
      '/dev/shm',
    ]);
    expect(spec.mounts[6].options).toEqual(['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
  });
  it('masks and write-protects the usual /proc and /sys paths', () => {
    expect(spec.linux.maskedPaths).toEqual([...DEFAULT_MASKED_PATHS]);
    expect(spec.linux.readonlyPaths).toContain('/proc/sys');
  });
  it('allows only the default devices, creates none beyond the runtime’s defaults', () => {
    expect(spec.linux.devices).toEqual([]);
    expect(spec.linux.resources.devices[0]).toEqual({ allow: false, access: 'rwm' });
    expect(spec.linux.resources.devices).toHaveLength(8);
    expect(spec.linux.resources.memory).toBeUndefined();
    expect(spec.linux.resources.cpu).toBeUndefined();
    expect(spec.linux.resources.pids).toBeUndefined();
  });
  it('puts the cgroup under /berth/<id>', () => {
    expect(spec.linux.cgroupsPath).toBe(`/berth/${ID}`);
  });
  it('sets Docker’s network sysctls', () => {
    expect(spec.linux.sysctl).toEqual({
      'net.ipv4.ping_group_range': '0 2147483647',
      'net.ipv4.ip_unprivileged_port_start': '0',
    });
  });
  it('reports the container config: labels merged, stop signal from the image', () => {
    expect(built.labels).toEqual({ maintainer: 'x', tier: 'image' });
    expect(built.stopSignal).toBe('SIGQUIT');
    expect(built.cmd).toEqual(['/bin/sh']);
    expect(built.entrypoint).toEqual([]);
    expect(built.workingDir).toBe('/srv');
  });
});

describe('buildSpec: flags', () => {
  it('-it: terminal and TERM=xterm', () => {
    const { spec } = buildSpec(input({ tty: true, interactive: true }));
    expect(spec.process.terminal).toBe(true);
    expect(spec.process.env).toContain('TERM=xterm');
  });
  it('-e overrides the image env by key; user values come before the image’s', () => {
    const { spec, env } = buildSpec(input({ env: ['LANG=fr_FR.UTF-8', 'DEBUG=1'] }));
    expect(env).toEqual(['LANG=fr_FR.UTF-8', 'DEBUG=1', 'PATH=/usr/local/bin:/usr/bin:/bin']);
    expect(spec.process.env).toEqual([
      'PATH=/usr/local/bin:/usr/bin:/bin',
      'HOSTNAME=f00dfeed1234',
      'LANG=fr_FR.UTF-8',
      'DEBUG=1',
    ]);
  });
  it('adds the default PATH when the image has none', () => {
    const bare = { ...image, config: { Cmd: ['/app'] } };
    expect(buildSpec(input({}, { image: bare })).spec.process.env).toEqual([PATH, 'HOSTNAME=f00dfeed1234']);
  });
  it('-h, -w, -u and the command', () => {
    const built = buildSpec(input({ hostname: 'web', workdir: '/tmp/', user: 'app:app', cmd: ['echo', 'hi'] }));
    expect(built.spec.hostname).toBe('web');
    expect(built.spec.process.env).toContain('HOSTNAME=web');
    expect(built.spec.process.cwd).toBe('/tmp');
    expect(built.spec.process.args).toEqual(['echo', 'hi']);
    expect(built.userSpec).toBe('app:app');
  });
  it('takes the image USER when -u is absent', () => {
    const withUser = { ...image, config: { ...image.config, User: 'nobody' } };
    expect(buildSpec(input({}, { image: withUser })).userSpec).toBe('nobody');
    expect(buildSpec(input({ user: '0' }, { image: withUser })).userSpec).toBe('0');
  });
  it('refuses a relative working directory', () => {
    expect(() => buildSpec(input({ workdir: 'srv' }))).toThrow(
      "the working directory 'srv' is invalid, it needs to be an absolute path",
    );
  });
  it('refuses to run nothing', () => {
    expect(() => buildSpec(input({ entrypoint: '' }))).toThrow('no command specified');
  });
  it('--network host: no network namespace, no sysctls, the host’s name', () => {
    const { spec } = buildSpec(input({ network: 'host' }, { hostHostname: 'buildbox' }));
    expect(spec.linux.namespaces.map((n) => n.type)).not.toContain('network');
    expect(spec.linux.sysctl).toBeUndefined();
    expect(spec.hostname).toBe('buildbox');
  });
  it('--network none keeps a private network namespace', () => {
    expect(buildSpec(input({ network: 'none' })).spec.linux.namespaces.map((n) => n.type)).toContain('network');
  });
  it('cgroup v1 hosts get a private cgroup namespace too (--cgroupns=private), so /sys/fs/cgroup shows the container’s own cgroup', () => {
    expect(buildSpec(input({}, { cgroupVersion: 1 })).spec.linux.namespaces.map((n) => n.type)).toContain('cgroup');
  });
  it('--cap-add / --cap-drop', () => {
    const caps = buildSpec(input({ capAdd: ['net_admin'], capDrop: ['NET_RAW'] })).spec.process.capabilities;
    expect(caps.bounding).toContain('CAP_NET_ADMIN');
    expect(caps.bounding).not.toContain('CAP_NET_RAW');
    expect(caps.effective).toEqual(caps.bounding);
  });
  it('--security-opt no-new-privileges', () => {
    expect(buildSpec(input({ securityOpt: ['no-new-privileges'] })).spec.process.noNewPrivileges).toBe(true);
  });
  it('--security-opt systempaths=unconfined', () => {
    const { spec } = buildSpec(input({ securityOpt: ['systempaths=unconfined'] }));
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual([]);
  });
  it('--ulimit within the caller’s limit, and refused above it', () => {
    expect(buildSpec(input({ ulimits: ['nofile=1024:2048'] })).spec.process.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
    ]);
    expect(() => buildSpec(input({ ulimits: ['nofile=1048576'] }))).toThrow('set ulimit `nofile`');
  });
  it('--memory, --cpus, --pids-limit', () => {
    const { resources } = buildSpec(input({ memory: 64 * 1024 * 1024, nanoCpus: 500_000_000, pidsLimit: 50 })).spec.linux;
    expect(resources.memory).toEqual({ limit: 67108864, swap: 134217728 });
    expect(resources.cpu).toEqual({ period: 100000, quota: 50000 });
    expect(resources.pids).toEqual({ limit: 50 });
    expect(() => buildSpec(input({ nanoCpus: 4_000_000_000 }))).toThrow('as there are only 2 CPUs available');
  });
  it('--shm-size, --cgroup-parent, --oom-score-adj, annotations', () => {
    const { spec } = buildSpec(
      input({ shmSize: 1 << 20, cgroupParent: '/custom/', oomScoreAdj: 500, annotations: { 'org.example': 'y' } }),
    );
    expect(spec.mounts.find((m) => m.destination === '/dev/shm')?.options).toContain('size=1048576');
    expect(spec.linux.cgroupsPath).toBe(`/custom/${ID}`);
    expect(spec.process.oomScoreAdj).toBe(500);
    expect(spec.annotations).toEqual({ 'org.example': 'y' });
  });
  it('labels from the command line override the image’s; --stop-signal wins', () => {
    const built = buildSpec(input({ labels: { tier: 'web' }, stopSignal: 'SIGTERM' }));
    expect(built.labels).toEqual({ maintainer: 'x', tier: 'web' });
    expect(built.stopSignal).toBe('SIGTERM');
  });
});

describe('buildSpec: mounts', () => {
  const volumes: Partial<RunOptions> = {
    mounts: [
      { type: 'bind', source: '/srv/www/static', destination: '/usr/share/nginx/html/static', readonly: true, propagation: 'rprivate' },
      { type: 'volume', source: '/var/lib/berth/volumes/data/_data', destination: '/data', readonly: false },
      { type: 'bind', source: '/srv/www', destination: '/usr/share/nginx/html', readonly: false, propagation: 'rslave' },
      { type: 'bind', source: '/x', destination: '/x', readonly: false, nonRecursive: true },
      { type: 'tmpfs', source: '', destination: '/cache', readonly: false, options: ['noexec', 'size=1m'] },
    ],
    tmpfs: ['/run:rw,size=64m'],
  };

  it('appends user mounts after the defaults, parents first', () => {
    const { spec } = buildSpec(input(volumes));
    expect(spec.mounts.slice(7).map((m) => m.destination)).toEqual([
      '/data',
      '/x',
      '/cache',
      '/run',
      '/usr/share/nginx/html',
      '/usr/share/nginx/html/static',
    ]);
  });
  it('writes bind options as Docker: rbind, rro when read-only, propagation', () => {
    const { spec } = buildSpec(input(volumes));
    const byDest = new Map(spec.mounts.map((m) => [m.destination, m]));
    expect(byDest.get('/usr/share/nginx/html/static')).toEqual({
      destination: '/usr/share/nginx/html/static',
      type: 'bind',
      source: '/srv/www/static',
      options: ['rbind', 'rro', 'rprivate'],
    });
    expect(byDest.get('/usr/share/nginx/html')?.options).toEqual(['rbind', 'rslave']);
    expect(byDest.get('/data')?.options).toEqual(['rbind']);
    expect(byDest.get('/x')?.options).toEqual(['bind']);
    expect(byDest.get('/cache')).toEqual({ destination: '/cache', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'size=1m'] });
    expect(byDest.get('/run')?.options).toEqual(['noexec', 'nosuid', 'nodev', 'rprivate', 'rw', 'size=64m']);
  });
  it('lets a user mount replace a default one', () => {
    const { spec } = buildSpec(input({ tmpfs: ['/dev/shm:size=1g'] }));
    const shm = spec.mounts.filter((m) => m.destination === '/dev/shm');
    expect(shm).toHaveLength(1);
    expect(shm[0].options).toContain('size=1g');
  });
  it('drops every default under /dev when the user mounts /dev', () => {
    const { spec } = buildSpec(input({ mounts: [{ type: 'bind', source: '/dev', destination: '/dev', readonly: false }] }));
    expect(spec.mounts.map((m) => m.destination)).toEqual(['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
  });
  it('refuses two mounts on one path', () => {
    expect(() =>
      buildSpec(input({ mounts: [{ type: 'volume', source: '/v', destination: '/run', readonly: false }], tmpfs: ['/run'] })),
    ).toThrow('Duplicate mount point: /run');
  });
  it('binds the container’s /etc files unless the user mounted their own', () => {
    const etcFiles = { resolvConf: '/c/resolv.conf', hostname: '/c/hostname', hosts: '/c/hosts' };
    const { spec } = buildSpec(
      input({ mounts: [{ type: 'bind', source: '/mine', destination: '/etc/hosts', readonly: true }] }, { etcFiles }),
    );
    const etc = spec.mounts.filter((m) => m.destination.startsWith('/etc/'));
    expect(etc.map((m) => `${m.destination}<-${m.source}`)).toEqual([
      '/etc/hosts<-/mine',
      '/etc/resolv.conf<-/c/resolv.conf',
      '/etc/hostname<-/c/hostname',
    ]);
    expect(etc[1].options).toEqual(['rbind', 'rprivate']);
  });
  it('--read-only: read-only root, ro on non-/dev defaults and /etc files, writable tmpfs mounts', () => {
    const { spec } = buildSpec(input({ readOnly: true, tmpfs: ['/tmp'] }, { etcFiles: { hosts: '/c/hosts' } }));
    expect(spec.root.readonly).toBe(true);
    const opts = new Map(spec.mounts.map((m) => [m.destination, m.options]));
    expect(opts.get('/proc')).not.toContain('ro');
    expect(opts.get('/dev')).not.toContain('ro');
    expect(opts.get('/dev/shm')).not.toContain('ro');
    expect(opts.get('/sys')?.filter((o) => o === 'ro')).toHaveLength(1);
    expect(opts.get('/etc/hosts')).toEqual(['rbind', 'rro', 'rprivate']);
    expect(opts.get('/tmp')).not.toContain('ro');
  });
  it('--init runs the init binary in front of the command, bound read-only', () => {
    const { spec } = buildSpec(input({ init: true, cmd: ['sleep', '1'] }, { initBinary: '/usr/libexec/berth/init' }));
    expect(spec.process.args).toEqual(['/sbin/docker-init', '--', 'sleep', '1']);
    expect(spec.mounts).toContainEqual({
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/libexec/berth/init',
      options: ['bind', 'ro'],
    });
    expect(() => buildSpec(input({ init: true }))).toThrow('no init binary is available');
  });
});

describe('buildSpec: devices and --privileged', () => {
  it('--device adds the node and a cgroup rule with its permissions', () => {
    const { spec } = buildSpec(input({ devices: ['/dev/fuse', '/dev/sda:/dev/xvda:r'] }, { lookupDevice: fakeLookup }));
    expect(spec.linux.devices).toEqual([
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 },
      { path: '/dev/xvda', type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
    ]);
    expect(spec.linux.resources.devices.slice(-2)).toEqual([
      { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' },
      { allow: true, type: 'b', major: 8, minor: 0, access: 'r' },
    ]);
  });
  it('--device looks real host nodes up by default', () => {
    const { spec } = buildSpec(input({ devices: ['/dev/null:/dev/mynull'] }));
    expect(spec.linux.devices[0]).toMatchObject({ path: '/dev/mynull', type: 'c', major: 1, minor: 3 });
  });
  it('--privileged: every capability held, no masks, rw /sys and cgroup, all devices allowed', () => {
    const hostDevices: Device[] = [{ path: '/dev/kmsg', type: 'c', major: 1, minor: 11, fileMode: 0o644, uid: 0, gid: 0 }];
    const { spec } = buildSpec(
      input({ privileged: true, devices: ['/dev/fuse', '/dev/sda:/dev/xvda'] }, { hostDevices, lookupDevice: fakeLookup }),
    );
    expect(spec.process.capabilities.bounding).toEqual(capabilitiesInMask(BOUNDING));
    expect(spec.process.capabilities.bounding).not.toContain('CAP_SYS_RESOURCE');
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual([]);
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toEqual(['nosuid', 'noexec', 'nodev']);
    expect(spec.mounts.find((m) => m.destination === '/sys/fs/cgroup')?.options).toEqual(['nosuid', 'noexec', 'nodev']);
    expect(spec.linux.resources.devices[spec.linux.resources.devices.length - 1]).toEqual({ allow: true, access: 'rwm' });
    // Host devices, plus only the renamed --device (the same-path one is already there).
    expect(spec.linux.devices.map((d) => d.path)).toEqual(['/dev/kmsg', '/dev/xvda']);
  });
  it('--privileged keeps --cap-drop out of the picture, as Docker does', () => {
    const { spec } = buildSpec(input({ privileged: true, capDrop: ['ALL'] }));
    expect(spec.process.capabilities.bounding).toHaveLength(40);
  });
});

describe('buildSpec --network / --ipc modes', () => {
  const namespaces = (options: Partial<RunOptions>) => buildSpec(input(options)).spec.linux.namespaces;
  const OTHER = 'ab'.repeat(32);

  it('container:<id> becomes a namespace path for start to resolve, without the network sysctls', () => {
    const built = buildSpec(input({ network: `container:${OTHER}`, ipc: `container:${OTHER}` })).spec;
    expect(built.linux.namespaces).toContainEqual({ type: 'network', path: `container:${OTHER}` });
    expect(built.linux.namespaces).toContainEqual({ type: 'ipc', path: `container:${OTHER}` });
    expect(built.linux.sysctl).toBeUndefined();
  });

  it('--ipc host drops the IPC namespace and binds the host /dev/shm; private and shareable keep their own', () => {
    const built = buildSpec(input({ ipc: 'host' })).spec;
    expect(built.linux.namespaces.map((n) => n.type)).not.toContain('ipc');
    expect(built.mounts.filter((m) => m.destination === '/dev/shm')).toEqual([
      { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] },
    ]);
    expect(namespaces({ ipc: 'shareable' })).toContainEqual({ type: 'ipc' });
    expect(namespaces({})).toContainEqual({ type: 'ipc' });
  });
});
