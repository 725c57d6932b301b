/**
 * The engine's `exec`: a request in Docker's terms (ExecConfig) turned into
 * the runtime's exec options. --privileged means every capability the
 * caller holds, as for `run --privileged`.
 */
import { execInContainer, ExecContext, ExecProcess } from '../../runtime/exec';
import { StdioSlot } from '../../runtime/init-process';
import { resolveCapabilities } from '../../runtime/spec/capabilities';
import { UsageError } from '../../errors/kinds';
import { ExitCode } from '../../errors/exit-codes';
import { envKeyWithNul } from '../../image/image-config';
import { callerBoundingSet } from './host-facts';

export interface ExecRequest {
  /** Cmd: the command and its arguments. */
  cmd: string[];
  /** Env: `K=V` entries (or `K` to unset), over the container's environment. */
  env?: string[];
  /** User: `name|uid[:group|gid]`; default the container's user. */
  user?: string;
  /** WorkingDir: default the container's. */
  workingDir?: string;
  tty?: boolean;
  windowSize?: { rows: number; columns: number };
  privileged?: boolean;
  detach?: boolean;
  /** fds 0-2 of the command (ignored with `tty`). */
  stdio?: [StdioSlot, StdioSlot, StdioSlot];
}

export type { ExecProcess };

export function execRequest(ctx: ExecContext, id: string, request: ExecRequest): Promise<ExecProcess> {
  if (request.cmd.length === 0) throw new UsageError('exec: no command given');
  const nul = envKeyWithNul(request.env);
  if (nul !== undefined) throw new UsageError(`exec: environment variable \`${nul}\` holds a NUL byte`, { exitCode: ExitCode.RuntimeFailure });
  if (request.workingDir && !request.workingDir.startsWith('/')) {
    // Docker's daemon refuses a relative -w the same way.
    throw new UsageError(`the working directory '${request.workingDir}' is invalid, it needs to be an absolute path`, { exitCode: 1 });
  }
  const privilegedCapabilities = request.privileged
    ? resolveCapabilities({ capAdd: [], capDrop: [], privileged: true, callerBoundingSet: callerBoundingSet() })
    : undefined;
  return execInContainer(ctx, id, {
    args: request.cmd,
    env: request.env,
    user: request.user,
    workdir: request.workingDir,
    tty: request.tty,
    windowSize: request.windowSize,
    privilegedCapabilities,
    detach: request.detach,
    stdio: request.stdio ?? ['ignore', 'ignore', 'ignore'],
  });
}
