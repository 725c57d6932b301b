/**
 * `--network container:<id>` and `--ipc container:<id>` (Docker's container network and IPC modes).
 *
 * The bundle's spec names the other container, not a process: its namespace entry reads
 * `{ type: 'network', path: 'container:<id>' }`. Each start turns that into /proc/<pid>/ns/<kind> of the
 * other container's current process (dockerd likewise writes the path into the spec at every start), after
 * checking that the pid is still that container's, so a stale pid never hands over another process's
 * namespace. namespacesToJoin refuses a path left unresolved.
 */
import { BerthError } from '../errors/berth-error';
import { ContainerState, processIsContainer } from './state';
import { Spec } from './spec/types';
import type { RunOptions } from './spec/run-options';

export const CONTAINER_MODE_PREFIX = 'container:';

const PROC_NAMES: Record<string, string | undefined> = { network: 'net', ipc: 'ipc', uts: 'uts', pid: 'pid' };
/** Docker's words for each kind in "cannot join network of a non running container". */
const DOCKER_WORDS: Record<string, string> = { network: 'network', ipc: 'IPC', uts: 'UTS', pid: 'PID namespace' };

/** The container id a namespace entry shares with, or undefined when it names no container. */
export function sharedContainerOf(ns: { path?: string }): string | undefined {
  return ns.path?.startsWith(CONTAINER_MODE_PREFIX) ? ns.path.slice(CONTAINER_MODE_PREFIX.length) : undefined;
}

/**
 * A copy of `spec` whose `container:<id>` namespace paths name the running container's namespaces.
 * `lookup` gives the other container's state (status refreshed from the kernel).
 */
export function resolveContainerNamespaces(spec: Spec, selfId: string, lookup: (id: string) => ContainerState): Spec {
  if (!spec.linux.namespaces.some((ns) => sharedContainerOf(ns) !== undefined)) return spec;
  const namespaces = spec.linux.namespaces.map((ns) => {
    const other = sharedContainerOf(ns);
    if (other === undefined) return ns;
    const procName = PROC_NAMES[ns.type];
    if (!procName) throw new BerthError('unsupported-namespace', `join the \`${ns.type}\` namespace of container \`${other}\`: not supported`, { exitCode: 125 });
    const word = DOCKER_WORDS[ns.type];
    if (other === selfId) throw new BerthError('own-namespace', `cannot join own ${word}`, { exitCode: 125 });
    const state = lookup(other);
    // A paused container still runs (Docker's IsRunning): its namespaces can be shared.
    if ((state.status !== 'running' && state.status !== 'paused') || !state.pid || !processIsContainer(state)) {
      throw new BerthError('container-not-running', `cannot join ${word} of a non running container: ${state.id}`, { exitCode: 125 });
    }
    return { ...ns, path: `/proc/${state.pid}/ns/${procName}` };
  });
  return { ...spec, linux: { ...spec.linux, namespaces } };
}

/** Run options whose `container:<name>` modes name the container by its full ID, as Docker records them. */
export function withSharedContainerIds(options: RunOptions, idOf: (ref: string) => string): RunOptions {
  const resolve = <T extends string>(mode: T | undefined): T | undefined =>
    mode?.startsWith(CONTAINER_MODE_PREFIX) ? (`${CONTAINER_MODE_PREFIX}${idOf(mode.slice(CONTAINER_MODE_PREFIX.length))}` as T) : mode;
  return { ...options, network: resolve(options.network)!, ipc: resolve(options.ipc) };
}
