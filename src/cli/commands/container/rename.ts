import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';

interface RenameArgs {
  container: string;
  name: string;
}

export const rename: Verb<RenameArgs> = {
  args: '<container> <name>',
  describe: 'Rename a container',
  options: (y: Argv) =>
    y
      .positional('container', { type: 'string', describe: 'Container to rename (name, ID or ID prefix)' })
      .positional('name', { type: 'string', describe: 'Its new name' }),
  async run(argv) {
    await engineFor(argv).containers.rename(argv.container, String(argv.name));
  },
};
