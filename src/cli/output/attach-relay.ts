/**
 * Relays an attached container to this process's own stdio: its output to
 * stdout/stderr, our stdin to its stdin (raw mode when both ends are
 * terminals, so Ctrl-C reaches the container as a byte and its line
 * discipline turns it into SIGINT), window size changes to its pty.
 */
import type { AttachedContainer } from '../../api/containers/attached';
import type { Berth } from '../../api/engine';
import type { ExitStatus } from '../../runtime/start';
import { DetachKeyScanner } from './detach-keys';
import { proxySignals } from './signal-proxy';

export interface AttachRelayOptions {
  /** Forward this process's stdin (`-i`). */
  input: boolean;
  /** Close the container's stdin when ours ends (`run -i`, `start -ai`; Docker's StdinOnce). */
  closeStdinAtEnd: boolean;
  /** The container has a terminal. */
  tty: boolean;
  /** With a terminal and input: the key sequence that detaches (parseDetachKeys). */
  detachKeys?: Buffer;
}

export interface AttachRelay {
  /** Resolves once the container's output has all been written here. */
  done: Promise<void>;
  /** Resolves when the user typed the detach keys: the container runs on, this client is done. */
  detached: Promise<void>;
  stop(): void;
}

function drained(stream: NodeJS.ReadableStream, target: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.pipe(target, { end: false });
    stream.once('end', () => resolve());
    stream.once('error', () => resolve());
  });
}

export function relayAttached(container: AttachedContainer, options: AttachRelayOptions): AttachRelay {
  const done = Promise.all([drained(container.stdout, process.stdout), drained(container.stderr, process.stderr)]).then(() => undefined);
  const stdin = process.stdin;
  const target = options.input ? container.stdin : null;
  const raw = target !== null && options.tty && stdin.isTTY;
  const scanner = raw && options.detachKeys ? new DetachKeyScanner(options.detachKeys) : undefined;
  let detach = () => undefined as void;
  const detached = new Promise<void>((resolve) => (detach = resolve));
  const onData = (chunk: Buffer) => {
    if (!scanner) return void target!.write(chunk);
    const { forward, detach: leave } = scanner.push(chunk);
    if (forward.length > 0) target!.write(forward);
    if (leave) {
      container.detach();
      detach();
    }
  };
  const onEnd = () => {
    if (options.closeStdinAtEnd) target!.end();
  };
  if (target) {
    if (raw) stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
  }
  const onResize = () => container.resize(process.stdout.rows, process.stdout.columns);
  const resizes = options.tty && process.stdout.isTTY;
  if (resizes) process.stdout.on('resize', onResize);
  return {
    done,
    detached,
    stop() {
      if (target) {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        if (raw) stdin.setRawMode(false);
        stdin.pause();
      }
      if (resizes) process.stdout.off('resize', onResize);
    },
  };
}

/**
 * A foreground client's whole job (`run`, `start -a`, `attach`): relay the container's stdio here and, unless
 * `sigProxy` is off, proxy signals, until it exits (its status, once its output is all written) or the user
 * types the detach keys (undefined: the container runs on).
 */
export async function followAttached(
  engine: Berth,
  container: AttachedContainer,
  options: AttachRelayOptions & { sigProxy: boolean },
): Promise<ExitStatus | undefined> {
  const relay = relayAttached(container, options);
  const keystrokesThroughPty = options.tty && options.input;
  const stopProxy = options.sigProxy ? proxySignals(engine, container.state.id, { keystrokesThroughPty }) : () => undefined;
  try {
    const status = await Promise.race([container.exited, relay.detached.then(() => undefined)]);
    if (status) await relay.done;
    return status;
  } finally {
    relay.stop();
    stopProxy();
  }
}
