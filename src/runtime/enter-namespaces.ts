/**
 * Running code inside a container's new namespaces from Node's main thread.
 *
 * Why here and not in a helper process: unshare/setns move only the calling
 * thread, and a Node process cannot fork safely, so the CLI's main thread
 * itself steps into fresh mount/UTS/IPC/net namespaces (and makes the next
 * child PID 1 of a fresh PID namespace), builds the container's filesystem
 * there with plain syscalls, spawns berth-init (which inherits all of it),
 * and steps back with setns before returning. While it is inside, the
 * process must not start a thread: after unshare(CLONE_NEWPID) the kernel
 * refuses new threads (so no fs.promises, no Worker, no dns) — `fn` must be
 * synchronous. Back in its own PID namespace, threads and spawns work again
 * (measured; a process left in the new PID namespace could not spawn once
 * the container's PID 1 exits). Threads that already existed (libuv's pool,
 * V8's helpers) never left the host namespaces; unshare(CLONE_FS) gives the
 * main thread its own root and cwd so that setns into a mount namespace is
 * allowed for a multithreaded process.
 *
 * Only `run`/`start` come here, to build a container that does not exist
 * yet. `berth exec` never puts Node in a running container's namespaces:
 * a process of the container could see and reach it there. berth-init
 * joins them itself from fds (src/runtime/exec.ts, native/berth-init.c).
 */
import * as fs from 'node:fs';
import { CLONE_FS, NAMESPACE_FLAGS, NamespaceKind } from '../sys/namespaces';
import { HostCalls, realHostCalls } from './host-calls';

/** The order to step back: the mount namespace last, once the others are restored. */
const RESTORE_ORDER: NamespaceKind[] = ['pid', 'net', 'ipc', 'uts', 'cgroup', 'mnt'];

/** What withNewNamespaces does: fresh namespaces to unshare, and existing ones (by path) to join with setns. */
export interface NamespaceChanges {
  unshare: readonly NamespaceKind[];
  join: ReadonlyArray<{ kind: NamespaceKind; path: string }>;
}

export function withNewNamespaces<T>(changes: readonly NamespaceKind[] | NamespaceChanges, fn: () => T, sys: HostCalls = realHostCalls): T {
  const { unshare: kinds, join } = Array.isArray(changes) ? { unshare: changes as readonly NamespaceKind[], join: [] } : (changes as NamespaceChanges);
  const joinedKinds = join.map((j) => j.kind);
  for (const kind of joinedKinds) {
    if (kinds.includes(kind)) throw new Error(`withNewNamespaces: the ${kind} namespace is both unshared and joined`);
    if (kind === 'mnt' || kind === 'pid') throw new Error(`withNewNamespaces: the ${kind} namespace cannot be joined here`);
  }
  const saved = new Map<NamespaceKind, number>();
  for (const kind of RESTORE_ORDER) {
    if (kinds.includes(kind) || joinedKinds.includes(kind)) saved.set(kind, fs.openSync(`/proc/self/ns/${kind}`, fs.constants.O_RDONLY));
  }
  try {
    sys.unshare(CLONE_FS);
    sys.unshare(kinds.reduce((flags, kind) => flags | NAMESPACE_FLAGS[kind], 0));
    try {
      for (const { kind, path } of join) joinNamespace(kind, path, sys);
      return fn();
    } finally {
      stepBack(saved, sys);
    }
  } finally {
    for (const fd of saved.values()) fs.closeSync(fd);
  }
}

/** setns into the namespace at `path`, checking that it is a namespace of that kind (nstype). */
function joinNamespace(kind: NamespaceKind, path: string, sys: HostCalls): void {
  const fd = fs.openSync(path, fs.constants.O_RDONLY);
  try {
    sys.setns(fd, NAMESPACE_FLAGS[kind], `the ${kind} namespace at \`${path}\``);
  } finally {
    fs.closeSync(fd);
  }
}

function stepBack(saved: ReadonlyMap<NamespaceKind, number>, sys: HostCalls): void {
  for (const [kind, fd] of saved) {
    try {
      sys.setns(fd, NAMESPACE_FLAGS[kind], `back into the host's ${kind} namespace`);
    } catch (err) {
      // The process is now half inside a container: nothing it does next can be trusted.
      process.stderr.write(`Error: ${(err as Error).message}: berth cannot continue\n`);
      process.exit(125);
    }
  }
}

