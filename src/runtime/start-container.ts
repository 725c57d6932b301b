/**
 * start, for every container (`run`, `run -d`, `start [-a]`, the library):
 * berth-init's parent is berth-monitor, which outlives the CLI. The CLI
 * unshares every namespace but the PID one, builds the rootfs, keeps fds of
 * those namespaces, steps back, and hands them to the monitor, which forks
 * berth-init into them (and into a new PID namespace). A foreground client
 * connects to the monitor's attach socket before the go byte, so it sees
 * all of the output. The state says `running` before the go byte is sent,
 * so a CLI killed at any moment leaves either nothing running or a
 * container its state knows about; the monitor records the exit in the
 * bundle and keeps the json-file log, foreground or not.
 */
import * as fs from 'node:fs';
import { ContainerState, processStartTime } from './state';
import { assertCan } from './status';
import { RuntimeContext, readSpec, resolveInRootfs, openTerminal } from './start';
import { bundleLowerDirs, bundlePaths, initPlanOf, namespacesToJoin, namespacesToUnshare, rootfsSetupOf } from './spec-to-init';
import { resolveContainerNamespaces } from './shared-namespaces';
import { setupRootfs } from './rootfs-setup';
import { withNewNamespaces } from './enter-namespaces';
import { describeInitError } from './init-process';
import { spawnMonitor, MonitorProcess } from './monitor-process';
import { removeExitRecord, clearStoppedByUser, manuallyStoppedPath } from './exit-file';
import { resourcesOf } from './resources';
import { attachSocketPath, Attachment, connectAttach } from './attach-client';
import { NamespaceKind } from '../sys/namespaces';
import { close } from '../sys/fs-at';
import { crashPoint } from '../sys/crash-point';

export interface StartOptions {
  /** The data root, for the monitor's `rm -f` of a --rm container and its restarts. */
  root: string;
  /** Where the monitor's attach socket goes (the data root's `sockets` directory). */
  sockets: string;
  /** Connect to the container's output (and stdin) before it runs: nothing it prints is missed. */
  attach?: boolean;
  /** With `attach`: the caller removes an auto-remove container itself once it has exited (the monitor does not). */
  removeOnExit?: boolean;
  /** The terminal's first size, for a container with one. */
  windowSize?: { rows: number; columns: number };
  /** Set when the monitor restarts the container (its restart policy): the back-off it waited. */
  restartTimeoutMs?: number;
  trace?: boolean;
}

export interface StartedContainer {
  state: ContainerState;
  /** With `attach`: the connection to the container's stdio. */
  attachment?: Attachment;
}

export async function startContainer(ctx: RuntimeContext, id: string, options: StartOptions): Promise<StartedContainer> {
  const { containers } = ctx;
  return containers.withContainerLock(id, async () => {
    const state = containers.get(id);
    assertCan('start', state.status, state.name);
    const previous = { status: state.status, exitCode: state.exitCode };
    const paths = bundlePaths(state.bundle);
    const spec = resolveContainerNamespaces(readSpec(state.bundle), id, (ref) => containers.get(ref));
    const lowerDirs = bundleLowerDirs(state.bundle, ctx.layers.lowerDirs(state.topLayer));
    for (const dir of [paths.rootfs, paths.upper, paths.work]) await fs.promises.mkdir(dir, { recursive: true });
    await fs.promises.mkdir(options.sockets, { recursive: true, mode: 0o700 });
    const socket = attachSocketPath(options.sockets, id);
    removeExitRecord(state.bundle);
    const automatic = options.restartTimeoutMs !== undefined;
    // A restart the user stopped during the back-off does not happen; a start by hand clears that stop.
    if (automatic && fs.existsSync(manuallyStoppedPath(state.bundle))) return { state };
    if (!automatic) clearStoppedByUser(state.bundle);
    const restartCount = automatic ? (state.restartCount ?? 0) + 1 : 0;
    const copies = (state.volumes ?? []).filter((v) => v.copyData && ctx.volumes?.needsContent(v.name));
    const kinds = namespacesToUnshare(spec);
    const joined = kinds.filter((k) => k !== 'pid');
    const shared = namespacesToJoin(spec); // --network/--ipc container:X: the CLI setns()es, the monitor follows
    const cgroup = ctx.cgroup(spec);
    cgroup.create();
    const held: Array<[NamespaceKind, number]> = [];
    let terminal: { master: number; slave: number } | undefined;
    let monitor: MonitorProcess;
    try {
      cgroup.apply(resourcesOf(spec));
      withNewNamespaces({ unshare: joined, join: shared }, () => {
        const filled = setupRootfs({ ...rootfsSetupOf(spec, paths, lowerDirs), volumeCopies: copies.map((v) => v.destination) });
        for (const v of copies) if (filled.includes(v.destination)) ctx.volumes?.markPopulated(v.name);
        resolveInRootfs(spec, paths.rootfs);
        if (spec.process.terminal) terminal = openTerminal(paths.rootfs, options.windowSize);
        for (const kind of [...joined, ...shared.map((s) => s.kind)]) held.push([kind, fs.openSync(`/proc/self/ns/${kind}`, fs.constants.O_RDONLY)]);
      });
      const plan = initPlanOf(spec, paths, { parentDeath: false, trace: options.trace });
      monitor = spawnMonitor({
        attachSocket: socket,
        openStdin: state.hostConfig.interactive,
        id,
        bundle: state.bundle,
        plan: terminal ? { ...plan, tty: true } : plan,
        newPidNamespace: kinds.includes('pid'),
        namespaces: held,
        terminal,
        root: options.root,
        autoRemove: state.autoRemove,
        restart: { ...(state.hostConfig.restartPolicy ?? { name: 'no', maximumRetryCount: 0 }), restartCount, timeoutMs: options.restartTimeoutMs ?? 0 },
      });
    } catch (err) {
      cgroup.destroy();
      throw err;
    } finally {
      // The monitor has its own copies; the namespaces live on in berth-init.
      for (const [, fd] of held) close(fd);
      if (terminal) {
        close(terminal.master);
        close(terminal.slave);
      }
    }
    let pid: number;
    let attachment: Attachment | undefined;
    try {
      pid = await monitor.initPid;
      cgroup.join(pid);
      if (options.attach) {
        attachment = await connectAttach(socket);
        // Before the go byte: a command that exits at once must not leave the removal to the monitor too.
        if (options.removeOnExit) attachment.claimRemoval();
      }
    } catch (err) {
      attachment?.detach();
      monitor.abort();
      safeDestroy(() => cgroup.destroy());
      throw err;
    }
    state.status = 'running';
    state.pid = pid;
    state.pidStartTime = processStartTime(pid);
    state.startedAt = new Date().toISOString();
    state.finishedAt = undefined;
    state.exitCode = undefined;
    state.oomKilled = false;
    state.restartCount = restartCount;
    containers.save(state, { durable: true });
    crashPoint('start:before-go');
    monitor.go();
    const failure = await monitor.started;
    if (failure) {
      attachment?.detach();
      const error = describeInitError(failure, spec.process.args);
      state.status = previous.status;
      state.pid = undefined;
      state.pidStartTime = undefined;
      state.exitCode = error.exitCode;
      containers.save(state);
      throw error;
    }
    return { state, attachment };
  });
}

function safeDestroy(fn: () => void): void {
  try {
    fn();
  } catch {
    // berth-init may still be leaving the cgroup: `rm` removes it later
  }
}
