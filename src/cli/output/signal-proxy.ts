/**
 * Docker's --sig-proxy: signals this foreground client receives are sent
 * on to the container's PID 1. With a terminal that takes our keystrokes,
 * Ctrl-C travels as a byte through the pty instead, so SIGINT is not proxied.
 */
import type { Berth } from '../../api/engine';

const PROXIED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Starts proxying; returns the function that stops it. */
export function proxySignals(engine: Berth, id: string, options: { keystrokesThroughPty: boolean }): () => void {
  const forward = (signal: NodeJS.Signals) => {
    try {
      engine.containers.kill(id, signal);
    } catch {
      // it has just exited
    }
  };
  const signals = options.keystrokesThroughPty ? PROXIED.filter((s) => s !== 'SIGINT') : PROXIED;
  for (const signal of signals) process.on(signal, forward);
  return () => {
    for (const signal of signals) process.off(signal, forward);
  };
}
