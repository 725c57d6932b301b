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
