import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';
import { timeOption } from './stop';

interface RestartArgs {
  containers: string[];
  time?: number;
}

export const restart: Verb<RestartArgs> = {
  args: '<containers..>',
  describe: 'Restart one or more containers',
  options: (y: Argv) => timeOption(y.positional('containers', { type: 'string', array: true })),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.restart(name, argv.time);
      out(name);
    });
  },
};
