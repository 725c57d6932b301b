/**
 * The container half of the engine API: create, start, run, list, kill,
 * wait, remove, inspect. Every verb reads the container's status as the
 * kernel tells it (ContainerStore.load, which never writes); the verbs that
 * change a container do so under its lock, which records an ended run's
 * exit first and then thaws a freeze that a killed commit left (the store's
 * lock hook); `settle` does both for the verbs that do not wait for the
 * lock (kill, stop, exec, attach, start of a running container). The reads
 * a user makes (list, get, find, wait) record such an exit too when nobody
 * holds the lock (reconcileIfFree), so `die` and the cgroup's release do not
 * wait for the next change.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DataRoot } from '../../config/layout';
import { Images } from '../images/images';
import { ContainerStore, LOST_EXIT_CODE } from '../../runtime/container-store';
import { ContainerState, cgroupPathsOf, processIsContainer } from '../../runtime/state';
import { assertCan, isActive } from '../../runtime/status';
import { RuntimeContext, readSpec, ExitStatus } from '../../runtime/start';
import { LayerStore } from '../../storage/layer-store';
import { detectLayout, cgroupManager, CgroupLayout } from '../../cgroups/detect';
import { pidfdOpen, pidfdSendSignal } from '../../sys/process';
import { close } from '../../sys/fs-at';
import { createContainer, CreateRequest } from './create';
import { pruneContainers, PruneContainersResult } from './prune';
import type { ContainerTop } from './top';
import type { ContainerInspect } from './inspect';
import type { ContainerStats } from './stats';
import type { CgroupManager } from '../../cgroups/manager';
import { ConflictError, NotFoundError } from '../../errors/kinds';
import { SyscallError } from '../../errors/syscall-error';

const ESRCH = 3;
import { Volumes } from '../volumes/volumes';
import type { CommitOptions, CommitResult } from './commit';
import type { Change } from '../../storage/container-changes';
import type { ExecRequest, ExecProcess } from './exec';
import type { CopyOptions, CopyResult } from './copy/copy';
import { startContainer } from '../../runtime/start-container';
import { bundleLowerDirs, bundlePaths } from '../../runtime/spec-to-init';
import { directorySize } from './disk-usage';
import { attachSocketPath, connectAttach } from '../../runtime/attach-client';
import { attachedContainer, AttachedContainer } from './attached';
import { livingMonitor, logPath, markStoppedByUser } from '../../runtime/exit-file';
import { removeContainer, RemoveContainerOptions } from './remove';
import { stopContainer } from './stop';
import { signalNumber } from './signal';
import type { LogEntry, LogsOptions } from './logs';
import { pauseContainer, unpauseContainer } from '../../runtime/pause';
import { releaseExitedCgroup } from '../../runtime/exit-cgroup';
import { thawAbandonedFreeze } from '../../runtime/commit-freeze';
import { EventLog } from '../events/record';
import type { Spec } from '../../runtime/spec/types';
import { updateContainer, UpdateRequest, validateUpdateRequest } from './update';

// The verbs `run` does not use (commit, cp, exec, logs, ...) pull in tar, zlib and more: load them on first
// use, so that start-up of `run` never evaluates them.
const lazy = {
  commit: () => require('./commit') as typeof import('./commit'),
  diff: () => require('./diff') as typeof import('./diff'),
  export: () => require('./export') as typeof import('./export'),
  exec: () => require('./exec') as typeof import('./exec'),
  copy: () => require('./copy/copy') as typeof import('./copy/copy'),
  top: () => require('./top') as typeof import('./top'),
  stats: () => require('./stats') as typeof import('./stats'),
  logs: () => require('./logs') as typeof import('./logs'),
  inspect: () => require('./inspect') as typeof import('./inspect'),
};

export interface AttachedStartOptions {
  /** This caller removes an auto-remove (`--rm`) container itself once it has exited; else its monitor does. */
  removeOnExit?: boolean;
  /** The first size of the container's terminal, when it has one. */
  windowSize?: { rows: number; columns: number };
  /** berth-init prints each step on the container's stderr (for tests of the order of operations). */
  trace?: boolean;
}

export type { RemoveContainerOptions } from './remove';

export class Containers {
  readonly store: ContainerStore;
  /** The event log `berth events` reads (src/api/events/record.ts). */
  readonly events: EventLog;
  private layoutCache?: CgroupLayout;

  constructor(
    readonly layout: DataRoot,
    private readonly images: Images,
    private readonly layers: LayerStore,
    private readonly volumes: Volumes = new Volumes(layout),
  ) {
    this.events = new EventLog(layout);
    this.store = new ContainerStore(
      layout,
      (state) => {
        releaseExitedCgroup(state, () => this.cgroupOf(state));
        this.events.containerDied(state);
      },
      (id) => {
        const state = this.store.load(id);
        if (state) thawAbandonedFreeze(state.bundle, () => state.status, () => this.cgroupOf(state));
      },
    );
  }

  private cgroupLayout(): CgroupLayout {
    this.layoutCache ??= detectLayout();
    return this.layoutCache;
  }

  private runtime(): RuntimeContext {
    return {
      containers: this.store,
      layers: this.layers,
      cgroup: (spec) => cgroupManager(this.cgroupLayout(), spec.linux.cgroupsPath),
      volumes: {
        needsContent: (name) => this.volumes.needsContent(name),
        markPopulated: (name) => this.volumes.markPopulated(name),
      },
    };
  }

  create(request: CreateRequest): Promise<ContainerState> {
    return createContainer(this.images, this.store, this.volumes, request, this.cgroupLayout().version).then((s) => this.events.container(s, 'create'));
  }

  /**
   * Starts the container attached to its stdio (`run`, `start -a`): connected before it runs, so no output is
   * missed. It runs under berth-monitor all the same: it outlives this process, which may detach.
   */
  async start(ref: string, options: AttachedStartOptions = {}): Promise<AttachedContainer> {
    const { state, attachment } = await startContainer(this.runtime(), this.store.get(ref).id, {
      ...this.startPaths(),
      attach: true,
      removeOnExit: options.removeOnExit,
      windowSize: options.windowSize,
      trace: options.trace,
    });
    this.events.container(state, 'start');
    return attachedContainer(state, attachment!, () => this.exitOf(state.id));
  }

  /** Docker's `attach`: the output (from now on) and stdin of a running container. */
  async attach(ref: string): Promise<AttachedContainer> {
    const { id } = this.store.get(ref);
    this.store.settle(id);
    const state = this.store.get(id);
    if (state.status === 'paused') throw new ConflictError('You cannot attach to a paused container, unpause it first');
    if (state.status !== 'running') throw new ConflictError('You cannot attach to a stopped container, start it first');
    const attachment = await connectAttach(attachSocketPath(this.layout.sockets, state.id));
    return attachedContainer(state, attachment, () => this.exitOf(state.id));
  }

  /** The exit of a container whose monitor has ended its attach stream (recorded by then), or once it stops. */
  private async exitOf(id: string): Promise<ExitStatus> {
    const exitCode = await this.wait(id);
    // Recorded (the OOM kill read from the cgroup) before it is told.
    const recorded = await this.store.reconcile(id);
    return { exitCode, oomKilled: recorded?.oomKilled ?? false };
  }

  /**
   * Records the exit of a container whose run has ended, as podman's `container cleanup` does: the OOM kill,
   * the cgroup released, `die` once, the state saved; under the container's lock (ContainerStore.reconcileHeld).
   * Nothing to do for a container that runs; undefined once it is removed.
   */
  reconcile(ref: string): Promise<ContainerState | undefined> {
    return this.store.reconcile(this.store.get(ref).id);
  }

  private startPaths(): { root: string; sockets: string } {
    return { root: this.layout.root, sockets: this.layout.sockets };
  }

  /** Docker's `exec`: one more process in a running container (src/runtime/exec.ts). */
  exec(ref: string, request: ExecRequest): Promise<ExecProcess> {
    const id = this.store.get(ref).id;
    this.store.settle(id);
    return lazy.exec().execRequest(this.runtime(), id, request);
  }

  /** Starts in the background under berth-monitor (`run -d`, `start`); a running container is left as it is. */
  async startDetached(ref: string, options: { restartTimeoutMs?: number; trace?: boolean } = {}): Promise<ContainerState> {
    const state = this.store.get(ref);
    if (isActive(state)) {
      this.store.settle(state.id);
      return state;
    }
    const started = (await startContainer(this.runtime(), state.id, { ...this.startPaths(), ...options })).state;
    if (started.status === 'running') this.events.container(started, 'start');
    return started;
  }

  /** Docker's `stop`: the stop signal, `timeoutSeconds` (default: the container's, else 10) to exit, then SIGKILL. */
  stop(ref: string, timeoutSeconds?: number): Promise<ContainerState> {
    const { id, bundle } = this.store.get(ref);
    markStoppedByUser(bundle); // also cancels a restart waiting out its back-off
    this.store.settle(id); // the stop signal reaches no frozen process
    const deps = { find: (id: string) => this.store.reconcileIfFree(id), kill: (id: string, signal: string | number) => this.killAndThaw(id, signal) };
    return stopContainer(deps, this.store.get(id), timeoutSeconds)
      .then(async (s) => (await this.store.reconcile(s.id)) ?? s) // its `die` before the `stop` (removed meanwhile: as it was)
      .then((s) => this.events.container(s, 'stop'));
  }

  /** Docker's `pause`: freezes every process of the container. */
  pause(ref: string): Promise<ContainerState> {
    return pauseContainer(this.store, this.store.get(ref).id, (s) => this.cgroupOf(s)).then((s) => this.events.container(s, 'pause'));
  }

  unpause(ref: string): Promise<ContainerState> {
    return unpauseContainer(this.store, this.store.get(ref).id, (s) => this.cgroupOf(s)).then((s) => this.events.container(s, 'unpause'));
  }

  /** A frozen container acts on a signal only once thawed (v1 freezer): send, then thaw, as Docker does. */
  private async killAndThaw(ref: string, signal: string | number): Promise<void> {
    const state = this.kill(ref, signal);
    if (state.status !== 'paused') return;
    await this.store.withContainerLock(state.id, () => {
      this.cgroupOf(state).thaw();
      const latest = this.store.find(state.id);
      if (latest?.status === 'paused') this.store.save({ ...latest, status: 'running' }, { durable: true });
    });
  }

  /** Docker's `restart`: stop, then start detached. */
  async restart(ref: string, timeoutSeconds?: number): Promise<ContainerState> {
    const stopped = await this.stop(ref, timeoutSeconds);
    return this.startDetached(stopped.id).then((s) => this.events.container(s, 'restart'));
  }

  /** The container's json-file log entries; with `follow`, until it stops and its monitor has drained. */
  logs(ref: string, options: LogsOptions = {}): AsyncGenerator<LogEntry> {
    const { id, bundle } = this.store.get(ref);
    const active = () => isActive(this.store.find(id)) || livingMonitor(bundle) !== undefined;
    return lazy.logs().readLogs(logPath(bundle, id), options, active);
  }

  /** Docker's `cp SRC|- CONTAINER:DEST` (src/api/containers/copy/): running or stopped containers. */
  copyTo(ref: string, source: string | NodeJS.ReadableStream, destPath: string, options?: CopyOptions): Promise<CopyResult> {
    return new (lazy.copy().ContainerCopy)(this.store, this.layers, this.layout.tmp).toContainer(ref, source, destPath, options);
  }

  /** Docker's `cp CONTAINER:SRC DEST|-`; a stream destination receives a tar archive. */
  copyFrom(ref: string, srcPath: string, destination: string | NodeJS.WritableStream, options?: CopyOptions): Promise<CopyResult> {
    return new (lazy.copy().ContainerCopy)(this.store, this.layers, this.layout.tmp).fromContainer(ref, srcPath, destination, options);
  }

  list(options: { all?: boolean } = {}): ContainerState[] {
    const all = this.store.listReconciled();
    return options.all ? all : all.filter((c) => isActive(c) || c.restarting);
  }

  get(ref: string): ContainerState {
    const state = this.find(ref);
    if (!state) throw new NotFoundError(`No such container: ${ref}`);
    return state;
  }

  /** By ID, name or unique ID prefix; undefined when none matches. */
  find(ref: string): ContainerState | undefined {
    return this.store.findReconciled(ref);
  }

  /** Docker's `container inspect` document; the image's parts are left empty when the image is gone (`rmi -f`). */
  inspect(ref: string): ContainerInspect {
    const state = this.store.get(ref);
    const orUndefined = <T>(read: () => T): T | undefined => {
      try {
        return read();
      } catch {
        return undefined;
      }
    };
    return lazy.inspect().inspectContainer(state, {
      imageConfig: () => orUndefined(() => this.images.config(state.imageId)),
      imageLowerDirs: () => orUndefined(() => this.layers.lowerDirs(state.topLayer)) ?? [],
      volumeSource: (name) => this.volumes.get(name).Mountpoint,
    });
  }

  /** Docker's SizeRw and SizeRootFs: the bytes of the writable layer, and those plus the image's. */
  layerSize(state: ContainerState): { rw: number; rootFs: number } {
    const rw = directorySize(bundlePaths(state.bundle).upper, { hardLinksOnce: true });
    const image = this.images.store.images.has(state.imageId) ? this.images.store.images.get(state.imageId).size : 0;
    return { rw, rootFs: rw + image };
  }

  /** Images in use by any container, for `rmi` (Docker refuses to remove them). */
  imageUser(imageId: string): string | undefined {
    return this.store.list().find((c) => c.imageId === imageId)?.id;
  }

  /** IDs of the containers (running or not) that mount a volume: Docker refuses to remove it. */
  volumeUsers(name: string): string[] {
    return this.store.list().filter((c) => (c.volumes ?? []).some((v) => v.name === name)).map((c) => c.id);
  }

  /** Layers that containers' root filesystems stack on. */
  layersInUse(): Set<string> {
    return new Set(this.store.list().flatMap((c) => (c.topLayer ? this.layers.lowerChain(c.topLayer) : [])));
  }

  /** Docker's `rename`: the container keeps its ID, state and cgroup; only the name changes. */
  async rename(ref: string, newName: string): Promise<ContainerState> {
    const state = this.store.get(ref);
    if (newName.replace(/^\//, '') === state.name) {
      throw new ConflictError(`rename \`${state.name}\`: renaming a container with the same name as its current name`);
    }
    await this.store.rename(state.id, newName);
    return this.events.container(this.store.get(state.id), 'rename', { oldName: `/${state.name}` });
  }

  /** Docker's `container prune`: removes every container that is not running or paused. */
  prune(): Promise<PruneContainersResult> {
    return pruneContainers(this.store.list(), (id) => this.remove(id));
  }

  /** Docker's `top`: host `ps` (default `-ef`) over the container's processes. */
  top(ref: string, psArgs: readonly string[] = []): ContainerTop {
    const state = this.store.get(ref);
    if (state.status !== 'running' && state.status !== 'paused') throw new ConflictError(`Container ${state.id} is not running`);
    return lazy.top().topOfPids(this.cgroupOf(state).pids(), psArgs);
  }

  /**
   * Docker's `stats --no-stream`: the named containers (default: the running
   * ones), each sampled twice `intervalMs` apart for its CPU %.
   */
  async stats(refs: readonly string[] = [], options: { intervalMs?: number } = {}): Promise<ContainerStats[]> {
    const states = refs.length > 0 ? refs.map((r) => this.store.get(r)) : this.list();
    const managers = states.map((s) => (isActive(s) ? this.cgroupOf(s) : undefined));
    const before = states.map((s, i) => lazy.stats().sampleStats(s, managers[i]));
    await sleep(options.intervalMs ?? 1000);
    return states.map((s, i) => lazy.stats().statsRow(s, before[i], lazy.stats().sampleStats(this.store.find(s.id) ?? s, managers[i])));
  }

  /** The cgroup of a container: the one its state recorded, else its spec's, else the convention's. */
  private cgroupOf(state: ContainerState): CgroupManager {
    return this.cgroupsOf(state)[0];
  }

  /** Every cgroup the container may have (state.ts cgroupPathsOf), for removal. */
  private cgroupsOf(state: ContainerState): CgroupManager[] {
    const managers: CgroupManager[] = [];
    for (const cgroupPath of cgroupPathsOf(state, () => readSpec(state.bundle).linux.cgroupsPath)) {
      try {
        managers.push(cgroupManager(this.cgroupLayout(), cgroupPath));
      } catch {
        // a path a damaged record made up: not a cgroup of ours
      }
    }
    return managers;
  }

  /** Docker's `update`: new limits, live in the cgroup of a running container, and kept for its next starts. */
  update(ref: string, request: UpdateRequest): Promise<ContainerState> {
    const cgroupOf = (spec: Spec): CgroupManager => cgroupManager(this.cgroupLayout(), spec.linux.cgroupsPath);
    return updateContainer({ store: this.store, cgroupOf }, ref, request).then((s) => this.events.container(s, 'update'));
  }

  /** The checks `update` makes on its flags alone, before any container is touched. */
  validateUpdate(request: UpdateRequest): void {
    validateUpdateRequest(request);
  }

  /** Docker's `diff`: A/C/D changes of the writable layer against the image. */
  diff(ref: string): Change[] {
    const state = this.store.get(ref);
    return lazy.diff().diffContainer(state, this.lowerDirsOf(state));
  }

  /** Docker's `commit`: the writable layer as a new image (the container frozen meanwhile unless `pause: false`). */
  commit(ref: string, options: CommitOptions = {}): Promise<CommitResult> {
    const id = this.store.get(ref).id;
    return this.store.withContainerLock(id, () => {
      const state = this.store.get(id);
      let spec: ReturnType<typeof readSpec> | undefined;
      try {
        spec = readSpec(state.bundle);
      } catch {
        spec = undefined;
      }
      const running = state.status === 'running' && spec !== undefined;
      const cgroup = running ? cgroupManager(this.cgroupLayout(), spec!.linux.cgroupsPath) : undefined;
      return lazy.commit().commitContainer(this.images.store, { state, spec, lowerDirs: this.lowerDirsOf(state), cgroup }, options);
    }).then((r) => (this.events.container(this.store.find(id), 'commit', { comment: options.message ?? '', imageID: r.id }), r));
  }

  /** Docker's `export`: the merged filesystem as a tar, to a file (written whole, then renamed) or a stream left open. */
  async export(ref: string, output: string | NodeJS.WritableStream): Promise<void> {
    const state = this.store.get(ref);
    const lowerDirs = this.lowerDirsOf(state);
    if (typeof output === 'string') await lazy.export().exportToFile(state, lowerDirs, output);
    else await lazy.export().exportToStream(state, lowerDirs, output);
  }

  /** The container's overlay lower directories: its init layer, then its image's layers. */
  private lowerDirsOf(state: ContainerState): string[] {
    return bundleLowerDirs(state.bundle, this.layers.lowerDirs(state.topLayer));
  }

  /** Sends `signal` to the container's PID 1 through a pidfd (no pid-reuse races). */
  kill(ref: string, signal: string | number = 'SIGKILL'): ContainerState {
    let id: string;
    try {
      id = this.store.get(ref).id;
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`Cannot kill container: ${ref}: ${err.message}`, { cause: err });
      throw err;
    }
    this.store.settle(id);
    const state = this.store.get(id);
    // Docker's words, with the name as given and the ID.
    const notRunning = () => new ConflictError(`Cannot kill container: ${ref}: Container ${state.id} is not running`);
    if (!isActive(state)) throw notRunning();
    const number = typeof signal === 'number' ? signal : signalNumber(signal);
    markStoppedByUser(state.bundle); // Docker: a killed container is not restarted by its policy
    let fd: number;
    try {
      fd = pidfdOpen(state.pid!);
    } catch (err) {
      // It exited between the state read and now (ESRCH): not running, as a caller such as stop expects.
      if (err instanceof SyscallError && err.errno === ESRCH) throw notRunning();
      throw err;
    }
    try {
      // The pid is checked after the pidfd pins it: same start time, same container.
      if (!processIsContainer(state) || !pidfdSendSignal(fd, number)) throw notRunning();
      this.events.container(state, 'kill', { signal: String(number) });
    } finally {
      close(fd);
    }
    return state;
  }

  /** Resolves with the exit code once the container has stopped. */
  async wait(ref: string): Promise<number> {
    const id = this.store.get(ref).id;
    for (;;) {
      const state = this.store.reconcileIfFree(id);
      if (!state) return 0;
      if (state.status === 'dead') return LOST_EXIT_CODE;
      if (state.status === 'stopped' || state.status === 'created') {
        if (state.status === 'stopped' || state.exitCode !== undefined) return state.exitCode ?? 0;
      }
      await sleep(50);
    }
  }

  /** Docker's `rm [-f] [-v]` (remove.ts). */
  remove(ref: string, options: RemoveContainerOptions = {}): Promise<ContainerState> {
    return removeContainer(
      {
        store: this.store,
        cgroups: (state) => this.cgroupsOf(state),
        kill: (state) => this.kill(state.id, 'SIGKILL'),
        removed: (state, { volumes }) => {
          this.events.container(state, 'destroy');
          if (volumes) this.removeAnonymousVolumes(state);
        },
      },
      ref,
      options,
    );
  }

  /** rm -v and run --rm: the container's anonymous volumes go with it; one another container still uses stays. */
  private removeAnonymousVolumes(state: ContainerState): void {
    for (const name of state.hostConfig.anonymousVolumes ?? []) {
      try {
        this.volumes.remove(name);
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
      }
    }
  }
}
