/**
 * Signal names as Docker reads them (moby/sys/signal ParseSignal): a number
 * other than 0, or a name with or without `SIG`, in any case. One reading for
 * `kill -s` and `--stop-signal` (refused at create, as dockerd does).
 */
import * as os from 'node:os';
import { UsageError } from '../../errors/kinds';

export function signalNumber(signal: string): number {
  const upper = signal.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const number = /^\d+$/.test(upper) ? Number(upper) : (os.constants.signals as Record<string, number>)[name];
  if (number === undefined || number === 0) throw new UsageError(`Invalid signal: ${signal}`);
  return number;
}
