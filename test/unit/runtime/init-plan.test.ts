import {
  CAPABILITIES, GO_BYTE, capabilityMask, capabilityNames, encodeInitPlan, parseInitError, type InitPlan,
} from '../../../src/runtime/init-plan';
import { UsageError } from '../../../src/errors/kinds';

// Docker's default capability set.
const DOCKER_DEFAULT = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

function basePlan(overrides: Partial<InitPlan> = {}): InitPlan {
  return {
    rootfs: '/var/lib/berth/containers/abc/rootfs',
    cwd: '/',
    args: ['sh'],
    env: [],
    uid: 0,
    gid: 0,
    groups: [],
    noNewPrivileges: false,
    capabilities: { bounding: 0n, effective: 0n, permitted: 0n, inheritable: 0n, ambient: 0n },
    rlimits: [],
    maskedPaths: [],
    readonlyPaths: [],
    mountProc: false,
    cgroupNamespace: false,
    readonlyRootfs: false,
    ...overrides,
  };
}

/** Splits the encoding into records, checking that it is NUL-terminated throughout. */
function records(buffer: Buffer): string[] {
  const text = buffer.toString('utf8');
  expect(text.endsWith('\0')).toBe(true);
  return text.slice(0, -1).split('\0');
}

describe('encodeInitPlan', () => {
  test('writes every record in the documented order, ending with end=1 and no go byte', () => {
    const caps = capabilityMask(DOCKER_DEFAULT);
    const plan = basePlan({
      cwd: '/work',
      args: ['sh', '-c', 'echo hi'],
      env: ['PATH=/bin', 'HOME=/root'],
      uid: 1000,
      gid: 100,
      groups: [10, 20],
      noNewPrivileges: true,
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: 1n << 10n, ambient: 1n << 10n },
      rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }, { type: 'RLIMIT_CORE', soft: Infinity, hard: Infinity }],
      maskedPaths: ['/proc/kcore', '/proc/acpi'],
      readonlyPaths: ['/proc/sys'],
      mountProc: true,
      cgroupNamespace: true,
      parentDeathSignal: 9,
      readonlyRootfs: true,
      trace: true,
    });
    expect(records(encodeInitPlan(plan))).toEqual([
      'rootfs=/var/lib/berth/containers/abc/rootfs',
      'cwd=/work',
      'arg=sh', 'arg=-c', 'arg=echo hi',
      'env=PATH=/bin', 'env=HOME=/root',
      'uid=1000', 'gid=100', 'group=10', 'group=20',
      'nonewprivs=1',
      'cap.bounding=a80425fb', 'cap.effective=a80425fb', 'cap.permitted=a80425fb', 'cap.inheritable=400', 'cap.ambient=400',
      'rlimit=NOFILE:1024:4096', 'rlimit=CORE:unlimited:unlimited',
      'mask=/proc/kcore', 'mask=/proc/acpi',
      'readonly=/proc/sys',
      'proc=1', 'cgroupns=1', 'pdeathsig=9', 'rootfs.readonly=1', 'trace=1',
      'end=1',
    ]);
    expect(encodeInitPlan(plan).includes(GO_BYTE.toString() + '\0')).toBe(false);
    expect(GO_BYTE).toEqual(Buffer.from('g'));
  });

  test('leaves out flags that are off', () => {
    expect(records(encodeInitPlan(basePlan()))).toEqual([
      'rootfs=/var/lib/berth/containers/abc/rootfs', 'cwd=/', 'arg=sh', 'uid=0', 'gid=0',
      'cap.bounding=0', 'cap.effective=0', 'cap.permitted=0', 'cap.inheritable=0', 'cap.ambient=0', 'end=1',
    ]);
  });

  test('exec mode sends no rootfs, and exec, the setns records and detach after the other records', () => {
    expect(records(encodeInitPlan(basePlan({ execNamespaces: { mnt: 5, cgroup: 9, pid: 6, net: 7 }, detach: true, tty: true })))).toEqual([
      'cwd=/', 'arg=sh', 'uid=0', 'gid=0',
      'cap.bounding=0', 'cap.effective=0', 'cap.permitted=0', 'cap.inheritable=0', 'cap.ambient=0',
      'tty=1', 'exec=1', 'setns.pid=6', 'setns.net=7', 'setns.cgroup=9', 'setns.mnt=5', 'detach=1', 'end=1',
    ]);
  });

  test('keeps values with `=`, newlines, tabs and non-ASCII bytes intact', () => {
    const args = ['sh', '-c', 'a=b\necho "x\ty"', 'héllo'];
    const env = ['A=b=c', 'MULTI=line1\nline2', 'EMPTY='];
    const encoded = encodeInitPlan(basePlan({ args, env }));
    const decoded = records(encoded);
    expect(decoded.filter((r) => r.startsWith('arg=')).map((r) => r.slice(4))).toEqual(args);
    expect(decoded.filter((r) => r.startsWith('env=')).map((r) => r.slice(4))).toEqual(env);
    // every record boundary is exactly one NUL: as many NULs as records
    expect(encoded.filter((byte) => byte === 0).length).toBe(decoded.length);
  });

  test('accepts rlimit types with or without the RLIMIT_ prefix', () => {
    const decoded = records(encodeInitPlan(basePlan({ rlimits: [{ type: 'nproc', soft: 0, hard: 10 }] })));
    expect(decoded).toContain('rlimit=NPROC:0:10');
  });

  test.each<[string, Partial<InitPlan>, RegExp]>([
    ['a NUL in an argument', { args: ['sh', 'a\0b'] }, /`arg` holds a NUL byte/],
    ['a NUL in the environment', { env: ['A=\0'] }, /`env` holds a NUL byte/],
    ['a relative rootfs', { rootfs: 'rootfs' }, /`rootfs` must be an absolute path/],
    ['a relative cwd', { cwd: 'work' }, /`cwd` must be an absolute path/],
    ['a relative masked path', { maskedPaths: ['proc/kcore'] }, /`mask` must be an absolute path/],
    ['no command', { args: [] }, /no command given/],
    ['a negative uid', { uid: -1 }, /`uid` must be an id/],
    ['uid 2^32-1', { uid: 0xffffffff }, /`uid` must be an id/],
    ['a fractional group', { groups: [1.5] }, /`group` must be an id/],
    ['an unknown rlimit', { rlimits: [{ type: 'RLIMIT_BOGUS', soft: 1, hard: 1 }] }, /unknown rlimit `RLIMIT_BOGUS`/],
    ['a negative rlimit', { rlimits: [{ type: 'RLIMIT_NOFILE', soft: -1, hard: 1 }] }, /rlimit `RLIMIT_NOFILE` has bad value `-1`/],
    ['a 65-bit capability mask', { capabilities: { bounding: 1n << 64n, effective: 0n, permitted: 0n, inheritable: 0n, ambient: 0n } }, /`cap.bounding` is not a 64-bit mask/],
    ['signal 0', { parentDeathSignal: 0 }, /bad parent death signal `0`/],
    ['a mount namespace fd among fds 0-4', { execNamespaces: { mnt: 4 } }, /the mnt namespace fd must be above 4/],
    ['a pid namespace fd that is not an fd', { execNamespaces: { mnt: 5, pid: 5.5 } }, /the pid namespace fd must be above 4/],
    ['exec mode without the mount namespace', { execNamespaces: { pid: 5 } }, /exec mode needs the mount namespace/],
    ['detach outside exec mode', { detach: true }, /`detach` is for exec mode only/],
    ['an effective capability that is not permitted', { capabilities: { bounding: 3n, effective: 2n, permitted: 1n, inheritable: 0n, ambient: 0n } }, /effective capabilities must be permitted/],
    ['an ambient capability that is not inheritable', { capabilities: { bounding: 1n, effective: 1n, permitted: 1n, inheritable: 0n, ambient: 1n } }, /ambient capabilities must be permitted and inheritable/],
  ])('refuses %s with a usage error (exit 125)', (_what, overrides, message) => {
    let caught: unknown;
    try {
      encodeInitPlan(basePlan(overrides));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(125);
    expect((caught as UsageError).message).toMatch(message);
  });
});

describe('capabilities', () => {
  test('the table has the 41 kernel capabilities, CAP_CHOWN=0 .. CAP_CHECKPOINT_RESTORE=40', () => {
    expect(CAPABILITIES).toHaveLength(41);
    expect(CAPABILITIES[0]).toBe('CAP_CHOWN');
    expect(CAPABILITIES[21]).toBe('CAP_SYS_ADMIN');
    expect(CAPABILITIES[40]).toBe('CAP_CHECKPOINT_RESTORE');
    expect(new Set(CAPABILITIES).size).toBe(41);
  });

  test("Docker's default set is 0xa80425fb", () => {
    expect(capabilityMask(DOCKER_DEFAULT)).toBe(0xa80425fbn);
  });

  test('names -> mask -> names round-trips, in capability-number order', () => {
    const names = capabilityNames(0xa80425fbn);
    expect(names).toEqual([
      'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
      'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SYS_CHROOT', 'CAP_MKNOD', 'CAP_AUDIT_WRITE',
      'CAP_SETFCAP',
    ]);
    expect(capabilityMask(names)).toBe(0xa80425fbn);
    expect(capabilityNames(0n)).toEqual([]);
  });

  test('high capabilities use bits above 32', () => {
    expect(capabilityMask(['CAP_BPF', 'CAP_CHECKPOINT_RESTORE'])).toBe((1n << 39n) | (1n << 40n));
    expect(capabilityNames(1n << 40n)).toEqual(['CAP_CHECKPOINT_RESTORE']);
  });

  test('accepts names without the prefix, any case, and ALL', () => {
    expect(capabilityMask(['net_admin', 'Sys_Admin', 'CAP_KILL'])).toBe((1n << 12n) | (1n << 21n) | (1n << 5n));
    expect(capabilityMask(['ALL'])).toBe((1n << 41n) - 1n);
    expect(capabilityNames(capabilityMask(['all']))).toEqual(CAPABILITIES);
  });

  test('bits beyond CAP_LAST_CAP have no name', () => {
    expect(capabilityNames((1n << 41n) | 1n)).toEqual(['CAP_CHOWN']);
  });

  test('refuses an unknown capability with exit 125', () => {
    expect(() => capabilityMask(['CAP_FOO'])).toThrow(UsageError);
    expect(() => capabilityMask(['CAP_FOO'])).toThrow('unknown capability: "CAP_FOO"');
  });
});

describe('parseInitError', () => {
  test('reads errno, step and detail', () => {
    expect(parseInitError('2\texecve\tnosuchcmd\n')).toEqual({ errno: 2, step: 'execve', detail: 'nosuchcmd' });
    expect(parseInitError('13\texecve\t/bin/notexec')).toEqual({ errno: 13, step: 'execve', detail: '/bin/notexec' });
  });

  test('keeps an empty detail and details with spaces', () => {
    expect(parseInitError('22\tplan\t\n')).toEqual({ errno: 22, step: 'plan', detail: '' });
    expect(parseInitError('19\tmask\t/dev/null is not the char device 1:3\n')).toEqual({
      errno: 19, step: 'mask', detail: '/dev/null is not the char device 1:3',
    });
  });

  test.each(['', '\n', 'execve\tfoo', 'x\texecve\tfoo', '2\t\tfoo', '2\texecve', '-2\texecve\tfoo', '2\texecve\tfoo\nmore'])(
    'returns undefined for the malformed line %j', (line) => {
      expect(parseInitError(line)).toBeUndefined();
    });
});

describe('encodeInitPlan cgroupfs', () => {
  const cgroupMount = {
    destination: '/sys/fs/cgroup',
    readonly: true,
    hierarchies: [{ directory: 'cpu,cpuacct', options: 'cpu,cpuacct' }, { directory: 'systemd', options: 'name=systemd' }],
    links: [{ name: 'cpu', target: 'cpu,cpuacct' }],
  };

  test('writes the cgroup filesystem after cgroupns', () => {
    const all = records(encodeInitPlan(basePlan({ cgroupNamespace: true, cgroupMount })));
    const at = all.indexOf('cgroupns=1');
    expect(all.slice(at, at + 6)).toEqual([
      'cgroupns=1',
      'cgroupfs=/sys/fs/cgroup',
      'cgroupfs.readonly=1',
      'cgroupfs.v1=cpu,cpuacct:cpu,cpuacct',
      'cgroupfs.v1=systemd:name=systemd',
      'cgroupfs.link=cpu:cpu,cpuacct',
    ]);
    const v2 = records(encodeInitPlan(basePlan({ cgroupMount: { destination: '/sys/fs/cgroup', readonly: false, hierarchies: [], links: [] } })));
    expect(v2.filter((r) => r.startsWith('cgroupfs'))).toEqual(['cgroupfs=/sys/fs/cgroup']);
  });

  test('leaves it out in exec mode: the container has it already', () => {
    const all = records(encodeInitPlan(basePlan({ cgroupMount, execNamespaces: { mnt: 5 } })));
    expect(all.filter((r) => r.startsWith('cgroupfs'))).toEqual([]);
  });

  test('refuses names that could leave the tmpfs or break a record', () => {
    expect(() => encodeInitPlan(basePlan({ cgroupMount: { ...cgroupMount, hierarchies: [{ directory: '../x', options: 'cpu' }] } }))).toThrow(UsageError);
    expect(() => encodeInitPlan(basePlan({ cgroupMount: { ...cgroupMount, links: [{ name: 'a:b', target: 'cpu' }] } }))).toThrow(/plain file name/);
    expect(() => encodeInitPlan(basePlan({ cgroupMount: { ...cgroupMount, hierarchies: [{ directory: 'cpu', options: 'cpu\nx' }] } }))).toThrow(/bad cgroup hierarchy options/);
  });
});
