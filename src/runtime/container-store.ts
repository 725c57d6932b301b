/**
 * Containers on disk: containers/<id>/ is the OCI bundle (config.json) and
 * the state (state.json), plus the container's writable layer. A container
 * is found by full ID, by name, or by a unique ID prefix, as Docker does.
 * Status is refreshed from the kernel on every read: a state that says
 * running while its process is gone is corrected to stopped and saved,
 * with the exit berth-monitor recorded (255 when nobody saw it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../config/layout';
import { readJsonIfExists, writeJsonAtomic } from '../sys/atomic-file';
import { FileLock, withLock } from '../sys/lock';
import { ConflictError, NotFoundError } from '../errors/kinds';
import { ContainerState, processIsContainer } from './state';
import { randomName, validateName } from './names';
import { isActive } from './status';
import { awaitExitRecord } from './exit-file';
import { restartPending } from './restart-pending';

/** Called when the exit of a run is reconciled into its state, before the save: may set oomKilled, frees the cgroup. */
export type ExitHook = (state: ContainerState) => void;

/** Called first thing with a container's lock held: settles what a holder killed mid-way left (a commit's freeze). */
export type LockHook = (id: string) => void;

const ID = /^[a-f0-9]{64}$/;

/** Exit code Docker reports when the runtime lost track of a container's process. */
export const LOST_EXIT_CODE = 255;

export class ContainerStore {
  constructor(
    private readonly layout: DataRoot,
    private readonly onExit?: ExitHook,
    private readonly onLock?: LockHook,
  ) {}

  dir(id: string): string {
    return path.join(this.layout.containers, id);
  }

  private statePath(id: string): string {
    return path.join(this.dir(id), 'state.json');
  }

  lockFile(id: string): string {
    return this.layout.lock(`container-${id}`);
  }

  /** Runs fn holding the lock of one container (the lock hook first). */
  withContainerLock<T>(id: string, fn: () => Promise<T> | T): Promise<T> {
    return withLock(this.lockFile(id), () => {
      this.onLock?.(id);
      return fn();
    });
  }

  /**
   * Runs the lock hook now if no berth process holds the container's lock;
   * never waits. A holder, being alive, has run the hook itself, and a live
   * commit thaws its own freeze.
   */
  settle(id: string): void {
    const lock = FileLock.tryAcquireSync(this.lockFile(id));
    if (!lock) return;
    try {
      this.onLock?.(id);
    } finally {
      lock.release();
    }
  }

  /**
   * Writes the state atomically. Only the states that cannot be re-derived
   * from the kernel are made durable: `running` is checked against the
   * live process on every read anyway.
   */
  save(state: ContainerState, options: { durable?: boolean } = {}): void {
    writeJsonAtomic(this.statePath(state.id), state, { durable: options.durable ?? state.status !== 'running' });
  }

  /**
   * Reads a state and corrects a running status whose process is gone; a
   * stopped one is flagged `restarting` while its restart policy waits.
   */
  load(id: string): ContainerState | undefined {
    const state = this.loadRefreshed(id);
    // Never trusted from the file: a state saved while restarting may have been restarted since.
    if (state) state.restarting = restartPending(state) || undefined;
    return state;
  }

  private loadRefreshed(id: string): ContainerState | undefined {
    const state = readJsonIfExists<ContainerState>(this.statePath(id));
    if (!state) return undefined;
    if (isActive(state) && !processIsContainer(state)) {
      // The process is gone: re-read once (another berth may have recorded the exit), then correct.
      const again = readJsonIfExists<ContainerState>(this.statePath(id)) ?? state;
      if (isActive(again)) {
        // Every container's monitor records its exit in the bundle (exit-file.ts); none: the exit was lost.
        const exit = awaitExitRecord(again.bundle, again.pid);
        again.status = 'stopped';
        again.exitCode = exit?.exitCode ?? again.exitCode ?? LOST_EXIT_CODE;
        again.finishedAt = exit?.finishedAt ?? again.finishedAt ?? new Date().toISOString();
        again.pid = undefined;
        if (exit) this.onExit?.(again);
        this.save(again);
      }
      return again;
    }
    return state;
  }

  ids(): string[] {
    if (!fs.existsSync(this.layout.containers)) return [];
    return fs.readdirSync(this.layout.containers).filter((n) => ID.test(n) && fs.existsSync(this.statePath(n)));
  }

  list(): ContainerState[] {
    return this.ids()
      .map((id) => this.load(id))
      .filter((s): s is ContainerState => s !== undefined)
      .sort((a, b) => b.created.localeCompare(a.created));
  }

  /** By full ID, exact name, or unique ID prefix; undefined when none matches. */
  find(ref: string): ContainerState | undefined {
    const wanted = ref.replace(/^\//, '');
    if (ID.test(wanted)) {
      const state = this.load(wanted);
      if (state) return state;
    }
    const all = this.list();
    const byName = all.find((s) => s.name === wanted);
    if (byName) return byName;
    if (!/^[a-f0-9]+$/.test(wanted)) return undefined;
    const matches = all.filter((s) => s.id.startsWith(wanted));
    if (matches.length > 1) throw new ConflictError(`multiple IDs found with provided prefix: ${wanted}`);
    return matches[0];
  }

  get(ref: string): ContainerState {
    const state = this.find(ref);
    if (!state) throw new NotFoundError(`No such container: ${ref}`);
    return state;
  }

  /**
   * Allocates an ID and a unique name (validated, or random) and writes the
   * first state, in status `creating`, under the store-wide lock.
   */
  async reserve(name: string | undefined, build: (id: string, name: string) => ContainerState): Promise<ContainerState> {
    const chosen = name === undefined ? undefined : validateName(name);
    return withLock(this.layout.lock('containers'), () => {
      const taken = new Map(this.list().map((s) => [s.name, s.id]));
      if (chosen !== undefined && taken.has(chosen)) {
        const owner = taken.get(chosen)!;
        throw new ConflictError(
          `Conflict. The container name "/${chosen}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`,
          { exitCode: 125 },
        );
      }
      const id = randomBytes(32).toString('hex');
      const state = build(id, chosen ?? randomName((n) => taken.has(n)));
      fs.mkdirSync(this.dir(id), { recursive: true, mode: 0o711 });
      this.save(state);
      return state;
    });
  }

  /** Renames under the store-wide lock (Docker's `rename`). */
  async rename(id: string, newName: string): Promise<void> {
    const name = validateName(newName);
    await withLock(this.layout.lock('containers'), () => {
      const clash = this.list().find((s) => s.name === name);
      if (clash && clash.id !== id) {
        throw new ConflictError(`Error when allocating new name: Conflict. The container name "/${name}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
      const state = this.load(id);
      if (!state) throw new NotFoundError(`No such container: ${id}`);
      state.name = name;
      this.save(state);
    });
  }

  /** Deletes the container's directory (state last, so a half-removed container is still listed). */
  remove(id: string): void {
    const dir = this.dir(id);
    if (!fs.existsSync(dir)) return;
    const doomed = path.join(this.layout.containers, `.removing-${id}-${randomBytes(4).toString('hex')}`);
    fs.renameSync(dir, doomed);
    fs.rmSync(doomed, { recursive: true, force: true });
  }
}
