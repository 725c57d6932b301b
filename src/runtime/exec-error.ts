/**
 * Docker's words and exit code for an `exec` whose process could not be
 * started. Docker 20.10 (runc) reports a missing or unusable working
 * directory as an OCI runtime error and exits 126:
 *   OCI runtime exec failed: exec failed: unable to start container process:
 *   chdir to cwd ("/missing") set in config.json failed: no such file or directory: unknown
 * Other failures read as a start's (init-process.ts describeInitError).
 */
import { BerthError } from '../errors/berth-error';
import { ExitCode } from '../errors/exit-codes';
import type { InitError } from './init-plan';
import { describeInitError } from './init-process';

/** strerror(3) in Go's lower case, for the errnos chdir(2) gives. */
const CHDIR_REASONS: Record<number, string> = {
  2: 'no such file or directory',
  13: 'permission denied',
  20: 'not a directory',
  36: 'file name too long',
  40: 'too many levels of symbolic links',
};

const DOCKER_PREFIX = 'OCI runtime exec failed: exec failed: unable to start container process';

export function describeExecError(error: InitError, args: string[], cwd: string): BerthError {
  if (error.step !== 'chdir') return describeInitError(error, args);
  const reason = CHDIR_REASONS[error.errno] ?? `errno ${error.errno}`;
  return new BerthError('exec-cwd', `${DOCKER_PREFIX}: chdir to cwd ("${cwd}") set in config.json failed: ${reason}: unknown`, {
    exitCode: ExitCode.NotExecutable,
  });
}
