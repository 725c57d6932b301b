import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface UnpauseArgs {
  containers: string[];
}

export const unpause: Verb<UnpauseArgs> = {
  args: '<containers..>',
  describe: 'Unpause all processes within one or more containers',
  options: (y: Argv) => y.positional('containers', { type: 'string', array: true }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.unpause(name);
      out(name);
    });
  },
};
