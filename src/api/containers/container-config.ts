/**
 * The container's Config as Docker records it at create (the image's config
 * with the run options laid over it): what `commit` writes into the new
 * image. Containers created before berth recorded it get it rebuilt from
 * their state and bundle.
 */
import { ContainerConfig, ImageConfig } from '../../image/oci-types';
import { ContainerState } from '../../runtime/state';
import type { BuiltSpec } from '../../runtime/spec/build-spec';
import type { Spec } from '../../runtime/spec/types';

function orNull(args: readonly string[]): string[] | null {
  return args.length === 0 ? null : [...args];
}

/** Recorded in the state at create. */
export function createdConfig(built: BuiltSpec, image: ImageConfig, workdir: string | undefined): ContainerConfig {
  const base = image.config ?? {};
  const config: ContainerConfig = {
    ...base,
    User: built.userSpec,
    Env: [...built.env],
    Entrypoint: orNull(built.entrypoint),
    Cmd: orNull(built.cmd),
    WorkingDir: workdir || base.WorkingDir || '',
    Labels: { ...built.labels },
  };
  if (built.stopSignal !== undefined) config.StopSignal = built.stopSignal;
  return config;
}

/** Keys the runtime adds to the process environment, not part of the container config. */
const RUNTIME_ENV = /^(HOSTNAME|TERM)=/;

/** The container config to commit: the recorded one, or one rebuilt from state, spec and image. */
export function containerConfigOf(state: ContainerState, spec: Spec | undefined, image: ImageConfig): ContainerConfig {
  if (state.config !== undefined) return structuredClone(state.config);
  const base = image.config ?? {};
  const entrypoint = base.Entrypoint ?? [];
  const keepsEntrypoint = entrypoint.length > 0 && entrypoint.every((arg, i) => state.command[i] === arg);
  const imageEnv = new Set(base.Env ?? []);
  return {
    ...structuredClone(base),
    User: spec?.annotations['berth.user'] ?? base.User ?? '',
    Env: (spec?.process.env ?? base.Env ?? []).filter((e) => imageEnv.has(e) || !RUNTIME_ENV.test(e)),
    Entrypoint: keepsEntrypoint ? [...entrypoint] : null,
    Cmd: orNull(keepsEntrypoint ? state.command.slice(entrypoint.length) : state.command),
    WorkingDir: spec?.process.cwd === '/' ? base.WorkingDir ?? '' : spec?.process.cwd ?? base.WorkingDir ?? '',
    Labels: { ...state.labels },
  };
}
