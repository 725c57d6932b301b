/**
 * diff: the changes of a container's writable layer against its image
 * (storage/container-changes.ts), read from bundle/upper on the host, so it
 * works for running and stopped containers alike.
 */
import * as fs from 'node:fs';
import { ContainerState } from '../../runtime/state';
import { Change, containerChanges } from '../../storage/container-changes';

export function diffContainer(state: ContainerState, lowerDirs: readonly string[]): Change[] {
  const upper = `${state.bundle}/upper`;
  // Never started: no writable layer, no changes.
  if (!fs.existsSync(upper)) return [];
  return containerChanges(upper, lowerDirs);
}
