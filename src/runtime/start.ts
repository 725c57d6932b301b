/**
 * start: refresh status, check the container may start, build its
 * filesystem inside fresh namespaces, spawn berth-init there, put it in
 * its cgroup, let it exec the user's command, save `running`. The
 * returned `exited` promise records the exit (code, time, OOM) and tears
 * the cgroup down.
 */
import * as fs from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { ContainerStore } from './container-store';
import { ContainerState, processStartTime } from './state';
import { assertCan } from './status';
import { Spec } from './spec/types';
import { bundlePaths, initPlanOf, namespacesToUnshare, rootfsSetupOf } from './spec-to-init';
import { setupRootfs } from './rootfs-setup';
import { withNewNamespaces } from './enter-namespaces';
import { spawnInit, describeInitError, StdioSlot, InitProcess } from './init-process';
import { resolveUser, applyUser } from './spec/user';
import { resourcesOf } from './resources';
import { CgroupManager } from '../cgroups/manager';
import { LayerStore } from '../storage/layer-store';
import { close, openat2, O_CLOEXEC, O_DIRECTORY, O_PATH } from '../sys/fs-at';
import { ensureInRoot, readFileInRoot, fdPath } from '../sys/in-root';
import { openPtyInRoot, setWindowSize, Pty } from '../sys/pty';
import { mount, MS_BIND } from '../sys/mount';

export interface RuntimeContext {
  containers: ContainerStore;
  layers: LayerStore;
  cgroup: (spec: Spec) => CgroupManager;
  /** The volume store's answers for the once-only copy of the image's content into new volumes. */
  volumes?: VolumeContent;
}

export interface VolumeContent {
  needsContent(name: string): boolean;
  markPopulated(name: string): void;
}

export interface StartOptions {
  /** Ignored for fds the pty takes (all three when the spec asks for a terminal). */
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  /** Initial size of the container's terminal, when the spec has one. */
  windowSize?: { rows: number; columns: number };
  /** Kill the container when this process dies (foreground runs, until the monitor lands). */
  parentDeath: boolean;
  trace?: boolean;
}

export interface ExitStatus {
  exitCode: number;
  oomKilled: boolean;
}

export interface StartedContainer {
  state: ContainerState;
  init: InitProcess;
  /** The pty master of a terminal container (the caller relays it and closes it). */
  terminal?: number;
  /** Sets the terminal's window size (SIGWINCH reaches the container). */
  resize(rows: number, columns: number): void;
  exited: Promise<ExitStatus>;
  /**
   * The container's stdout and stderr when `stdio` asked for pipes (else null). They buffer from the
   * moment of spawn: the child's own streams are drained by Node once it exits unread, and a short-lived
   * command may exit before `start` resolves.
   */
  stdout: Readable | null;
  stderr: Readable | null;
}

export function readSpec(bundle: string): Spec {
  return JSON.parse(fs.readFileSync(`${bundle}/config.json`, 'utf8')) as Spec;
}

/** The user and working directory can only be resolved against the container's own files. */
export function resolveInRootfs(spec: Spec, rootfs: string): void {
  const rootFd = openat2(-100, rootfs, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  try {
    const userSpec = spec.annotations['berth.user'] ?? '';
    const user = resolveUser(userSpec, readFileInRoot(rootFd, '/etc/passwd'), readFileInRoot(rootFd, '/etc/group'));
    applyUser(spec, user);
    // Docker creates a missing working directory.
    close(ensureInRoot(rootFd, spec.process.cwd, 'dir'));
  } finally {
    close(rootFd);
  }
}

/** A pty in the container's devpts, its slave also bound over /dev/console (as Docker does). */
export function openTerminal(rootfs: string, size: { rows: number; columns: number } | undefined): Pty {
  const rootFd = openat2(-100, rootfs, { flags: O_PATH | O_DIRECTORY | O_CLOEXEC, resolve: 0 });
  try {
    const pty = openPtyInRoot(rootFd);
    if (size) setWindowSize(pty.master, size.rows, size.columns);
    const source = ensureInRoot(rootFd, `/dev/pts/${pty.number}`, 'file');
    const console = ensureInRoot(rootFd, '/dev/console', 'file');
    try {
      mount(fdPath(source), fdPath(console), null, MS_BIND, null, 'bind the terminal on `/dev/console`');
    } finally {
      close(source);
      close(console);
    }
    return pty;
  } finally {
    close(rootFd);
  }
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? (require('node:os').constants.signals[signal] as number | undefined) : undefined;
  return 128 + (number ?? 9);
}

export async function startContainer(ctx: RuntimeContext, id: string, options: StartOptions): Promise<StartedContainer> {
  const { containers } = ctx;
  return containers.withContainerLock(id, async () => {
    const state = containers.get(id);
    assertCan('start', state.status, state.name);
    const paths = bundlePaths(state.bundle);
    const spec = readSpec(state.bundle);
    const lowerDirs = ctx.layers.lowerDirs(state.topLayer);
    for (const dir of [paths.rootfs, paths.upper, paths.work]) await fs.promises.mkdir(dir, { recursive: true });
    const copies = (state.volumes ?? []).filter((v) => v.copyData && ctx.volumes?.needsContent(v.name));
    const cgroup = ctx.cgroup(spec);
    cgroup.create();
    let init: InitProcess;
    let terminal: number | undefined;
    try {
      cgroup.apply(resourcesOf(spec));
      init = withNewNamespaces(namespacesToUnshare(spec), () => {
        const filled = setupRootfs({ ...rootfsSetupOf(spec, paths, lowerDirs), volumeCopies: copies.map((v) => v.destination) });
        for (const v of copies) if (filled.includes(v.destination)) ctx.volumes?.markPopulated(v.name);
        resolveInRootfs(spec, paths.rootfs);
        const plan = initPlanOf(spec, paths, { parentDeath: options.parentDeath, trace: options.trace });
        if (!spec.process.terminal) return spawnInit(plan, options.stdio);
        const pty = openTerminal(paths.rootfs, options.windowSize);
        terminal = pty.master;
        try {
          return spawnInit({ ...plan, tty: true }, [pty.slave, pty.slave, pty.slave]);
        } finally {
          close(pty.slave);
        }
      });
    } catch (err) {
      if (terminal !== undefined) close(terminal);
      cgroup.destroy();
      throw err;
    }
    const stdout = heldOpen(init.child.stdout);
    const stderr = heldOpen(init.child.stderr);
    try {
      cgroup.join(init.pid);
    } catch (err) {
      init.abort();
      await init.exited;
      cgroup.destroy();
      throw err;
    }
    init.go();
    const failure = await init.started;
    if (failure) {
      await init.exited;
      cgroup.destroy();
      const error = describeInitError(failure, spec.process.args);
      state.exitCode = error.exitCode;
      containers.save(state);
      throw error;
    }
    state.status = 'running';
    state.supervisor = { pid: process.pid, startTime: processStartTime(process.pid) };
    state.pid = init.pid;
    state.pidStartTime = processStartTime(init.pid);
    state.startedAt = new Date().toISOString();
    state.finishedAt = undefined;
    state.exitCode = undefined;
    state.oomKilled = false;
    containers.save(state);
    const exited = init.exited.then(async ({ code, signal }) => {
      const status: ExitStatus = { exitCode: exitCodeOf(code, signal), oomKilled: safe(() => cgroup.oomKilled(), false) };
      await containers.withContainerLock(id, () => {
        const latest = containers.find(id);
        if (latest) {
          latest.status = 'stopped';
          latest.pid = undefined;
          latest.supervisor = undefined;
          latest.exitCode = status.exitCode;
          latest.oomKilled = status.oomKilled;
          latest.finishedAt = new Date().toISOString();
          // A --rm container is about to be deleted: its exit record need not survive a crash.
          containers.save(latest, { durable: !latest.autoRemove });
        }
      });
      safe(() => cgroup.destroy(), undefined);
      return status;
    });
    const resize = (rows: number, columns: number) => {
      if (terminal !== undefined) safe(() => setWindowSize(terminal!, rows, columns), undefined);
    };
    return { state, init, exited, terminal, resize, stdout, stderr };
  });
}

/** A buffer in front of a child's pipe, attached at once so that nothing is lost before the caller reads. */
function heldOpen(stream: Readable | null): Readable | null {
  if (!stream) return null;
  const buffer = new PassThrough();
  stream.pipe(buffer);
  return buffer;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
