/**
 * The kernel calls the CLI makes while it builds a container, as one
 * interface. Production code uses `realHostCalls` (src/sys); unit tests
 * pass a recording double and check the order of mounts and namespace
 * calls without root (youki's Syscall trait, in TypeScript).
 */
import { mount, mountSetattr } from '../sys/mount';
import { ensureInRoot } from '../sys/in-root';
import { close, fchmodat, fchownat, mknodat, openat2, symlinkat } from '../sys/fs-at';
import { sethostname } from '../sys/process';
import { interfaceUp } from '../sys/net';
import { setns, unshare } from '../sys/namespaces';
import { copyImageContent } from './volume-content';
import * as fs from 'node:fs';

export interface HostCalls {
  unshare: typeof unshare;
  setns: typeof setns;
  mount: typeof mount;
  mountSetattr: typeof mountSetattr;
  ensureInRoot: typeof ensureInRoot;
  openat2: typeof openat2;
  close: typeof close;
  mknodat: typeof mknodat;
  fchmodat: typeof fchmodat;
  fchownat: typeof fchownat;
  symlinkat: typeof symlinkat;
  sethostname: typeof sethostname;
  interfaceUp: typeof interfaceUp;
  /** Writes `value` to /proc/sys/<key with dots as slashes>. */
  writeSysctl(key: string, value: string): void;
  /** Is the bind source a directory? (stat on the host) */
  isDirectory(hostPath: string): boolean;
  /** Fills an empty volume with the image's content at a path; true when the volume then holds something. */
  copyImageContent: typeof copyImageContent;
}

export const realHostCalls: HostCalls = {
  unshare,
  setns,
  mount,
  mountSetattr,
  ensureInRoot,
  openat2,
  close,
  mknodat,
  fchmodat,
  fchownat,
  symlinkat,
  sethostname,
  interfaceUp,
  writeSysctl: (key, value) => fs.writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value),
  isDirectory: (hostPath) => fs.statSync(hostPath).isDirectory(),
  copyImageContent,
};
