/**
 * The one error shape of berth. Every failure that reaches the user is a
 * BerthError: a stable string `code`, a message that reads
 * "verb object: reason" with values in backticks, an optional `hint` with a
 * remedy, the `cause` it wraps, and the exit code the CLI should use.
 */
export interface BerthErrorOptions {
  hint?: string;
  cause?: unknown;
  exitCode?: number;
}

export class BerthError extends Error {
  readonly code: string;
  readonly hint?: string;
  /** Exit code the CLI uses when this error ends a command (Docker's rules). */
  exitCode: number;

  constructor(code: string, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** True for errors berth raised itself (as opposed to bugs or Node errors). */
export function isBerthError(err: unknown): err is BerthError {
  return err instanceof BerthError;
}

/** Message of any thrown value, without a stack. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
