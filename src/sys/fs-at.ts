/**
 * fd-relative filesystem calls: the tree writer (storage/tree-writer.ts)
 * resolves every parent through a directory fd with openat2 and creates
 * entries relative to it, then changes metadata only through an fd of the
 * entry it created (fchown/fchmod/futimens/fsetxattr, or for an O_PATH fd
 * the *at calls with AT_EMPTY_PATH and /proc/self/fd/N, which the kernel
 * resolves to that very inode, a symlink included), so nothing a crafted
 * tar or a racing container plants can steer a write elsewhere.
 *
 * Each wrapper throws a SyscallError naming the call and its subject (by
 * default the path in backticks); pass `subject` to name a tar entry instead.
 */
import * as os from 'node:os';
import { check, lastErrno, libcFunction } from './libc';
import { xattrValue } from './xattr';

// <fcntl.h>, <linux/openat2.h>, <sys/stat.h> on x86_64 / aarch64.
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_EMPTY_PATH = 0x1000;

export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;

export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;

/** Linux syscall numbers of openat2 (same on x86_64 and aarch64: it is in the shared table). */
const SYS_openat2 = 437;

/** glibc's makedev(): the dev_t of a major/minor pair. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** glibc's major() and minor() of a dev_t. */
export function devNumbers(rdev: bigint): [number, number] {
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return [major, minor];
}

/** The /proc/self/fd path that names an open fd: calls that follow it act on the fd's own inode (a symlink's too). */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

function subjectOf(path: string, subject: string | undefined): string {
  return subject ?? `\`${path}\``;
}

export interface OpenHow {
  flags: number;
  mode?: number;
  resolve: number;
}

// One reusable struct open_how { u64 flags; u64 mode; u64 resolve; }: calls are synchronous.
const openHowBuffer = Buffer.alloc(24);

/** openat2(2): opens `path` relative to `dirfd` under the RESOLVE_* rules of `how`. */
export function openat2(dirfd: number, path: string, how: OpenHow, subject?: string): number {
  openHowBuffer.writeBigUInt64LE(BigInt(how.flags), 0);
  openHowBuffer.writeBigUInt64LE(BigInt(how.mode ?? 0), 8);
  openHowBuffer.writeBigUInt64LE(BigInt(how.resolve), 16);
  const syscall = libcFunction('long syscall(long number, ...)');
  const fd = Number(syscall(SYS_openat2, 'int', dirfd, 'const char *', path, 'void *', openHowBuffer, 'size_t', 24));
  return check(fd, 'openat2', subjectOf(path, subject));
}

/** openat(2); `mode` is used with O_CREAT. */
export function openat(dirfd: number, path: string, flags: number, mode = 0, subject?: string): number {
  const fn = libcFunction('int openat(int dirfd, const char *path, int flags, ...)');
  return check(fn(dirfd, path, flags, 'uint32_t', mode), 'openat', subjectOf(path, subject));
}

export function mkdirat(dirfd: number, path: string, mode: number, subject?: string): void {
  const fn = libcFunction('int mkdirat(int dirfd, const char *path, uint32_t mode)');
  check(fn(dirfd, path, mode), 'mkdirat', subjectOf(path, subject));
}

/** mknodat(2); `mode` carries the file type (S_IFCHR, S_IFBLK, S_IFIFO) and permissions. */
export function mknodat(dirfd: number, path: string, mode: number, dev: number | bigint, subject?: string): void {
  const fn = libcFunction('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)');
  check(fn(dirfd, path, mode, typeof dev === 'bigint' ? dev : BigInt(dev)), 'mknodat', subjectOf(path, subject));
}

export function symlinkat(target: string, newdirfd: number, linkpath: string, subject?: string): void {
  const fn = libcFunction('int symlinkat(const char *target, int newdirfd, const char *linkpath)');
  check(fn(target, newdirfd, linkpath), 'symlinkat', subjectOf(linkpath, subject));
}

/** linkat(2); flags 0 links a symlink itself rather than what it points to. */
export function linkat(olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags = 0, subject?: string): void {
  const fn = libcFunction('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)');
  check(fn(olddirfd, oldpath, newdirfd, newpath, flags), 'linkat', subjectOf(newpath, subject));
}

export function unlinkat(dirfd: number, path: string, flags = 0, subject?: string): void {
  const fn = libcFunction('int unlinkat(int dirfd, const char *path, int flags)');
  check(fn(dirfd, path, flags), 'unlinkat', subjectOf(path, subject));
}

export function fchownat(dirfd: number, path: string, uid: number, gid: number, flags: number, subject?: string): void {
  const fn = libcFunction('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)');
  check(fn(dirfd, path, uid, gid, flags), 'fchownat', subjectOf(path, subject));
}

/** fchmod(2) on an fd that is not O_PATH. */
export function fchmod(fd: number, mode: number, subject?: string): void {
  const fn = libcFunction('int fchmod(int fd, uint32_t mode)');
  check(fn(fd, mode), 'fchmod', subject ?? `fd ${fd}`);
}

/** readlinkat(2); an empty `path` reads the symlink an O_PATH | O_NOFOLLOW `dirfd` names. */
export function readlinkat(dirfd: number, path: string, subject?: string): string {
  const fn = libcFunction('long readlinkat(int dirfd, const char *path, void *buf, size_t size)');
  for (let size = 256; ; size *= 4) {
    const buffer = Buffer.alloc(size);
    const got = check(Number(fn(dirfd, path, buffer, size)), 'readlinkat', subjectOf(path, subject));
    if (got < size) return buffer.toString('utf8', 0, got);
  }
}

/** fchmodat(2); never call it on a symlink (Linux cannot chmod one). */
export function fchmodat(dirfd: number, path: string, mode: number, flags = 0, subject?: string): void {
  const fn = libcFunction('int fchmodat(int dirfd, const char *path, uint32_t mode, int flags)');
  check(fn(dirfd, path, mode, flags), 'fchmodat', subjectOf(path, subject));
}

/** A time for utimensat: whole seconds since the epoch plus nanoseconds. */
export interface Timespec {
  sec: number;
  nsec: number;
}

const timesBuffer = Buffer.alloc(32);

function timesOf(atime: Timespec, mtime: Timespec): Buffer {
  timesBuffer.writeBigInt64LE(BigInt(atime.sec), 0);
  timesBuffer.writeBigInt64LE(BigInt(atime.nsec), 8);
  timesBuffer.writeBigInt64LE(BigInt(mtime.sec), 16);
  timesBuffer.writeBigInt64LE(BigInt(mtime.nsec), 24);
  return timesBuffer;
}

/** utimensat(2) with [atime, mtime]. */
export function utimensat(dirfd: number, path: string, atime: Timespec, mtime: Timespec, flags: number, subject?: string): void {
  const fn = libcFunction('int utimensat(int dirfd, const char *path, const void *times, int flags)');
  check(fn(dirfd, path, timesOf(atime, mtime), flags), 'utimensat', subjectOf(path, subject));
}

/** futimens(3) on an fd that is not O_PATH. */
export function futimens(fd: number, atime: Timespec, mtime: Timespec, subject?: string): void {
  const fn = libcFunction('int futimens(int fd, const void *times)');
  check(fn(fd, timesOf(atime, mtime)), 'futimens', subject ?? `fd ${fd}`);
}

/** lsetxattr(2): sets `name` on `path` itself (a trailing symlink is not followed). */
export function lsetxattr(path: string, name: string, value: Uint8Array, flags = 0, subject?: string): void {
  const fn = libcFunction('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)');
  check(fn(path, name, value, value.length, flags), 'lsetxattr', subject ?? `\`${name}\` on \`${path}\``);
}

/** setxattr(2): sets `name` on what `path` names, a trailing symlink followed (for /proc/self/fd/N: that fd's inode). */
export function setxattr(path: string, name: string, value: Uint8Array, flags = 0, subject?: string): void {
  const fn = libcFunction('int setxattr(const char *path, const char *name, const void *value, size_t size, int flags)');
  check(fn(path, name, value, value.length, flags), 'setxattr', subject ?? `\`${name}\` on \`${path}\``);
}

/** fsetxattr(2) on an open fd. */
export function fsetxattr(fd: number, name: string, value: Uint8Array, flags = 0, subject?: string): void {
  const fn = libcFunction('int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)');
  check(fn(fd, name, value, value.length, flags), 'fsetxattr', subject ?? `\`${name}\``);
}

const { ERANGE } = os.constants.errno;

/** lgetxattr(2): the value of `name` on `path`, or undefined when it has none. */
export function lgetxattr(path: string, name: string, subject?: string): Buffer | undefined {
  return getxattrOf('lgetxattr', path, name, subject);
}

/** getxattr(2), a trailing symlink followed (for /proc/self/fd/N: that fd's inode). */
export function getxattr(path: string, name: string, subject?: string): Buffer | undefined {
  return getxattrOf('getxattr', path, name, subject);
}

function getxattrOf(syscall: 'getxattr' | 'lgetxattr', path: string, name: string, subject: string | undefined): Buffer | undefined {
  const fn = libcFunction(`long ${syscall}(const char *path, const char *name, void *value, size_t size)`);
  return xattrValue((value, size) => Number(fn(path, name, value, size)), syscall, subject ?? `\`${name}\` on \`${path}\``);
}

/** llistxattr(2): the names of the extended attributes of `path` itself. */
export function llistxattr(path: string, subject?: string): string[] {
  return listxattrOf('llistxattr', path, subject);
}

/** listxattr(2), a trailing symlink followed (for /proc/self/fd/N: that fd's inode). */
export function listxattr(path: string, subject?: string): string[] {
  return listxattrOf('listxattr', path, subject);
}

function listxattrOf(syscall: 'listxattr' | 'llistxattr', path: string, subject: string | undefined): string[] {
  const fn = libcFunction(`long ${syscall}(const char *path, void *list, size_t size)`);
  for (;;) {
    const size = check(Number(fn(path, null, 0)), syscall, subjectOf(path, subject));
    if (size === 0) return [];
    const list = Buffer.alloc(size);
    const got = Number(fn(path, list, size));
    if (got < 0 && isErrno(ERANGE)) continue;
    check(got, syscall, subjectOf(path, subject));
    return list.subarray(0, got).toString('utf8').split('\0').filter((name) => name !== '');
  }
}

export function close(fd: number): void {
  const fn = libcFunction('int close(int fd)');
  check(fn(fd), 'close', `fd ${fd}`);
}

function isErrno(errno: number): boolean {
  return lastErrno() === errno;
}
