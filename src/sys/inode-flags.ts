/**
 * Inode flags (`chattr`/`lsattr`) through ioctl(2) FS_IOC_GETFLAGS and
 * FS_IOC_SETFLAGS. berth sets one of them: FS_TOPDIR_FL on the directory
 * that holds unpacked layers. ext2/3/4's Orlov allocator then treats each
 * new subdirectory as the top of its own hierarchy and places it in a
 * block group of its own (as for /home/*), instead of packing every layer
 * into the group of the store's directory. On ext4 without a journal the
 * inode allocator skips inodes freed in the last minutes one by one
 * (recently_deleted() in fs/ext4/ialloc.c), so a pull right after an
 * `rmi` of the same size spent seconds of kernel time per layer there.
 */
import { check, libcFunction } from './libc';

// <linux/fs.h>: _IOR('f', 1, long) and _IOW('f', 2, long) on 64-bit; the kernel reads an int.
const FS_IOC_GETFLAGS = 0x80086601;
const FS_IOC_SETFLAGS = 0x40086602;
export const FS_TOPDIR_FL = 0x00020000;

function ioctl(fd: number, request: number, arg: Buffer, what: string): void {
  check(libcFunction('int ioctl(int fd, unsigned long request, void *arg)')(fd, request, arg), 'ioctl', what);
}

export function getInodeFlags(fd: number, subject: string): number {
  const flags = Buffer.alloc(4);
  ioctl(fd, FS_IOC_GETFLAGS, flags, `FS_IOC_GETFLAGS on ${subject}`);
  return flags.readUInt32LE(0);
}

export function setInodeFlags(fd: number, value: number, subject: string): void {
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE(value >>> 0, 0);
  ioctl(fd, FS_IOC_SETFLAGS, flags, `FS_IOC_SETFLAGS on ${subject}`);
}
