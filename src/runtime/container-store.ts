/**
 * Containers on disk: containers/<id>/ is the OCI bundle (config.json) and
 * the state (state.json), plus the container's writable layer. A container
 * is found by full ID, by name, or by a unique ID prefix, as Docker does.
 *
 * A read never writes. It derives the status from the kernel: a state that
 * says running while its process is gone reads as stopped, with the exit
 * berth-monitor recorded in the bundle (255 when nobody saw it). A
 * state.json that cannot be read is a `dead` record (state.ts), so one
 * damaged container never fails a command about the others.
 *
 * Writes happen with the container's lock held, and that is where the exit
 * of a run is recorded, in one place: reconcileHeld() runs the exit hook
 * (OOM state, cgroup release, the `die` event), then saves what the read
 * derived. Taking the lock reconciles first (withContainerLock), so every
 * verb that changes a container starts from a recorded exit. reconcile() is
 * the same for a caller that only wants the exit recorded (a future
 * `container cleanup`); reconcileIfFree() never waits: readers use it.
 *
 * What a killed berth leaves is swept by the next one: a bundle with no
 * state (a create killed before its first save) by the next create, under
 * the store-wide lock it was made under; a directory renamed aside by a
 * killed rm, lock files and sockets of containers that are gone, by the
 * next rm.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataRoot } from '../config/layout';
import { writeJsonAtomic } from '../sys/atomic-file';
import { FileLock, withLock } from '../sys/lock';
import { crashPoint } from '../sys/crash-point';
import { ConflictError, DirectoryGoneError, NotFoundError } from '../errors/kinds';
import { ContainerState, processIsContainer, recordFromText } from './state';
import { randomName, validateName } from './names';
import { isActive } from './status';
import { awaitExitRecord, livingMonitor } from './exit-file';
import { restartPending } from './restart-pending';
import { attachSocketPath } from './attach-client';

/** Called when the exit of a run is recorded, before the save: may set oomKilled, frees the cgroup, emits `die`. */
export type ExitHook = (state: ContainerState) => void;

/** Called first thing with a container's lock held: settles what a holder killed mid-way left (a commit's freeze). */
export type LockHook = (id: string) => void;

const ID = /^[a-f0-9]{64}$/;
/** A container directory renamed aside by rm: `.removing-<id>-<pid of the rm>-<random>`. */
const REMOVING = /^\.removing-[a-f0-9]{64}-(\d+)-[a-f0-9]+$/;
const CONTAINER_LOCK = /^container-([a-f0-9]{64})\.lock$/;

/** Exit code Docker reports when the runtime lost track of a container's process. */
export const LOST_EXIT_CODE = 255;

/** A state as read, and whether it holds an exit derived from the kernel that is not recorded yet. */
interface Read {
  state: ContainerState;
  exitPending: boolean;
}

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

  /**
   * Runs fn holding the lock of one container, its exit (if it has ended)
   * recorded first, then the lock hook. The lock file of a container that is
   * gone by the end is removed while still held (sys/lock.ts tells why that
   * is safe).
   */
  async withContainerLock<T>(id: string, fn: () => Promise<T> | T): Promise<T> {
    const lock = await FileLock.acquire(this.lockFile(id));
    try {
      this.reconcileHeld(id);
      this.onLock?.(id);
      return await fn();
    } finally {
      this.releaseContainerLock(id, lock);
    }
  }

  /**
   * Records an ended run and runs the lock hook now if no berth process holds
   * the container's lock; never waits. A holder, being alive, does both
   * itself, and a live commit thaws its own freeze.
   */
  settle(id: string): void {
    const lock = FileLock.tryAcquireSync(this.lockFile(id));
    if (!lock) return;
    try {
      this.reconcileHeld(id);
      this.onLock?.(id);
    } finally {
      this.releaseContainerLock(id, lock);
    }
  }

  private releaseContainerLock(id: string, lock: FileLock): void {
    if (fs.existsSync(this.dir(id))) lock.release();
    else lock.unlinkAndRelease();
  }

  /**
   * Writes the state atomically. Only the states that cannot be re-derived
   * from the kernel are made durable: `running` is checked against the
   * live process on every read anyway. A container removed meanwhile is
   * NotFoundError (its directory is never made again); a `dead` record is
   * never written.
   */
  save(state: ContainerState, options: { durable?: boolean } = {}): void {
    if (state.status === 'dead') {
      throw new ConflictError(`container ${state.id} is dead (${state.error ?? 'its state cannot be read'}): it can only be removed`);
    }
    const stored: ContainerState = { ...state };
    delete stored.restarting; // derived on every read
    try {
      writeJsonAtomic(this.statePath(state.id), stored, { durable: options.durable ?? state.status !== 'running' });
    } catch (err) {
      if (err instanceof DirectoryGoneError) throw new NotFoundError(`No such container: ${state.id}`, { cause: err });
      throw err;
    }
  }

  /** The container's state as the kernel and its monitor tell it now; undefined when there is none. Never writes. */
  load(id: string): ContainerState | undefined {
    return this.read(id)?.state;
  }

  /** The state file as it is, or the dead record of a damaged one. */
  private record(id: string): ContainerState | undefined {
    const file = this.statePath(id);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      text = ''; // unreadable (EACCES, EISDIR, EIO): as damaged as an empty one
    }
    return recordFromText(text, { id, dir: this.dir(id), file, created: () => this.createdOf(id) });
  }

  private createdOf(id: string): string {
    try {
      return fs.statSync(this.dir(id)).mtime.toISOString();
    } catch {
      return new Date(0).toISOString();
    }
  }

  private read(id: string): Read | undefined {
    const state = this.record(id);
    if (!state) return undefined;
    let exitPending = false;
    if (isActive(state) && !processIsContainer(state)) {
      // Every container's monitor records its exit in the bundle (exit-file.ts); none: the exit was lost.
      const exit = awaitExitRecord(state.bundle, state.pid);
      state.status = 'stopped';
      state.exitCode = exit?.exitCode ?? state.exitCode ?? LOST_EXIT_CODE;
      state.finishedAt = exit?.finishedAt ?? state.finishedAt ?? new Date().toISOString();
      state.pid = undefined;
      exitPending = true;
    }
    // Never trusted from the file: a state saved while restarting may have been restarted since.
    state.restarting = restartPending(state) || undefined;
    return { state, exitPending };
  }

  /**
   * With the container's lock held: its state, with the exit of a run that
   * has ended recorded (the exit hook, then a durable save). The one place
   * an exit is recorded; undefined when the container is gone.
   */
  reconcileHeld(id: string): ContainerState | undefined {
    const read = this.read(id);
    if (!read?.exitPending) return read?.state;
    this.onExit?.(read.state);
    this.save(read.state, { durable: true });
    return read.state;
  }

  /** Records the exit of a container whose run has ended, waiting for its lock. */
  reconcile(id: string): Promise<ContainerState | undefined> {
    return this.withContainerLock(id, () => this.load(id));
  }

  /**
   * The state, with an ended run's exit recorded when the container's lock
   * is free now; when another berth holds it (that one records the exit, or
   * removes the container), the state as read. Never waits.
   */
  reconcileIfFree(id: string): ContainerState | undefined {
    const read = this.read(id);
    if (!read?.exitPending) return read?.state;
    const lock = FileLock.tryAcquireSync(this.lockFile(id));
    if (!lock) return read.state;
    try {
      return this.reconcileHeld(id);
    } finally {
      this.releaseContainerLock(id, lock);
    }
  }

  ids(): string[] {
    if (!fs.existsSync(this.layout.containers)) return [];
    return fs.readdirSync(this.layout.containers).filter((n) => ID.test(n) && fs.existsSync(this.statePath(n)));
  }

  /** Every container, newest first, as read (never written). */
  list(): ContainerState[] {
    return this.sorted(this.ids().map((id) => this.load(id)));
  }

  /** Every container, newest first, ended runs recorded where their lock is free (reconcileIfFree). */
  listReconciled(): ContainerState[] {
    return this.sorted(this.ids().map((id) => this.reconcileIfFree(id)));
  }

  private sorted(states: Array<ContainerState | undefined>): ContainerState[] {
    return states.filter((s): s is ContainerState => s !== undefined).sort((a, b) => b.created.localeCompare(a.created));
  }

  /** By full ID, exact name, or unique ID prefix; undefined when none matches. */
  find(ref: string): ContainerState | undefined {
    const wanted = ref.replace(/^\//, '');
    if (ID.test(wanted)) {
      const state = this.load(wanted);
      if (state) return state;
    }
    const all = this.list();
    // A dead record whose name could not be read has none: it is found by ID only.
    const byName = all.find((s) => s.name !== '' && s.name === wanted);
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

  /** find(), with an ended run's exit recorded when the container's lock is free. */
  findReconciled(ref: string): ContainerState | undefined {
    const found = this.find(ref);
    return found && (this.reconcileIfFree(found.id) ?? found);
  }

  /**
   * Allocates an ID and a unique name (validated, or random) and writes the
   * first state, in status `created`, under the store-wide lock. `build`
   * writes the bundle under that lock too, so a bundle without a state that
   * the lock's holder finds was left by a create that was killed: swept.
   */
  async reserve(name: string | undefined, build: (id: string, name: string) => ContainerState): Promise<ContainerState> {
    const chosen = name === undefined ? undefined : validateName(name);
    return withLock(this.layout.lock('containers'), () => {
      this.sweepUnborn();
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
      crashPoint('create:before-state');
      this.save(state);
      return state;
    });
  }

  /** Renames under the store-wide lock (Docker's `rename`) and the container's own. */
  async rename(id: string, newName: string): Promise<void> {
    const name = validateName(newName);
    await withLock(this.layout.lock('containers'), () =>
      this.withContainerLock(id, () => {
        const clash = this.list().find((s) => s.name === name);
        if (clash && clash.id !== id) {
          throw new ConflictError(`Error when allocating new name: Conflict. The container name "/${name}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`);
        }
        const state = this.load(id);
        if (!state) throw new NotFoundError(`No such container: ${id}`);
        state.name = name;
        this.save(state);
      }),
    );
  }

  /**
   * Deletes the container's directory (renamed aside first, so a
   * half-deleted container is never listed) and its attach socket (left by
   * a monitor that was killed); its lock file goes when the caller's lock is
   * released. Then sweeps what killed removals left. Call with the lock held.
   */
  remove(id: string): void {
    this.deleteAside(id, () => crashPoint('rm:after-rename'));
    this.removeSocket(id);
    this.sweepRemoved();
  }

  /** Renames a container's directory aside (so it is never listed again), then deletes it; nothing when it is gone. */
  private deleteAside(id: string, renamed?: () => void): void {
    const doomed = path.join(this.layout.containers, `.removing-${id}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      fs.renameSync(this.dir(id), doomed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    renamed?.();
    fs.rmSync(doomed, { recursive: true, force: true });
  }

  private removeSocket(id: string): void {
    try {
      fs.rmSync(attachSocketPath(this.layout.sockets, id), { force: true });
    } catch {
      // a data root too long for any socket: none was made
    }
  }

  /** Bundles a killed create left without a state (call with the store-wide lock held). */
  private sweepUnborn(): void {
    for (const name of entries(this.layout.containers)) {
      if (!ID.test(name) || fs.existsSync(this.statePath(name))) continue;
      if (livingMonitor(this.dir(name)) !== undefined) continue; // its state was lost, not its processes: leave it
      this.deleteAside(name);
    }
  }

  /** What removals that were killed left: directories renamed aside, lock files and sockets of containers that are gone. */
  private sweepRemoved(): void {
    for (const name of entries(this.layout.containers)) {
      const removing = REMOVING.exec(name);
      // Another rm may be deleting its own right now: only those whose rm is dead.
      if (removing && !processExists(Number(removing[1]))) fs.rmSync(path.join(this.layout.containers, name), { recursive: true, force: true });
    }
    for (const name of entries(this.layout.locks)) {
      const id = CONTAINER_LOCK.exec(name)?.[1];
      if (!id || fs.existsSync(this.dir(id))) continue;
      const lock = FileLock.tryAcquireSync(this.lockFile(id));
      if (lock) this.releaseContainerLock(id, lock); // busy: its holder removes it
    }
    // Sockets first: a monitor makes its socket after the container's directory exists, so a socket whose
    // directory is not in the listing made after it belongs to a container that is gone.
    const sockets = entries(this.layout.sockets);
    const living = entries(this.layout.containers).filter((n) => ID.test(n));
    for (const name of sockets) {
      const prefix = /^([a-f0-9]{24,64})\.sock$/.exec(name)?.[1];
      if (prefix && !living.some((id) => id.startsWith(prefix))) fs.rmSync(path.join(this.layout.sockets, name), { force: true });
    }
  }
}

function entries(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
