/** How the CLI prints an error (Docker's `Error: ...` line, a hint, with --debug the cause) and which code it exits with. */
import { isBerthError, messageOf } from '../errors/berth-error';

/** Reports an error the way Docker's CLI does and returns the exit code. */
export function report(err: unknown, debug = false): number {
  if (isBerthError(err)) {
    process.stderr.write(`Error: ${err.message}\n`);
    if (err.hint) process.stderr.write(`Hint: ${err.hint}\n`);
    if (debug && err.cause) process.stderr.write(`Cause: ${messageOf(err.cause)}\n`);
    return err.exitCode;
  }
  process.stderr.write(`Error: ${messageOf(err)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return 1;
}
