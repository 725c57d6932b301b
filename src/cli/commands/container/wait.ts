import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface WaitArgs {
  containers: string[];
}

export const wait: Verb<WaitArgs> = {
  args: '<containers..>',
  describe: 'Block until one or more containers stop, then print their exit codes',
  options: (y: Argv) => y.positional('containers', { type: 'string', array: true }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => out(String(await engine.containers.wait(name))));
  },
};
