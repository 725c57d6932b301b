/**
 * The container's environment as Docker builds it: the user's -e/--env-file
 * values, then the image's ENV for keys the user did not set (daemon/commit.go
 * merge); laid over PATH, HOSTNAME and (with a tty) TERM=xterm, replacing by
 * key; a bare `KEY` (no '=') removes KEY (daemon/container/env.go).
 */
import { DEFAULT_PATH_ENV } from './defaults';

function keyOf(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/** The container config's Env: user values first, then image values for other keys. */
export function mergeImageEnv(userEnv: readonly string[], imageEnv: readonly string[] | undefined): string[] {
  if (userEnv.length === 0) return [...(imageEnv ?? [])];
  const userKeys = new Set(userEnv.map(keyOf));
  return [...userEnv, ...(imageEnv ?? []).filter((e) => !userKeys.has(keyOf(e)))];
}

/** Replace `defaults` entries by key with `overrides`, append new keys, drop keys given without '='. */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const result: (string | undefined)[] = [...defaults];
  const index = new Map<string, number>();
  result.forEach((e, i) => index.set(keyOf(e as string), i));
  for (const value of overrides) {
    const at = index.get(keyOf(value));
    if (!value.includes('=')) {
      if (at !== undefined) result[at] = undefined;
      continue;
    }
    // Like Docker, only keys of `defaults` are replaced: a key given twice in `overrides` appears twice.
    if (at !== undefined) result[at] = value;
    else result.push(value);
  }
  return result.filter((e): e is string => e !== undefined && e !== '');
}

/** The process environment: PATH, HOSTNAME, TERM (tty only), then the config's Env over them. */
export function containerEnv(configEnv: readonly string[], hostname: string, tty: boolean): string[] {
  const base = [DEFAULT_PATH_ENV, `HOSTNAME=${hostname}`];
  if (tty) base.push('TERM=xterm');
  return replaceOrAppendEnv(base, configEnv);
}
