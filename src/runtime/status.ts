/**
 * Container status. The state file holds the OCI runtime-spec statuses
 * (creating, created, running, stopped) plus `paused`; a record that cannot
 * be read is `dead` (never written: state.ts). The CLI and the library show
 * Docker's words. Transitions are an explicit table, and errors name where
 * a container is and what was asked of it.
 */
import { ConflictError } from '../errors/kinds';

/** The statuses a state file may hold. */
export const RECORDED_STATUSES = ['creating', 'created', 'running', 'paused', 'stopped'] as const;
export type RecordedStatus = (typeof RECORDED_STATUSES)[number];
/** What a container is: a recorded status, or `dead` when its record cannot be read. */
export type OciStatus = RecordedStatus | 'dead';
export type DockerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';

/** A container whose processes are there: running, or frozen by pause (what `ps` lists, `stop` acts on). */
export function isActive(state: { status: OciStatus } | undefined): boolean {
  return state?.status === 'running' || state?.status === 'paused';
}

export type Action = 'start' | 'kill' | 'pause' | 'resume' | 'delete' | 'exec' | 'attach';

const ALLOWED: Record<Action, readonly OciStatus[]> = {
  start: ['created', 'stopped'],
  kill: ['running', 'paused'],
  pause: ['running'],
  resume: ['paused'],
  delete: ['created', 'stopped', 'dead'],
  exec: ['running'],
  attach: ['running'],
};

export function canDo(action: Action, status: OciStatus): boolean {
  return ALLOWED[action].includes(status);
}

/** Docker's word for a status (`stopped` is `exited`, or `dead` when removal failed half-way). */
export function dockerStatus(status: OciStatus, dead = false): DockerStatus {
  if (dead) return 'dead';
  switch (status) {
    case 'dead':
      return 'dead';
    case 'creating':
    case 'created':
      return 'created';
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'stopped':
      return 'exited';
  }
}

/** Docker's word for a container: `restarting` while its restart policy waits to start it again. */
export function dockerStateOf(state: { status: OciStatus; restarting?: boolean }): DockerStatus {
  return state.restarting && state.status === 'stopped' ? 'restarting' : dockerStatus(state.status);
}

const DOCKER_ACTION_WORDS: Record<Action, string> = {
  start: 'start',
  kill: 'kill',
  pause: 'pause',
  resume: 'unpause',
  delete: 'remove',
  exec: 'exec in',
  attach: 'attach to',
};

/** Throws Docker-worded ConflictError unless `action` is allowed in `status`. */
export function assertCan(action: Action, status: OciStatus, name: string): void {
  if (canDo(action, status)) return;
  const shown = dockerStatus(status);
  if (action === 'delete' && (status === 'running' || status === 'paused')) {
    throw new ConflictError(
      `cannot remove container "${name}": container is ${shown}: stop the container before removing or force remove`,
    );
  }
  if ((action === 'kill' || action === 'exec' || action === 'attach') && status !== 'running' && status !== 'paused') {
    throw new ConflictError(`cannot ${DOCKER_ACTION_WORDS[action]} container ${name}: container ${name} is not running`);
  }
  throw new ConflictError(`cannot ${DOCKER_ACTION_WORDS[action]} container ${name}: container is ${shown}`);
}
