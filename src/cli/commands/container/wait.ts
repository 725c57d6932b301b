import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface WaitArgs {
  containers: string[];
}

export const wait: Verb<WaitArgs> = {
  usage: 'CONTAINER [CONTAINER...]',
  args: '<containers..>',
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => out(String(await engine.containers.wait(name))));
  },
};
