/**
 * Reading extended attribute values: the size-then-read dance that
 * getxattr(2) and its variants share (ask the size, read, ask again if the
 * value grew in between), and fgetxattr(2) on an open fd, so the value
 * belongs to the very file whose content is copied (no path looked up again).
 */
import * as os from 'node:os';
import { check, lastErrno, libcFunction } from './libc';

const { ENODATA, ERANGE } = os.constants.errno;

/**
 * The value behind `get` (one of the getxattr calls, bound to its file and name: `value` null asks the size),
 * or undefined when the file has no such attribute.
 */
export function xattrValue(get: (value: Buffer | null, size: number) => number, syscall: string, subject: string): Buffer | undefined {
  for (;;) {
    const size = get(null, 0);
    if (size < 0 && lastErrno() === ENODATA) return undefined;
    check(size, syscall, subject);
    const value = Buffer.alloc(size);
    if (size === 0) return value;
    const got = get(value, size);
    if (got < 0 && lastErrno() === ERANGE) continue; // grew in between: ask again
    if (got < 0 && lastErrno() === ENODATA) return undefined;
    check(got, syscall, subject);
    return value.subarray(0, got);
  }
}

/** The value of `name` on the file open at `fd` (not O_PATH), or undefined when it has none. */
export function fgetxattr(fd: number, name: string, subject?: string): Buffer | undefined {
  const fn = libcFunction('long fgetxattr(int fd, const char *name, void *value, size_t size)');
  return xattrValue((value, size) => Number(fn(fd, name, value, size)), 'fgetxattr', subject ?? `\`${name}\``);
}
