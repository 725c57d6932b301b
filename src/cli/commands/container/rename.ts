import { Verb } from '../../verb';
import { engineFor } from '../../context';

interface RenameArgs {
  container: string;
  name: string;
}

export const rename: Verb<RenameArgs> = {
  usage: 'CONTAINER NEW_NAME',
  args: '<container> <name>',
  async run(argv) {
    await engineFor(argv).containers.rename(argv.container, String(argv.name));
  },
};
