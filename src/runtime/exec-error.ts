/**
 * Docker's words and exit code for an `exec` whose process could not be
 * started (its command, or its working directory), as Docker 28 gives them:
 *   OCI runtime exec failed: exec failed: unable to start container process:
 *   exec: "nosuch": executable file not found in $PATH: unknown             127
 *   chdir to cwd ("/missing") set in config.json failed: no such file ...   127
 *   exec: "/etc/passwd": permission denied                                  126
 *
 * Why Docker 28 and not the dockerd 20.10 of Debian 12: 20.10 (through 27)
 * exits 126 for every exec that fails to start, because a deferred default
 * overwrote the code its own error mapping had set; moby fixed that in 28.0.0
 * (c866a7e5f8, "daemon/exec: don't overwrite exit code if set"). The fixed
 * mapping is the one `run` has always had, and a shell's: 127 for a command
 * or path that is not there, 126 for one that cannot be executed. So a
 * script tells "not found" from "not executable" the same way for run and
 * exec. The daemon's rules (daemon/errors.go setExitCodeFromError): EACCES
 * 126, EISDIR 126, ENOTDIR 127 (with a hint about mounts), ENOENT 127,
 * anything else 128.
 * Other failures read as a start's (init-process.ts describeInitError).
 */
import { constants } from 'node:os';
import { BerthError } from '../errors/berth-error';
import { ExitCode } from '../errors/exit-codes';
import type { InitError } from './init-plan';
import { describeInitError } from './init-process';

const { ENOENT, EACCES, ENOTDIR, EISDIR, ENOEXEC, ENAMETOOLONG, ELOOP } = constants.errno;

/** Go's error texts (its syscall.Errno strings) for the errnos chdir(2) and execve(2) give. */
const REASONS: Record<number, string> = {
  [ENOENT]: 'no such file or directory',
  [ENOEXEC]: 'exec format error',
  [EACCES]: 'permission denied',
  [ENOTDIR]: 'not a directory',
  [EISDIR]: 'is a directory',
  [ENAMETOOLONG]: 'file name too long',
  [ELOOP]: 'too many levels of symbolic links',
};

const DOCKER_PREFIX = 'OCI runtime exec failed: exec failed: unable to start container process';
const MOUNT_HINT = 'Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type';

/** The exit code dockerd 28 sets for an errno of the failed start. */
function exitCodeOf(errno: number): number {
  if (errno === EACCES || errno === EISDIR) return ExitCode.NotExecutable;
  if (errno === ENOENT || errno === ENOTDIR) return ExitCode.NotFound;
  return 128; // dockerd's exitUnknown
}

export function describeExecError(error: InitError, args: string[], cwd: string): BerthError {
  if (error.step !== 'chdir' && error.step !== 'execve') return describeInitError(error, args);
  const command = args[0] ?? '';
  const reason = error.step === 'execve' && error.errno === ENOENT && !command.includes('/')
    ? 'executable file not found in $PATH'
    : REASONS[error.errno] ?? `errno ${error.errno}`;
  const what = error.step === 'chdir' ? `chdir to cwd ("${cwd}") set in config.json failed` : `exec: "${command}"`;
  const hint = error.errno === ENOTDIR ? `: ${MOUNT_HINT}` : error.errno === EISDIR ? ': permission denied' : '';
  return new BerthError(error.step === 'chdir' ? 'exec-cwd' : 'exec-command', `${DOCKER_PREFIX}: ${what}: ${reason}: unknown${hint}`, {
    exitCode: exitCodeOf(error.errno),
  });
}
