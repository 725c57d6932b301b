/**
 * Extended attributes in `cp`, as Docker 20.10 does them (moby
 * pkg/archive: ReadSecurityXattrToTarHeader when archiving, createTarFile
 * when extracting; checked against a Docker 20.10 daemon):
 *   - archiving a file keeps only `security.capability` (file capabilities),
 *     a VFS_CAP_REVISION_3 value (with a namespace root uid) turned into
 *     revision 2, since that uid means nothing outside the user namespace;
 *     `user.*` and the rest are not copied, either way;
 *   - extracting applies every xattr an archive carries (a tar on stdin may
 *     hold others), after the chown (which clears file capabilities) and
 *     ignoring EPERM and ENOTSUP, as Docker does: storage/tree-writer.ts.
 */
import * as fs from 'node:fs';
import { O_CLOEXEC } from '../../../sys/fs-at';
import { fgetxattr } from '../../../sys/xattr';
import { SyscallError } from '../../../errors/syscall-error';

export const ARCHIVED_XATTRS = ['security.capability'];

const ENOTSUP = 95;
const VFS_CAP_REVISION_OFFSET = 3;
const VFS_CAP_REVISION_2 = 2;
const VFS_CAP_REVISION_3 = 3;
const XATTR_CAPS_SZ_2 = 20;

/** Revision 3 capabilities (with a root uid) as revision 2, as Docker archives them. */
export function archivedCapability(value: Buffer): Buffer {
  if (value.length <= VFS_CAP_REVISION_OFFSET || value[VFS_CAP_REVISION_OFFSET] !== VFS_CAP_REVISION_3) return value;
  const v2 = Buffer.from(value.subarray(0, XATTR_CAPS_SZ_2));
  v2[VFS_CAP_REVISION_OFFSET] = VFS_CAP_REVISION_2;
  return v2;
}

/** The xattrs Docker puts in an archive for the regular file open (O_PATH) at `pathFd`. */
export function archivedXattrs(pathFd: number): Array<[string, Buffer]> {
  const fd = fs.openSync(`/proc/self/fd/${pathFd}`, fs.constants.O_RDONLY | O_CLOEXEC);
  try {
    const xattrs: Array<[string, Buffer]> = [];
    for (const name of ARCHIVED_XATTRS) {
      const value = fgetxattr(fd, name);
      if (value !== undefined) xattrs.push([name, name === 'security.capability' ? archivedCapability(value) : value]);
    }
    return xattrs;
  } catch (err) {
    if (err instanceof SyscallError && err.errno === ENOTSUP) return []; // a filesystem without xattrs
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}
