/**
 * unshare(2) and setns(2). Both move only the CALLING thread: berth calls
 * them on Node's main thread, between an async preparation phase and an
 * async supervision phase, and returns the thread to its own namespaces
 * with setns before anything may start a thread again (see
 * src/runtime/enter-namespaces.ts for the why).
 */
import { check, libcFunction } from './libc';

export const CLONE_FS = 0x00000200;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;

/** Namespace kinds as /proc/<pid>/ns names them, with their CLONE_ flag. */
export const NAMESPACE_FLAGS = {
  mnt: CLONE_NEWNS,
  uts: CLONE_NEWUTS,
  ipc: CLONE_NEWIPC,
  net: CLONE_NEWNET,
  pid: CLONE_NEWPID,
  cgroup: CLONE_NEWCGROUP,
} as const;

export type NamespaceKind = keyof typeof NAMESPACE_FLAGS;

const FLAG_NAMES: Array<[number, string]> = [
  [CLONE_FS, 'CLONE_FS'],
  [CLONE_NEWNS, 'CLONE_NEWNS'],
  [CLONE_NEWUTS, 'CLONE_NEWUTS'],
  [CLONE_NEWIPC, 'CLONE_NEWIPC'],
  [CLONE_NEWNET, 'CLONE_NEWNET'],
  [CLONE_NEWPID, 'CLONE_NEWPID'],
  [CLONE_NEWCGROUP, 'CLONE_NEWCGROUP'],
  [CLONE_NEWUSER, 'CLONE_NEWUSER'],
];

export function flagNames(flags: number): string {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name).join('|') || '0';
}

export function unshare(flags: number): void {
  const fn = libcFunction('int unshare(int flags)');
  check(fn(flags), 'unshare', `\`${flagNames(flags)}\``);
}

/** setns(2) into the namespace open at `fd`; nstype 0 accepts any kind. */
export function setns(fd: number, nstype = 0, subject?: string): void {
  const fn = libcFunction('int setns(int fd, int nstype)');
  check(fn(fd, nstype), 'setns', subject ?? `fd ${fd}`);
}
