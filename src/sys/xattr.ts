/**
 * fgetxattr(2): an extended attribute read through an open fd, so the value
 * belongs to the very file whose content is copied (no path looked up again).
 */
import * as os from 'node:os';
import { check, lastErrno, libcFunction } from './libc';

const { ENODATA, ERANGE } = os.constants.errno;

/** The value of `name` on the file open at `fd` (not O_PATH), or undefined when it has none. */
export function fgetxattr(fd: number, name: string, subject?: string): Buffer | undefined {
  const fn = libcFunction('long fgetxattr(int fd, const char *name, void *value, size_t size)');
  const what = subject ?? `\`${name}\``;
  for (;;) {
    const size = Number(fn(fd, name, null, 0));
    if (size < 0 && lastErrno() === ENODATA) return undefined;
    check(size, 'fgetxattr', what);
    const value = Buffer.alloc(size);
    if (size === 0) return value;
    const got = Number(fn(fd, name, value, size));
    if (got < 0 && lastErrno() === ERANGE) continue; // grew in between: ask again
    if (got < 0 && lastErrno() === ENODATA) return undefined;
    check(got, 'fgetxattr', what);
    return value.subarray(0, got);
  }
}
