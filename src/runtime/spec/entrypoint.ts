/**
 * The container's argv from the image's ENTRYPOINT/CMD and the command
 * line, as moby's daemon merges them (daemon/commit.go merge,
 * daemon/create.go mergeAndVerifyConfig, daemon/container.go
 * getEntrypointAndArgs):
 *   - `--entrypoint X` replaces the image ENTRYPOINT and drops the image CMD;
 *   - arguments after the image replace CMD;
 *   - `--entrypoint ""` clears the ENTRYPOINT (and drops the image CMD);
 *   - nothing left to run is an error (exit 125).
 */
import { BerthError } from '../../errors/berth-error';
import { ExitCode } from '../../errors/exit-codes';
import type { ContainerConfig } from '../../image/oci-types';

export interface CommandRequest {
  /** --entrypoint as typed: undefined when not given, '' to reset. Not split: `--entrypoint "a b"` runs `a b`. */
  entrypoint?: string;
  /** The arguments after the image name. */
  cmd: readonly string[];
}

export interface ResolvedCommand {
  entrypoint: string[];
  cmd: string[];
  /** entrypoint followed by cmd: the process's argv. */
  args: string[];
}

export function resolveCommand(image: ContainerConfig | undefined, request: CommandRequest): ResolvedCommand {
  let entrypoint: string[] | undefined = request.entrypoint === undefined ? undefined : [request.entrypoint];
  let cmd: string[] = [...request.cmd];
  if (entrypoint === undefined) {
    if (cmd.length === 0) cmd = [...(image?.Cmd ?? [])];
    entrypoint = [...(image?.Entrypoint ?? [])];
  }
  if (entrypoint.length === 1 && entrypoint[0] === '') entrypoint = [];
  if (entrypoint.length === 0 && cmd.length === 0) {
    throw new BerthError('no-command', 'no command specified', {
      exitCode: ExitCode.RuntimeFailure,
      hint: 'give a command after the image name, or --entrypoint',
    });
  }
  return { entrypoint, cmd, args: [...entrypoint, ...cmd] };
}
