/** How the CLI prints an error (Docker's `Error: ...` line, a hint, with --debug the cause) and which code it exits with. */
import { BerthError, isBerthError, messageOf } from '../errors/berth-error';

/**
 * A refusal of the command line that Docker's CLI itself words (usage errors, bad flag values, conflicting
 * options, "the input device is not a TTY"): printed as it is, usage lines and all, with no `Error: ` before it.
 */
export class CliRefusal extends BerthError {
  constructor(text: string, exitCode: number) {
    super('usage', text, { exitCode });
  }
}

/**
 * Reports an error the way Docker's CLI does and returns the exit code. With `footer` (the command's path, for
 * the verbs whose failures Docker's CLI ends with its help footer: run, create) that footer follows the error.
 */
export function report(err: unknown, debug = false, footer?: string): number {
  const code = reportError(err, debug);
  if (footer !== undefined && !(err instanceof CliRefusal)) process.stderr.write(`\nRun '${footer} --help' for more information\n`);
  return code;
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CliRefusal) {
    process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
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
