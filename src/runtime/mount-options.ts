/**
 * OCI mount options (`nosuid`, `ro`, `mode=755`, `rbind`, ...) as mount(2)
 * takes them: a flag word, the data string for the filesystem, and the
 * propagation to apply afterwards.
 */
import {
  MS_BIND, MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RDONLY, MS_REC, MS_PRIVATE, MS_SLAVE, MS_SHARED,
  MS_NOATIME, MS_STRICTATIME,
} from '../sys/mount';

const MS_RELATIME = 0x200000;
const MS_SYNCHRONOUS = 0x10;
const MS_DIRSYNC = 0x80;
const MS_NODIRATIME = 0x800;
const MS_UNBINDABLE = 0x20000;

// `rro` (recursive read-only, Docker 25+): read-only on the mount itself here, and on its submounts through
// mount_setattr(AT_RECURSIVE) once it is mounted (recursiveReadonly; see rootfs-setup.ts).
const SET: Record<string, number> = {
  ro: MS_RDONLY, rro: MS_RDONLY, nosuid: MS_NOSUID, nodev: MS_NODEV, noexec: MS_NOEXEC, bind: MS_BIND, rbind: MS_BIND | MS_REC,
  noatime: MS_NOATIME, strictatime: MS_STRICTATIME, relatime: MS_RELATIME, sync: MS_SYNCHRONOUS,
  dirsync: MS_DIRSYNC, nodiratime: MS_NODIRATIME,
};
const CLEAR: Record<string, number> = {
  rw: MS_RDONLY, suid: MS_NOSUID, dev: MS_NODEV, exec: MS_NOEXEC, atime: MS_NOATIME, async: MS_SYNCHRONOUS,
};
const PROPAGATION: Record<string, number> = {
  private: MS_PRIVATE, rprivate: MS_PRIVATE | MS_REC, slave: MS_SLAVE, rslave: MS_SLAVE | MS_REC,
  shared: MS_SHARED, rshared: MS_SHARED | MS_REC, unbindable: MS_UNBINDABLE, runbindable: MS_UNBINDABLE | MS_REC,
};

export interface ParsedMountOptions {
  flags: number;
  data: string;
  propagation: number;
  /** A bind mount that asks for read-only (or other flags) needs a remount after the bind. */
  isBind: boolean;
  /** `rro`: every submount read-only too (mount_setattr with AT_RECURSIVE), unless a later `rw` undoes it. */
  recursiveReadonly: boolean;
}

export function parseMountOptions(options: readonly string[] = []): ParsedMountOptions {
  let flags = 0;
  let propagation = 0;
  let recursiveReadonly = false;
  const data: string[] = [];
  for (const option of options) {
    if (option === 'rro') recursiveReadonly = true;
    else if (option === 'rw') recursiveReadonly = false;
    if (option in SET) flags |= SET[option];
    else if (option in CLEAR) flags &= ~CLEAR[option];
    else if (option in PROPAGATION) propagation |= PROPAGATION[option];
    else if (option === 'defaults' || option === 'z' || option === 'Z') continue;
    else data.push(option);
  }
  return { flags, data: data.join(','), propagation, isBind: (flags & MS_BIND) !== 0, recursiveReadonly };
}
