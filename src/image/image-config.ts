/**
 * What an image config must be before berth keeps it (pull, load) or runs
 * it (create): a rootfs.diff_ids list, and process fields (Env, Entrypoint,
 * Cmd, WorkingDir, User) of the types the spec gives them, with no NUL
 * byte: they become C strings of execve, which cannot hold one. A config
 * that breaks this is refused where it enters, with a one-line reason,
 * instead of failing later in whatever reads it.
 */
import type { ContainerConfig, ImageConfig } from './oci-types';

/** How a value with NUL bytes is shown in a message: each NUL as `\0`. */
function shown(text: string): string {
  return text.replace(/\0/g, '\\0');
}

/**
 * The key of the first `KEY=value` entry holding a NUL byte, shown with
 * `\0` for each NUL; undefined when there is none. The value is never
 * shown: environment values are often secrets.
 */
export function envKeyWithNul(env: readonly string[] | null | undefined): string | undefined {
  const bad = env?.find((entry) => entry.includes('\0'));
  if (bad === undefined) return undefined;
  const eq = bad.indexOf('=');
  return shown(eq < 0 ? bad : bad.slice(0, eq));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Why the process fields of `config` cannot run, or undefined when they can. */
export function processConfigProblem(config: ContainerConfig | undefined): string | undefined {
  if (config === undefined || config === null) return undefined;
  if (typeof config !== 'object') return 'its `config` is not an object';
  for (const field of ['Env', 'Entrypoint', 'Cmd'] as const) {
    const value = config[field];
    if (value !== undefined && value !== null && !isStringList(value)) return `its ${field} is not a list of strings`;
  }
  for (const field of ['WorkingDir', 'User'] as const) {
    const value = config[field];
    if (value !== undefined && typeof value !== 'string') return `its ${field} is not a string`;
  }
  const key = envKeyWithNul(config.Env);
  if (key !== undefined) return `its environment variable \`${key}\` holds a NUL byte`;
  for (const field of ['Entrypoint', 'Cmd'] as const) {
    if (config[field]?.some((arg) => arg.includes('\0'))) return `its ${field} holds a NUL byte`;
  }
  for (const field of ['WorkingDir', 'User'] as const) {
    if (config[field]?.includes('\0')) return `its ${field} holds a NUL byte`;
  }
  return undefined;
}

/** Why berth cannot keep `config` (parsed JSON of any shape), or undefined when it can. */
export function imageConfigProblem(config: unknown): string | undefined {
  if (typeof config !== 'object' || config === null) return 'it is not a JSON object';
  const image = config as ImageConfig;
  if (!image.rootfs || !Array.isArray(image.rootfs.diff_ids)) return 'it has no rootfs.diff_ids';
  return processConfigProblem(image.config);
}
