import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

export interface TimeoutFlags {
  timeout?: number;
  /** Docker's older name, still accepted (hidden, as Docker hides it). */
  time?: number;
}

interface StopArgs extends TimeoutFlags {
  containers: string[];
}

/** The grace-period option stop and restart share (Docker's -t/--timeout, and --time before it). */
export function timeoutOption(flags: FlagSet): FlagSet {
  return flags
    .option('timeout', { alias: 't', type: 'number', describe: 'Seconds to wait before killing the container' })
    .option('time', { type: 'number', hidden: true, describe: 'Seconds to wait before killing the container (deprecated: use --timeout)' });
}

/** The grace period given (undefined: the container's --stop-timeout, else 10 s). */
export function timeoutOf(flags: TimeoutFlags): number | undefined {
  return flags.timeout ?? flags.time;
}

export const stop: Verb<StopArgs> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: '<containers..>',
  options: timeoutOption,
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.stop(name, timeoutOf(argv));
      out(name);
    });
  },
};
