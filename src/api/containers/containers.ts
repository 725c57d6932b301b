/**
 * The container half of the engine API: create, start, run, list, kill,
 * wait, remove, inspect. Every verb refreshes the container's status from
 * the kernel before acting (ContainerStore.load).
 */
import * as os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataRoot } from '../../config/layout';
import { Images } from '../images/images';
import { ContainerStore } from '../../runtime/container-store';
import { ContainerState, processIsContainer } from '../../runtime/state';
import { assertCan } from '../../runtime/status';
import { startContainer, StartOptions, StartedContainer, RuntimeContext, readSpec } from '../../runtime/start';
import { LayerStore } from '../../storage/layer-store';
import { detectLayout, cgroupManager, CgroupLayout } from '../../cgroups/detect';
import { pidfdOpen, pidfdSendSignal } from '../../sys/process';
import { close } from '../../sys/fs-at';
import { createContainer, CreateRequest } from './create';
import { pruneContainers, PruneContainersResult, isActive } from './prune';
import { topOfPids, ContainerTop } from './top';
import { sampleStats, statsRow, ContainerStats } from './stats';
import type { CgroupManager } from '../../cgroups/manager';
import { ConflictError, NotFoundError, UsageError } from '../../errors/kinds';
import { Volumes } from '../volumes/volumes';

export interface RemoveContainerOptions {
  force?: boolean;
  volumes?: boolean;
}

export class Containers {
  readonly store: ContainerStore;
  private layoutCache?: CgroupLayout;

  constructor(
    readonly layout: DataRoot,
    private readonly images: Images,
    private readonly layers: LayerStore,
    private readonly volumes: Volumes = new Volumes(layout),
  ) {
    this.store = new ContainerStore(layout);
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
    return createContainer(this.images, this.store, this.volumes, request, this.cgroupLayout().version);
  }

  start(ref: string, options: StartOptions): Promise<StartedContainer> {
    return startContainer(this.runtime(), this.store.get(ref).id, options);
  }

  list(options: { all?: boolean } = {}): ContainerState[] {
    const all = this.store.list();
    return options.all ? all : all.filter((c) => c.status === 'running' || c.status === 'paused');
  }

  get(ref: string): ContainerState {
    return this.store.get(ref);
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
    return this.store.get(state.id);
  }

  /** Docker's `container prune`: removes every container that is not running or paused. */
  prune(): Promise<PruneContainersResult> {
    return pruneContainers(this.store.list(), (id) => this.remove(id));
  }

  /** Docker's `top`: host `ps` (default `-ef`) over the container's processes. */
  top(ref: string, psArgs: readonly string[] = []): ContainerTop {
    const state = this.store.get(ref);
    if (state.status !== 'running' && state.status !== 'paused') throw new ConflictError(`container ${state.id} is not running`);
    return topOfPids(this.cgroupOf(state).pids(), psArgs);
  }

  /**
   * Docker's `stats --no-stream`: the named containers (default: the running
   * ones), each sampled twice `intervalMs` apart for its CPU %.
   */
  async stats(refs: readonly string[] = [], options: { intervalMs?: number } = {}): Promise<ContainerStats[]> {
    const states = refs.length > 0 ? refs.map((r) => this.store.get(r)) : this.list();
    const managers = states.map((s) => (isActive(s) ? this.cgroupOf(s) : undefined));
    const before = states.map((s, i) => sampleStats(s, managers[i]));
    await sleep(options.intervalMs ?? 1000);
    return states.map((s, i) => statsRow(s, before[i], sampleStats(this.store.find(s.id) ?? s, managers[i])));
  }

  /** The cgroup of a container, from its bundle's spec. */
  private cgroupOf(state: ContainerState): CgroupManager {
    return cgroupManager(this.cgroupLayout(), readSpec(state.bundle).linux.cgroupsPath);
  }

  /** Sends `signal` to the container's PID 1 through a pidfd (no pid-reuse races). */
  kill(ref: string, signal: string | number = 'SIGKILL'): ContainerState {
    const state = this.store.get(ref);
    assertCan('kill', state.status, state.name);
    const number = typeof signal === 'number' ? signal : signalNumber(signal);
    const fd = pidfdOpen(state.pid!);
    try {
      // The pid is checked after the pidfd pins it: same start time, same container.
      if (processIsContainer(state)) pidfdSendSignal(fd, number);
    } finally {
      close(fd);
    }
    return state;
  }

  /** Resolves with the exit code once the container has stopped. */
  async wait(ref: string): Promise<number> {
    const id = this.store.get(ref).id;
    for (;;) {
      const state = this.store.find(id);
      if (!state) return 0;
      if (state.status === 'stopped' || state.status === 'created') {
        if (state.status === 'stopped' || state.exitCode !== undefined) return state.exitCode ?? 0;
      }
      await sleep(50);
    }
  }

  async remove(ref: string, options: RemoveContainerOptions = {}): Promise<ContainerState> {
    const state = this.store.get(ref);
    if ((state.status === 'running' || state.status === 'paused') && options.force) {
      this.kill(state.id, 'SIGKILL');
      while (processIsContainer(state)) await sleep(20);
    }
    return this.store.withContainerLock(state.id, () => {
      const latest = this.store.get(state.id);
      assertCan('delete', latest.status, latest.name);
      // A supervisor that died leaves its cgroup behind: remove it with the container.
      try {
        cgroupManager(this.cgroupLayout(), readSpec(latest.bundle).linux.cgroupsPath).destroy();
      } catch {
        // no spec or no cgroup: nothing to clean
      }
      this.store.remove(latest.id);
      if (options.volumes) this.removeAnonymousVolumes(latest);
      return latest;
    });
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

export function signalNumber(signal: string): number {
  const upper = signal.toUpperCase();
  if (/^\d+$/.test(upper)) return Number(upper);
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const number = (os.constants.signals as Record<string, number>)[name];
  if (number === undefined) throw new UsageError(`invalid signal: ${signal}`);
  return number;
}
