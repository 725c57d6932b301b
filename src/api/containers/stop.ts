/**
 * Docker's `stop`: the container's stop signal (its STOPSIGNAL, else
 * SIGTERM) to PID 1, up to `timeout` seconds for it to exit, then SIGKILL.
 * A container that is not running is left as it is, as Docker does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ContainerState } from '../../runtime/state';
import { ConflictError } from '../../errors/kinds';
import { isActive } from '../../runtime/status';

/** Docker's default grace period, in seconds. */
export const DEFAULT_STOP_TIMEOUT = 10;

export interface StopDeps {
  /** The state refreshed from the kernel (undefined once removed). */
  find(id: string): ContainerState | undefined;
  kill(id: string, signal: string | number): Promise<void> | void;
}

/** Polls until the container stops or `ms` pass; true when it stopped. */
async function stoppedWithin(deps: StopDeps, id: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isActive(deps.find(id))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
  }
}

async function killIfRunning(deps: StopDeps, id: string, signal: string | number): Promise<void> {
  try {
    await deps.kill(id, signal);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // it exited meanwhile
  }
}

/** `timeoutSeconds` < 0 waits forever (Docker's -t -1). */
export async function stopContainer(deps: StopDeps, state: ContainerState, timeoutSeconds?: number): Promise<ContainerState> {
  if (!isActive(state)) return state;
  const timeout = timeoutSeconds ?? state.hostConfig.stopTimeout ?? DEFAULT_STOP_TIMEOUT;
  await killIfRunning(deps, state.id, state.hostConfig.stopSignal ?? 'SIGTERM');
  const graceMs = timeout < 0 ? Number.MAX_SAFE_INTEGER : timeout * 1000;
  if (!(await stoppedWithin(deps, state.id, graceMs))) {
    await killIfRunning(deps, state.id, 'SIGKILL');
    await stoppedWithin(deps, state.id, 30_000);
  }
  return deps.find(state.id) ?? state;
}
