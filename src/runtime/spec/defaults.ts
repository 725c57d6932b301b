/**
 * Docker's defaults for a Linux container, as moby's daemon/pkg/oci
 * (defaults.go, caps/defaults.go) and daemon/oci_linux.go set them, plus
 * what runc adds on its own (libcontainer/specconv AllowedDevices), since
 * berth plays both parts.
 */
import type { Device, DeviceCgroupRule, Mount } from './types';

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The 14 capabilities every Docker container gets, in moby's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/**
 * Paths hidden from the container (a /dev/null bind for files, an empty
 * read-only tmpfs for directories). moby also masks
 * /sys/devices/system/cpu/cpuN/thermal_throttle where the host has them;
 * that needs a look at the host, so the runtime adds those.
 */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** Docker's default /dev/shm size (64 MiB). */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** The mounts of every container, in moby's order; /dev/shm gets `size=` appended by buildSpec. */
export function defaultMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777'] },
  ];
}

/** Docker's device cgroup rules: deny everything, allow the basic nodes, deny /dev/fuse. */
export function defaultDeviceRules(): DeviceCgroupRule[] {
  const allow = (major: number, minor: number): DeviceCgroupRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' });
  return [
    { allow: false, access: 'rwm' },
    allow(1, 5),
    allow(1, 3),
    allow(1, 9),
    allow(1, 8),
    allow(5, 0),
    allow(5, 1),
    { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ];
}

/**
 * Rules runc appends after the spec's own: mknod of any node, the basic
 * nodes, ptys (136:*), /dev/ptmx (5:2) and /dev/net/tun (10:200). The
 * cgroup code applies spec rules then these (see effectiveDeviceRules).
 */
export function runtimeDeviceRules(): DeviceCgroupRule[] {
  const rule = (type: 'c' | 'b', major: number, minor: number, access = 'rwm'): DeviceCgroupRule => ({
    allow: true,
    type,
    major,
    minor,
    access,
  });
  return [
    rule('c', -1, -1, 'm'),
    rule('b', -1, -1, 'm'),
    ...DEFAULT_DEVICES.map((d) => rule('c', d.major, d.minor)),
    rule('c', 136, -1),
    rule('c', 5, 2),
    rule('c', 10, 200),
  ];
}

/** What the device cgroup must enforce for a spec: its rules, then the runtime's. */
export function effectiveDeviceRules(specRules: readonly DeviceCgroupRule[]): DeviceCgroupRule[] {
  return [...specRules, ...runtimeDeviceRules()];
}

/**
 * Nodes the runtime creates in every container's /dev (runtime-spec
 * "Default Devices"); /dev/console is a bind of the pty only with a tty,
 * /dev/ptmx a symlink to pts/ptmx.
 */
export const DEFAULT_DEVICES: readonly Device[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
];

/** Sysctls Docker sets in a container with its own network namespace. */
export const DEFAULT_NETWORK_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ping_group_range': '0 2147483647',
  'net.ipv4.ip_unprivileged_port_start': '0',
};

/** Docker's default hostname: the first 12 characters of the container ID. */
export function defaultHostname(id: string): string {
  return id.slice(0, 12);
}

/** Parent of container cgroups when --cgroup-parent is not given (Docker uses /docker). */
export const DEFAULT_CGROUP_PARENT = '/berth';
