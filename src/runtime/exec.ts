/**
 * exec: run one more process in a running container, with Docker's rules.
 *
 * The process must end up exactly where the container's own processes are: in ALL of its namespaces (mnt, uts,
 * ipc, net, pid, and cgroup when the container has its own), in its cgroup, with its capabilities (all of the
 * caller's with --privileged), rlimits, no_new_privs, environment (config.json's, then -e) and user (-u resolved
 * against the container's /etc/passwd and /etc/group, read through /proc/<pid>/root), in its cwd (or -w).
 * Masked and read-only paths need nothing: they are mounts of the container's mount namespace already.
 *
 * Who enters what (runc's split, in spirit; CVE-2019-5736). Node never enters the container: berth-init, single-
 * threaded C, joins every namespace itself from fds, and the container sees nothing of it before its last fork.
 *
 *   CLI (Node)                                  berth-init (native/berth-init.c)      its child
 *   open /proc/<pid>/ns/{mnt,pid,net,uts,ipc,cgroup}
 *   check the pid is still the container's (start time)
 *   spawn berth-init in the host's namespaces,
 *     fds 5.. = the namespace fds        ----->  re-exec from a sealed memfd copy,
 *                                                not dumpable; read the plan
 *   cgroup.join(berth-init)
 *   write "g"                             ----->  setns(cgroup, ipc, uts, net, pid, mnt):
 *                                                root and cwd become the container's;
 *                                                rlimits, chdir, close fds, no_new_privs,
 *                                                caps, ids; fork  --------------------->  in the container's PID ns;
 *                                                relay: signals on, the                 [-d: fork, parent exits];
 *                                                child's exit as its own                 [tty], pdeathsig, execve
 *   read fd 4 until EOF (an error line = 125/126/127); berth-init's exit is the command's
 *
 * Without -d the command is the relay's child (parent-death signal SIGKILL; the relay has one for the CLI, so
 * killing the CLI kills the command, as with foreground `run`). With -d the child forks once more and exits, so the
 * command is orphaned while its parent lives in the container's PID namespace: the kernel hands it to that
 * namespace's PID 1 (never to the host's init), it keeps running after the CLI exits, and the container's PID 1
 * reaps it (an init that does not reap, such as `sleep`, leaves a zombie until the container stops; `run --init`
 * reaps). The relay counts as one process of the container's cgroup while the command runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ContainerStore } from './container-store';
import { ContainerState, processIsContainer } from './state';
import { readSpec } from './start';
import { Spec } from './spec/types';
import { InitPlan, capabilityMask } from './init-plan';
import { initPlanOf, bundlePaths } from './spec-to-init';
import { spawnInit, StdioSlot, InitProcess } from './init-process';
import { describeExecError } from './exec-error';
import { resolveUser, applyUser } from './spec/user';
import { replaceOrAppendEnv } from './spec/env';
import { CgroupManager } from '../cgroups/manager';
import { ConflictError } from '../errors/kinds';
import { ExitCode } from '../errors/exit-codes';
import { close, openat2, AT_FDCWD, O_CLOEXEC, O_DIRECTORY, O_PATH } from '../sys/fs-at';
import { readFileInRoot } from '../sys/in-root';
import { openPtyInRoot, setWindowSize } from '../sys/pty';
import { NamespaceKind } from '../sys/namespaces';

export interface ExecContext {
  containers: ContainerStore;
  cgroup: (spec: Spec) => CgroupManager;
}

export interface ExecOptions {
  /** The command and its arguments (looked up in the container's PATH). */
  args: string[];
  /** -e / --env-file entries (`K=V`, or `K` to remove K), laid over the container's environment. */
  env?: string[];
  /** -u: `name|uid[:group|gid]`; default the container's own user. */
  user?: string;
  /** -w: default the container's working directory. */
  workdir?: string;
  /** -t: a pty from the container's devpts; the caller relays `terminal`. */
  tty?: boolean;
  windowSize?: { rows: number; columns: number };
  /** --privileged: these capabilities (all the caller holds) instead of the container's. */
  privilegedCapabilities?: string[];
  /** -d: the command outlives this process (no parent-death signal, orphaned into the container). */
  detach?: boolean;
  /** fds 0-2; ignored when `tty` (the pty takes all three). */
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  trace?: boolean;
}

export interface ExecProcess {
  init: InitProcess;
  /** The pty master with -t (the caller relays it and closes it). */
  terminal?: number;
  resize(rows: number, columns: number): void;
  /** The command's exit code (128+N for signal N); with -d, berth-init's own (0 once it forked). */
  exited: Promise<number>;
}

/** The kinds berth-init joins besides the mount namespace, when the container does not share them with us. */
const ALSO_JOINED: NamespaceKind[] = ['pid', 'net', 'uts', 'ipc', 'cgroup'];
/** berth-init's fd of the first namespace (0-2 stdio, 3 plan, 4 errors). */
const FIRST_NAMESPACE_FD = 5;
const SIGKILL = 9;

function notRunning(state: ContainerState): ConflictError {
  // Docker's daemon wording; the CLI exits 1 for it.
  if (state.status === 'paused') {
    return new ConflictError(`container ${state.id} is paused, unpause the container before exec`, { exitCode: ExitCode.Failure });
  }
  return new ConflictError(`Container ${state.id} is not running`, { exitCode: ExitCode.Failure });
}

function sameNamespace(pid: number, kind: NamespaceKind): boolean {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/${kind}`) === fs.readlinkSync(`/proc/self/ns/${kind}`);
  } catch {
    return false;
  }
}

/** The container's namespaces as fds: its mount namespace, and the others it does not share with us (e.g. --network host). */
function openNamespaces(pid: number): Map<NamespaceKind, number> {
  const open = (kind: NamespaceKind) => fs.openSync(`/proc/${pid}/ns/${kind}`, fs.constants.O_RDONLY | O_CLOEXEC);
  const namespaces = new Map<NamespaceKind, number>([['mnt', open('mnt')]]);
  try {
    for (const kind of ALSO_JOINED) {
      if (!fs.existsSync(`/proc/${pid}/ns/${kind}`) || sameNamespace(pid, kind)) continue;
      namespaces.set(kind, open(kind));
    }
  } catch (err) {
    for (const fd of namespaces.values()) fs.closeSync(fd);
    throw err;
  }
  return namespaces;
}

/** Where berth-init finds each namespace: the fds are passed in the map's order from FIRST_NAMESPACE_FD on. */
function childNamespaceFds(namespaces: ReadonlyMap<NamespaceKind, number>): Partial<Record<NamespaceKind, number>> {
  return Object.fromEntries([...namespaces.keys()].map((kind, i) => [kind, FIRST_NAMESPACE_FD + i]));
}

/** Docker's exec environment: the container's, TERM=xterm with -t, then -e by key; HOME from the user's entry. */
function execEnv(spec: Spec, options: ExecOptions): string[] {
  const base = [...spec.process.env];
  if (options.tty && !base.some((e) => e.startsWith('TERM='))) base.push('TERM=xterm');
  return replaceOrAppendEnv(base, options.env ?? []);
}

function execPlan(spec: Spec, state: ContainerState, rootFd: number, options: ExecOptions, namespaces: ReadonlyMap<NamespaceKind, number>): InitPlan {
  const forExec: Spec = { ...spec, process: { ...spec.process, env: execEnv(spec, options) } };
  const userSpec = options.user ?? spec.annotations?.['berth.user'] ?? '';
  applyUser(forExec, resolveUser(userSpec, readFileInRoot(rootFd, '/etc/passwd'), readFileInRoot(rootFd, '/etc/group')));
  const base = initPlanOf(forExec, bundlePaths(state.bundle), { parentDeath: !options.detach, trace: options.trace });
  const privileged = options.privilegedCapabilities && capabilityMask(options.privilegedCapabilities);
  return {
    ...base,
    args: options.args,
    cwd: options.workdir || spec.process.cwd,
    capabilities: privileged
      ? { bounding: privileged, effective: privileged, permitted: privileged, inheritable: 0n, ambient: 0n }
      : base.capabilities,
    // Already in place in the container's mount namespace; the cgroup namespace is joined, not created.
    maskedPaths: [],
    readonlyPaths: [],
    mountProc: false,
    cgroupNamespace: false,
    readonlyRootfs: false,
    parentDeathSignal: options.detach ? undefined : SIGKILL,
    detach: options.detach,
    execNamespaces: childNamespaceFds(namespaces),
  };
}

export async function execInContainer(ctx: ExecContext, id: string, options: ExecOptions): Promise<ExecProcess> {
  const state = ctx.containers.get(id);
  if (state.status !== 'running' || !state.pid) throw notRunning(state);
  const spec = readSpec(state.bundle);
  const pid = state.pid;
  const namespaces = openNamespaces(pid);
  let rootFd: number | undefined;
  let terminal: number | undefined;
  let init: InitProcess;
  try {
    rootFd = openat2(AT_FDCWD, `/proc/${pid}/root`, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 }, `the root of container \`${state.name}\``);
    // The fds are pinned now: if the pid still has the container's start time, they are the container's.
    if (!processIsContainer(state)) throw notRunning({ ...state, status: 'stopped' });
    const plan = execPlan(spec, state, rootFd, options, namespaces);
    let stdio = options.stdio;
    let slave: number | undefined;
    if (options.tty) {
      const pty = openPtyInRoot(rootFd);
      terminal = pty.master;
      slave = pty.slave;
      if (options.windowSize) setWindowSize(pty.master, options.windowSize.rows, options.windowSize.columns);
      stdio = [slave, slave, slave];
    }
    try {
      init = spawnInit({ ...plan, tty: options.tty }, stdio, [...namespaces.values()]);
    } finally {
      if (slave !== undefined) close(slave);
    }
  } catch (err) {
    if (terminal !== undefined) close(terminal);
    throw err;
  } finally {
    if (rootFd !== undefined) close(rootFd);
    for (const fd of namespaces.values()) fs.closeSync(fd);
  }
  try {
    // Before the go byte: the command never runs outside the container's cgroup.
    ctx.cgroup(spec).join(init.pid);
  } catch (err) {
    init.abort();
    await init.exited;
    if (terminal !== undefined) close(terminal);
    throw err;
  }
  init.go();
  const failure = await init.started;
  if (failure) {
    await init.exited;
    if (terminal !== undefined) close(terminal);
    throw describeExecError(failure, options.args, options.workdir || spec.process.cwd);
  }
  const exited = init.exited.then(({ code, signal }) => {
    if (code !== null) return code;
    const number = signal ? (os.constants.signals[signal] as number | undefined) : undefined;
    return 128 + (number ?? SIGKILL);
  });
  const resize = (rows: number, columns: number) => {
    if (terminal === undefined) return;
    try {
      setWindowSize(terminal, rows, columns);
    } catch {
      // the exec'd process is gone
    }
  };
  return { init, terminal, resize, exited };
}
