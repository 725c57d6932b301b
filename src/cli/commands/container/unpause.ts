import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface UnpauseArgs {
  containers: string[];
}

export const unpause: Verb<UnpauseArgs> = {
  usage: 'CONTAINER [CONTAINER...]',
  args: '<containers..>',
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.unpause(name);
      out(name);
    });
  },
};
