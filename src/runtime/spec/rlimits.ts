/**
 * Resource limits of the container's process. Docker puts none in the spec
 * by default (no daemon `default-ulimits`): the container inherits the
 * limits of the process that starts it. --ulimit values become
 * RLIMIT_<NAME> entries. A hard limit above the caller's own is refused,
 * not silently raised: setrlimit would fail in the container without
 * CAP_SYS_RESOURCE, and berth must not count on holding it.
 */
import { UsageError } from '../../errors/kinds';
import { parseUlimit, Ulimit, UlimitName } from './parse-flags';
import { RLIM_UNLIMITED, Rlimit } from './types';

/** The caller's hard limits by --ulimit name ('nofile'), RLIM_UNLIMITED (-1) for unlimited. */
export type HardLimits = Partial<Record<UlimitName, number>>;

function describe(limit: number): string {
  return limit === RLIM_UNLIMITED ? 'unlimited' : String(limit);
}

/** Throws when `ulimit` asks for a hard limit the caller does not have. */
export function checkUlimit(ulimit: Ulimit, callerHard: HardLimits): void {
  const own = callerHard[ulimit.name];
  if (own === undefined || own === RLIM_UNLIMITED) return;
  if (ulimit.hard === RLIM_UNLIMITED || ulimit.hard > own) {
    throw new UsageError(
      `set ulimit \`${ulimit.name}\`: hard limit ${describe(ulimit.hard)} exceeds the caller's hard limit ${own}`,
      { exitCode: 125, hint: `raise the hard limit of the shell that runs berth (e.g. \`ulimit -H\`) or ask for at most ${own}` },
    );
  }
}

/**
 * The spec's rlimits for --ulimit values (strings as typed, or parsed):
 * one entry per name, the last occurrence winning, in first-seen order.
 */
export function buildRlimits(ulimits: readonly (string | Ulimit)[], callerHard: HardLimits): Rlimit[] {
  const byName = new Map<UlimitName, Ulimit>();
  for (const item of ulimits) {
    const ulimit = typeof item === 'string' ? parseUlimit(item) : item;
    checkUlimit(ulimit, callerHard);
    byName.set(ulimit.name, ulimit);
  }
  return [...byName.values()].map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, soft: u.soft, hard: u.hard }));
}
