/** Docker's exit codes for run/create/exec/start; other commands exit 1. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  /** berth's own failure (daemon error in Docker's words). */
  RuntimeFailure: 125,
  /** The command exists but could not be executed. */
  NotExecutable: 126,
  /** The command was not found. */
  NotFound: 127,
} as const;
