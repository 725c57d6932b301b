import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { report } from '../../report';
import { UsageError } from '../../../errors/kinds';

interface RenameArgs {
  container: string;
  name: string;
}

export const rename: Verb<RenameArgs> = {
  usage: 'CONTAINER NEW_NAME',
  args: '<container> <name>',
  async run(argv) {
    try {
      await engineFor(argv).containers.rename(argv.container, String(argv.name));
    } catch (err) {
      // Docker's CLI prints the daemon's error, then its own line.
      report(err);
      throw new UsageError(`failed to rename container named ${argv.container}`, { exitCode: 1 });
    }
  },
};
