import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { runFlagOptions, RunFlags } from './run-flags';
import { createRequestOf } from './run';

export const create: Verb<RunFlags> = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  failureFooter: true,
  args: '<image> [command..]',
  flagsEndAtFirstArgument: true,
  options: (flags: FlagSet) => runFlagOptions(flags, 'create'),
  async run(argv) {
    const request = createRequestOf(argv, 'create');
    const state = await engineFor(argv).containers.create(request);
    out(state.id);
  },
};
