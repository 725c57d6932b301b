import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { runFlagOptions, RunFlags } from './run-flags';
import { createFromFlags } from './run';

export const create: Verb<RunFlags> = {
  args: '<image>',
  describe: 'Create a new container',
  options: (y: Argv) => runFlagOptions(y),
  async run(argv) {
    const state = await createFromFlags(engineFor(argv), argv);
    out(state.id);
  },
};
