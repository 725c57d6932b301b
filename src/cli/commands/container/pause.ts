import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface PauseArgs {
  containers: string[];
}

export const pause: Verb<PauseArgs> = {
  usage: 'CONTAINER [CONTAINER...]',
  args: '<containers..>',
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.pause(name);
      out(name);
    });
  },
};
