/**
 * What every verb does when its stdout or stderr is a closed pipe
 * (`berth logs c | head -1`): nothing more. It prints nothing and dies of
 * SIGPIPE, as a Go program such as Docker's CLI does when a write to fd 1 or
 * 2 fails with EPIPE; a shell shows 141 (128 + 13).
 *
 * Docker 28 itself is not uniform here: where its CLI proxies signals (`run`,
 * `start -a`, `attach` without --sig-proxy=false) it has subscribed to every
 * signal, SIGPIPE included, so the write fails instead and it prints
 * "write /dev/stdout: broken pipe" and exits 1. berth takes the one rule of
 * every other verb (logs, exec, ps, run --sig-proxy=false: 141, silent) for
 * all of them. The container is not affected: its monitor drops the client
 * that went away, and removes a `--rm` container itself once it exits, as
 * dockerd does.
 *
 * Node ignores SIGPIPE from its start and reports EPIPE as an 'error' event
 * of process.stdout, which, unheard, ends in a stack trace: the listeners
 * installed here are the one place that hears it, for every verb, the attach
 * relay and `logs` included.
 */

/** The exit status a shell shows for a process killed by SIGPIPE. */
export const SIGPIPE_STATUS = 128 + 13;

function isClosedPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Restores the terminal (the attach relay may have put it in raw mode), then dies of SIGPIPE. */
export function dieOfClosedPipe(): never {
  if (process.stdin.isTTY && process.stdin.isRaw) process.stdin.setRawMode(false);
  // libuv gives SIGPIPE back its default action when its last listener goes: then the signal kills.
  const listener = () => undefined;
  process.on('SIGPIPE', listener);
  process.off('SIGPIPE', listener);
  process.kill(process.pid, 'SIGPIPE');
  process.exit(SIGPIPE_STATUS); // not reached where the signal was delivered at once
}

function onStdioError(err: unknown): void {
  if (isClosedPipe(err)) dieOfClosedPipe();
  // Another failure of our own stdout (EIO of a hung-up terminal, ...): nothing more can be shown there.
  process.exitCode = 1;
  process.exit();
}

/** Installs the handler on process.stdout and process.stderr (main.ts, before any verb runs). */
export function handleClosedStdio(): void {
  process.stdout.on('error', onStdioError);
  process.stderr.on('error', onStdioError);
}

