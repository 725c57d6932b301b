import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';
import { timeoutOf, timeoutOption, TimeoutFlags } from './stop';

interface RestartArgs extends TimeoutFlags {
  containers: string[];
}

export const restart: Verb<RestartArgs> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: '<containers..>',
  options: timeoutOption,
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.restart(name, timeoutOf(argv));
      out(name);
    });
  },
};
