import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface StopArgs {
  containers: string[];
  time?: number;
}

/** The grace-period option stop and restart share (Docker's -t/--time). */
export function timeOption(y: Argv): Argv {
  return y.option('time', { alias: 't', type: 'number', describe: 'Seconds to wait for stop before killing it' });
}

export const stop: Verb<StopArgs> = {
  args: '<containers..>',
  describe: 'Stop one or more running containers',
  options: (y: Argv) => timeOption(y.positional('containers', { type: 'string', array: true })),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.stop(name, argv.time);
      out(name);
    });
  },
};
