/** mount(2) and umount2(2), with the flag names used in error messages. */
import { check, libcFunction } from './libc';

export const MS_RDONLY = 0x1;
export const MS_NOSUID = 0x2;
export const MS_NODEV = 0x4;
export const MS_NOEXEC = 0x8;
export const MS_REMOUNT = 0x20;
export const MS_NOATIME = 0x400;
export const MS_BIND = 0x1000;
export const MS_REC = 0x4000;
export const MS_PRIVATE = 0x40000;
export const MS_SLAVE = 0x80000;
export const MS_SHARED = 0x100000;
export const MS_STRICTATIME = 0x1000000;

export const MNT_DETACH = 0x2;
export const UMOUNT_NOFOLLOW = 0x8;

export function mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null, subject?: string): void {
  const fn = libcFunction('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)');
  check(fn(source, target, fstype, flags, data), 'mount', subject ?? `\`${fstype ?? source ?? ''}\` on \`${target}\``);
}

export function umount2(target: string, flags: number): void {
  const fn = libcFunction('int umount2(const char *target, int flags)');
  check(fn(target, flags), 'umount2', `\`${target}\``);
}

export const MOUNT_ATTR_RDONLY = 0x1;
export const MOUNT_ATTR_NOSUID = 0x2;
export const MOUNT_ATTR_NODEV = 0x4;
export const MOUNT_ATTR_NOEXEC = 0x8;
export const AT_EMPTY_PATH = 0x1000;
export const AT_RECURSIVE = 0x8000;

/** mount_setattr(2) is 442 on x86_64 and aarch64 alike (the shared syscall table); Linux 5.12+. */
const SYS_mount_setattr = 442;
/** struct mount_attr { u64 attr_set; u64 attr_clr; u64 propagation; u64 userns_fd; } (MOUNT_ATTR_SIZE_VER0). */
const MOUNT_ATTR_SIZE = 32;

export interface MountAttributes {
  /** MOUNT_ATTR_* bits to set. */
  set: number;
  /** MOUNT_ATTR_* bits to clear. */
  clear?: number;
}

/**
 * mount_setattr(2): changes per-mount attributes of the mount at `path` (relative to `dirfd`; '' with
 * AT_EMPTY_PATH for the mount open at `dirfd`), and with AT_RECURSIVE of every mount below it too: the one
 * way to make a bind read-only together with its submounts. ENOSYS on kernels older than 5.12.
 */
export function mountSetattr(dirfd: number, path: string, flags: number, attributes: MountAttributes, subject?: string): void {
  const attr = Buffer.alloc(MOUNT_ATTR_SIZE);
  attr.writeBigUInt64LE(BigInt(attributes.set), 0);
  attr.writeBigUInt64LE(BigInt(attributes.clear ?? 0), 8);
  const syscall = libcFunction('long syscall(long number, ...)');
  const result = Number(syscall(SYS_mount_setattr, 'int', dirfd, 'const char *', path, 'unsigned int', flags, 'void *', attr, 'size_t', MOUNT_ATTR_SIZE));
  check(result, 'mount_setattr', subject ?? `\`${path}\``);
}
