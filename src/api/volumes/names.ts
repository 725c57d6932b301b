/**
 * Volume names: a user's name must suit the local driver (moby
 * daemon/volume/local), an anonymous volume gets 64 random hex digits as
 * Docker gives it, and carries Docker's anonymous label (what `volume
 * prune` looks for since Docker 23).
 */
import { randomBytes } from 'node:crypto';
import { volumeNameProblem } from '../../runtime/spec/parse-mounts';
import { UsageError } from '../../errors/kinds';

/** The label Docker puts on volumes a container created without a name. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** Throws Docker's `create NAME: ...` error when `name` cannot name a local volume. */
export function validateVolumeName(name: string): void {
  const problem = volumeNameProblem(name);
  if (problem !== undefined) throw new UsageError(`create ${name}: ${problem}`);
}

export function anonymousVolumeName(): string {
  return randomBytes(32).toString('hex');
}
