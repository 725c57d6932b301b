import { bundlePaths, cgroupMountOf, initPlanOf, namespacesToJoin, namespacesToUnshare, rootfsSetupOf } from '../../../src/runtime/spec-to-init';
import type { CgroupLayout } from '../../../src/cgroups/detect';
import { DEFAULT_DEVICES, defaultMounts } from '../../../src/runtime/spec/defaults';
import { RLIM_UNLIMITED, Spec } from '../../../src/runtime/spec/types';
import { minimalSpec } from './spec/minimal-spec';

const PATHS = bundlePaths('/data/containers/c1');

function specWith(change: (spec: Spec) => void): Spec {
  const spec = minimalSpec();
  change(spec);
  return spec;
}

const ALL_NAMESPACES: Spec['linux']['namespaces'] = [
  { type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' },
];

describe('bundlePaths', () => {
  it('puts rootfs, upper, work and the init layer inside the bundle', () => {
    expect(PATHS).toEqual({
      bundle: '/data/containers/c1',
      rootfs: '/data/containers/c1/rootfs',
      upper: '/data/containers/c1/upper',
      work: '/data/containers/c1/work',
      init: '/data/containers/c1/init',
    });
  });
});

describe('namespacesToUnshare', () => {
  it('maps OCI types to /proc/<pid>/ns names and leaves cgroup to berth-init', () => {
    const spec = specWith((s) => (s.linux.namespaces = ALL_NAMESPACES));
    expect(namespacesToUnshare(spec)).toEqual(['pid', 'net', 'ipc', 'uts', 'mnt']);
  });

  it('skips namespaces joined by path (--network host leaves no network entry; a path is joined, not unshared)', () => {
    const spec = specWith((s) => (s.linux.namespaces = [{ type: 'pid' }, { type: 'network', path: '/proc/1/ns/net' }, { type: 'mount' }]));
    expect(namespacesToUnshare(spec)).toEqual(['pid', 'mnt']);
  });

  it('never unshares a user or time namespace', () => {
    const spec = specWith((s) => (s.linux.namespaces = [{ type: 'user' }, { type: 'time' }, { type: 'mount' }]));
    expect(namespacesToUnshare(spec)).toEqual(['mnt']);
  });
});

describe('rootfsSetupOf', () => {
  it('stacks the overlay from the bundle paths and the given lower dirs', () => {
    const setup = rootfsSetupOf(specWith((s) => (s.mounts = defaultMounts())), PATHS, ['/l/2', '/l/1']);
    expect(setup).toMatchObject({
      rootfs: PATHS.rootfs,
      upperDir: PATHS.upper,
      workDir: PATHS.work,
      lowerDirs: ['/l/2', '/l/1'],
      hostname: 'h',
      sysctl: {},
    });
    expect(setup.mounts).toEqual(defaultMounts());
  });

  it('creates the default devices plus the spec ones, the spec winning on the same path', () => {
    const spec = specWith((s) => {
      s.linux.devices = [
        { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o600, uid: 0, gid: 0 },
        { path: '/dev/sda', type: 'b', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 },
      ];
    });
    const devices = rootfsSetupOf(spec, PATHS, []).devices;
    expect(devices.map((d) => d.path)).toEqual(['/dev/random', '/dev/full', '/dev/tty', '/dev/zero', '/dev/urandom', '/dev/null', '/dev/sda']);
    expect(devices.find((d) => d.path === '/dev/null')!.fileMode).toBe(0o600);
    expect(rootfsSetupOf(minimalSpec(), PATHS, []).devices).toEqual(DEFAULT_DEVICES);
  });

  it('sets the hostname and brings loopback up only in namespaces of its own', () => {
    const own = rootfsSetupOf(specWith((s) => (s.linux.namespaces = ALL_NAMESPACES)), PATHS, []);
    expect([own.setHostname, own.loopback]).toEqual([true, true]);
    const host = rootfsSetupOf(specWith((s) => (s.linux.namespaces = [{ type: 'pid' }, { type: 'mount' }])), PATHS, []);
    expect([host.setHostname, host.loopback]).toEqual([false, false]);
  });

  it('passes the spec sysctls through', () => {
    const setup = rootfsSetupOf(specWith((s) => {
      s.linux.namespaces = [{ type: 'network' }];
      s.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
    }), PATHS, []);
    expect(setup.sysctl).toEqual({ 'net.ipv4.ip_forward': '1' });
  });

  it('leaves the sysctls of a network or IPC namespace it joins (or shares with the host) to their owner', () => {
    const sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000', 'fs.mqueue.msg_max': '20', 'kernel.domainname': 'x' };
    const joined = rootfsSetupOf(specWith((s) => {
      s.linux.namespaces = [{ type: 'network', path: '/proc/9/ns/net' }, { type: 'ipc', path: '/proc/9/ns/ipc' }, { type: 'uts' }];
      s.linux.sysctl = sysctl;
    }), PATHS, []);
    expect(joined.sysctl).toEqual({ 'kernel.domainname': 'x' });
    expect(joined.loopback).toBe(false);
    const own = rootfsSetupOf(specWith((s) => {
      s.linux.namespaces = [{ type: 'network' }, { type: 'ipc' }];
      s.linux.sysctl = sysctl;
    }), PATHS, []);
    expect(own.sysctl).toEqual(sysctl);
  });
});

describe('initPlanOf', () => {
  const spec = specWith((s) => {
    s.process.args = ['sh', '-c', 'echo hi'];
    s.process.env = ['PATH=/bin', 'A=1'];
    s.process.cwd = '/tmp';
    s.process.user = { uid: 65534, gid: 65534, additionalGids: [1, 2] };
    s.process.noNewPrivileges = true;
    s.process.capabilities = {
      bounding: ['CAP_CHOWN', 'CAP_KILL'],
      effective: ['CAP_KILL'],
      permitted: ['CAP_CHOWN', 'CAP_KILL'],
      inheritable: [],
      ambient: [],
    };
    s.process.rlimits = [
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
      { type: 'RLIMIT_CORE', soft: RLIM_UNLIMITED, hard: RLIM_UNLIMITED },
    ];
    s.mounts = defaultMounts();
    s.linux.namespaces = ALL_NAMESPACES;
    s.linux.maskedPaths = ['/proc/kcore'];
    s.linux.readonlyPaths = ['/proc/sys'];
    s.root.readonly = true;
  });

  it('carries the process, capabilities as bitmasks, and rlimits with unlimited as Infinity', () => {
    const plan = initPlanOf(spec, PATHS, { parentDeath: false });
    expect(plan).toMatchObject({
      rootfs: PATHS.rootfs,
      cwd: '/tmp',
      args: ['sh', '-c', 'echo hi'],
      env: ['PATH=/bin', 'A=1'],
      uid: 65534,
      gid: 65534,
      groups: [1, 2],
      noNewPrivileges: true,
      maskedPaths: ['/proc/kcore'],
      readonlyPaths: ['/proc/sys'],
      readonlyRootfs: true,
    });
    expect(plan.capabilities).toEqual({ bounding: 0b100001n, effective: 0b100000n, permitted: 0b100001n, inheritable: 0n, ambient: 0n });
    expect(plan.rlimits).toEqual([
      { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 },
      { type: 'RLIMIT_CORE', soft: Infinity, hard: Infinity },
    ]);
  });

  it('mounts proc and unshares the cgroup namespace when the spec has them', () => {
    const plan = initPlanOf(spec, PATHS, { parentDeath: false });
    expect([plan.mountProc, plan.cgroupNamespace]).toEqual([true, true]);
    const bare = initPlanOf(specWith((s) => (s.linux.namespaces = [{ type: 'cgroup', path: '/proc/1/ns/cgroup' }])), PATHS, { parentDeath: false });
    expect([bare.mountProc, bare.cgroupNamespace]).toEqual([false, false]);
  });

  it('asks for SIGKILL on parent death only for foreground runs, and passes trace on', () => {
    expect(initPlanOf(spec, PATHS, { parentDeath: true }).parentDeathSignal).toBe(9);
    expect(initPlanOf(spec, PATHS, { parentDeath: false }).parentDeathSignal).toBeUndefined();
    expect(initPlanOf(spec, PATHS, { parentDeath: false, trace: true }).trace).toBe(true);
  });
});

describe('namespacesToJoin', () => {
  it('gives the pathed network, ipc and uts namespaces with their /proc names', () => {
    const spec = specWith((s) => (s.linux.namespaces = [
      { type: 'mount' }, { type: 'network', path: '/proc/7/ns/net' }, { type: 'ipc', path: '/run/ns/ipc' }, { type: 'uts', path: '/proc/7/ns/uts' },
    ]));
    expect(namespacesToJoin(spec)).toEqual([
      { kind: 'net', path: '/proc/7/ns/net' }, { kind: 'ipc', path: '/run/ns/ipc' }, { kind: 'uts', path: '/proc/7/ns/uts' },
    ]);
    expect(namespacesToUnshare(spec)).toEqual(['mnt']);
  });

  it('refuses namespaces it cannot join and container: paths left unresolved', () => {
    expect(() => namespacesToJoin(specWith((s) => (s.linux.namespaces = [{ type: 'pid', path: '/proc/7/ns/pid' }])))).toThrow(
      'join the `pid` namespace at `/proc/7/ns/pid`: berth can join only network, ipc and uts namespaces',
    );
    expect(() => namespacesToJoin(specWith((s) => (s.linux.namespaces = [{ type: 'network', path: 'container:abc' }])))).toThrow(/not an absolute path/);
  });
});

describe('cgroupMountOf', () => {
  const cgroupMount = { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] };
  const withCgroup = (change: (s: Spec) => void = () => undefined): Spec => specWith((s) => {
    s.mounts = [cgroupMount];
    s.linux.namespaces = [{ type: 'cgroup' }];
    change(s);
  });
  const v1: CgroupLayout = {
    version: 1,
    mounts: {
      cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', memory: '/sys/fs/cgroup/memory',
      net_cls: '/sys/fs/cgroup/net_cls,net_prio', net_prio: '/sys/fs/cgroup/net_cls,net_prio', 'name=systemd': '/sys/fs/cgroup/systemd',
    },
    unified: '/sys/fs/cgroup/unified',
  };

  it('v1: one mount per hierarchy named as on the host, and a link per co-mounted controller', () => {
    expect(cgroupMountOf(withCgroup(), () => v1)).toEqual({
      destination: '/sys/fs/cgroup',
      readonly: true,
      hierarchies: [
        { directory: 'cpu,cpuacct', options: 'cpu,cpuacct' },
        { directory: 'memory', options: 'memory' },
        { directory: 'net_cls,net_prio', options: 'net_cls,net_prio' },
        { directory: 'systemd', options: 'name=systemd' },
      ],
      links: [
        { name: 'cpu', target: 'cpu,cpuacct' }, { name: 'cpuacct', target: 'cpu,cpuacct' },
        { name: 'net_cls', target: 'net_cls,net_prio' }, { name: 'net_prio', target: 'net_cls,net_prio' },
      ],
    });
  });

  it('v2: one cgroup2 mount; --privileged (no ro): writable', () => {
    const v2: CgroupLayout = { version: 2, mounts: {}, unified: '/sys/fs/cgroup' };
    expect(cgroupMountOf(withCgroup((s) => (s.mounts[0].options = ['nosuid'])), () => v2)).toEqual({
      destination: '/sys/fs/cgroup', readonly: false, hierarchies: [], links: [],
    });
  });

  it('nothing without a private cgroup namespace or without the mount; initPlanOf carries it', () => {
    const layout = (): CgroupLayout => {
      throw new Error('not needed');
    };
    expect(cgroupMountOf(withCgroup((s) => (s.linux.namespaces = [])), layout)).toBeUndefined();
    expect(cgroupMountOf(withCgroup((s) => (s.mounts = [])), layout)).toBeUndefined();
    expect(initPlanOf(withCgroup(), PATHS, { parentDeath: false, cgroupLayout: v1 }).cgroupMount?.hierarchies).toHaveLength(4);
  });
});
