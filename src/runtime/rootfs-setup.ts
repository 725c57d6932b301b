/**
 * The container's filesystem, built by the CLI on its main thread after it
 * unshared a new mount namespace (see enter-namespaces.ts): the overlay
 * rootfs, the spec's mounts (all but /proc, which only a process inside
 * the new PID namespace can mount: berth-init does it; the per-container
 * /etc files are among them), device nodes, /dev links, the hostname, and
 * loopback.
 *
 * Every target inside the rootfs is resolved by the kernel with
 * RESOLVE_IN_ROOT and mounted through its fd, so a symlink in the image
 * cannot send a mount to a host path. /dev, /proc and /sys are replaced
 * when the image ships them as symlinks.
 */
import { Mount, Device } from './spec/types';
import { parseMountOptions } from './mount-options';
import { HostCalls, realHostCalls } from './host-calls';
import { AT_EMPTY_PATH, AT_RECURSIVE, MOUNT_ATTR_RDONLY, MS_BIND, MS_PRIVATE, MS_REC, MS_REMOUNT } from '../sys/mount';
import { fdPath, EntryKind } from '../sys/in-root';
import { makedev, O_CLOEXEC, O_DIRECTORY, O_PATH, S_IFBLK, S_IFCHR, S_IFIFO } from '../sys/fs-at';
import { SyscallError } from '../errors/syscall-error';
import { BerthError } from '../errors/berth-error';

const ENOSYS = 38;

export interface RootfsSetup {
  rootfs: string;
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  mounts: Mount[];
  devices: Device[];
  hostname: string;
  /** Bring `lo` up (a fresh network namespace has it down). */
  loopback: boolean;
  /** Set the hostname (only with a private UTS namespace). */
  setHostname: boolean;
  /** Written under /proc/sys while inside the new namespaces (net.* apply to the new network namespace). */
  sysctl: Record<string, string>;
  /** Destinations of volume mounts to fill with the image's content first (new volumes). */
  volumeCopies?: string[];
}

/** Directories the runtime owns: a symlink shipped in their place is replaced. */
const RUNTIME_DIRS = new Set(['/dev', '/proc', '/sys']);

const DEV_LINKS: Array<[string, string]> = [
  ['/proc/self/fd', 'fd'],
  ['/proc/self/fd/0', 'stdin'],
  ['/proc/self/fd/1', 'stdout'],
  ['/proc/self/fd/2', 'stderr'],
  ['pts/ptmx', 'ptmx'],
];

export function overlayData(setup: Pick<RootfsSetup, 'lowerDirs' | 'upperDir' | 'workDir'>): string {
  return `lowerdir=${setup.lowerDirs.join(':')},upperdir=${setup.upperDir},workdir=${setup.workDir}`;
}

function withFd<T>(sys: HostCalls, fd: number, fn: (fd: number) => T): T {
  try {
    return fn(fd);
  } finally {
    sys.close(fd);
  }
}

function mountKind(sys: HostCalls, m: Mount): EntryKind {
  if (m.type !== 'bind' && !m.options.includes('bind') && !m.options.includes('rbind')) return 'dir';
  try {
    return sys.isDirectory(m.source) ? 'dir' : 'file';
  } catch {
    throw new SyscallError('stat', 2, `bind source \`${m.source}\``);
  }
}

function applyMount(sys: HostCalls, rootFd: number, m: Mount): void {
  const opts = parseMountOptions(m.options);
  const kind = mountKind(sys, m);
  const replaceSymlink = RUNTIME_DIRS.has(m.destination);
  withFd(sys, sys.ensureInRoot(rootFd, m.destination, kind, { replaceSymlink }), (target) => {
    const where = `\`${m.destination}\` in the container`;
    if (opts.isBind) {
      sys.mount(m.source, fdPath(target), null, opts.flags & (MS_BIND | MS_REC), null, `bind \`${m.source}\` on ${where}`);
    } else {
      sys.mount(m.source || m.type, fdPath(target), m.type, opts.flags, opts.data || null, `\`${m.type}\` on ${where}`);
    }
  });
  // A bind ignores every flag but MS_REC: apply ro/nosuid/... by remounting the new mount.
  const extra = opts.flags & ~(MS_BIND | MS_REC);
  if (opts.isBind && extra !== 0) {
    withFd(sys, sys.ensureInRoot(rootFd, m.destination, kind), (mounted) =>
      sys.mount(null, fdPath(mounted), null, MS_BIND | MS_REMOUNT | extra, null, `remount \`${m.destination}\``),
    );
  }
  if (opts.propagation !== 0) {
    withFd(sys, sys.ensureInRoot(rootFd, m.destination, kind), (mounted) => sys.mount(null, fdPath(mounted), null, opts.propagation, null));
  }
  // Only an rbind brings submounts along; anything else is read-only all through already.
  if (opts.recursiveReadonly && opts.isBind && (opts.flags & MS_REC) !== 0) {
    withFd(sys, sys.ensureInRoot(rootFd, m.destination, kind), (mounted) => makeRecursivelyReadonly(sys, mounted, m.destination));
  }
}

/** `rro`: the mount and every mount below it (the submounts an rbind brought along) read-only. */
function makeRecursivelyReadonly(sys: HostCalls, mounted: number, destination: string): void {
  try {
    sys.mountSetattr(mounted, '', AT_EMPTY_PATH | AT_RECURSIVE, { set: MOUNT_ATTR_RDONLY }, `\`${destination}\` recursively read-only`);
  } catch (err) {
    if (!(err instanceof SyscallError && err.errno === ENOSYS)) throw err;
    throw new BerthError('no-mount-setattr', `mount \`${destination}\` recursively read-only: this kernel has no mount_setattr(2) (Linux 5.12 or later)`, {
      cause: err,
      exitCode: 125,
      hint: 'a non-recursive bind (--mount type=bind,...,readonly,bind-recursive=disabled) needs no mount_setattr',
    });
  }
}

function createDevice(sys: HostCalls, rootFd: number, device: Device): void {
  const slash = device.path.lastIndexOf('/');
  const dir = device.path.slice(0, slash) || '/';
  const name = device.path.slice(slash + 1);
  const type = device.type === 'b' ? S_IFBLK : device.type === 'p' ? S_IFIFO : S_IFCHR;
  withFd(sys, sys.ensureInRoot(rootFd, dir, 'dir'), (dirPathFd) => {
    // mknodat needs a real directory fd, not O_PATH.
    withFd(sys, sys.openat2(dirPathFd, '.', { flags: O_DIRECTORY | O_CLOEXEC, resolve: 0 }), (dirFd) => {
      sys.mknodat(dirFd, name, type | ((device.fileMode ?? 0o666) & 0o7777), makedev(device.major, device.minor), `\`${device.path}\``);
      // mknod applies the process umask: set the mode the spec asks for.
      sys.fchmodat(dirFd, name, (device.fileMode ?? 0o666) & 0o7777, 0, `\`${device.path}\``);
      sys.fchownat(dirFd, name, device.uid ?? 0, device.gid ?? 0, 0x100, `\`${device.path}\``);
    });
  });
}

/** Sets the container's filesystem up; returns the destinations of the volumes that hold content now (see volumeCopies). */
export function setupRootfs(setup: RootfsSetup, sys: HostCalls = realHostCalls): string[] {
  const filled: string[] = [];
  // Nothing mounted from here on may propagate back to the host.
  sys.mount(null, '/', null, MS_REC | MS_PRIVATE, null, 'make `/` private');
  sys.mount('overlay', setup.rootfs, 'overlay', 0, overlayData(setup), `overlay on \`${setup.rootfs}\``);
  const rootFd = sys.openat2(-100, setup.rootfs, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  try {
    // /proc must exist for berth-init, as a directory.
    sys.close(sys.ensureInRoot(rootFd, '/proc', 'dir', { replaceSymlink: true }));
    for (const m of setup.mounts) {
      if (m.destination === '/proc') continue;
      if (m.type === 'cgroup' || m.type === 'cgroup2') {
        // berth-init mounts it once it is in its cgroup namespace (cgroupMountOf): only make sure the place exists.
        sys.close(sys.ensureInRoot(rootFd, m.destination, 'dir'));
        continue;
      }
      // Before the volume hides it: the image's files at the mount point (the overlay is mounted).
      if (setup.volumeCopies?.includes(m.destination) && sys.copyImageContent(rootFd, m.destination, m.source)) {
        filled.push(m.destination);
      }
      applyMount(sys, rootFd, m);
    }
    for (const device of setup.devices) createDevice(sys, rootFd, device);
    withFd(sys, sys.ensureInRoot(rootFd, '/dev', 'dir'), (devPath) =>
      withFd(sys, sys.openat2(devPath, '.', { flags: O_DIRECTORY | O_CLOEXEC, resolve: 0 }), (dev) => {
        for (const [target, name] of DEV_LINKS) {
          try {
            sys.symlinkat(target, dev, name);
          } catch (err) {
            if (!(err instanceof SyscallError && err.errno === 17)) throw err;
          }
        }
      }),
    );
  } finally {
    sys.close(rootFd);
  }
  if (setup.setHostname) sys.sethostname(setup.hostname);
  if (setup.loopback) sys.interfaceUp('lo');
  for (const [key, value] of Object.entries(setup.sysctl)) {
    // /proc/sys/net/* answers for the network namespace of the thread that opens it: ours, now.
    sys.writeSysctl(key, value);
  }
  return filled;
}

