import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { humanSize } from '../../output/units';
import { confirmed } from '../../confirm';

interface PruneArgs {
  all?: boolean;
  force?: boolean;
}

export const prune: Verb<PruneArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    flags
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all unused volumes, not just anonymous ones' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  async run(argv) {
    const what = argv.all ? 'all local volumes' : 'anonymous local volumes';
    if (!(await confirmed('volume prune', `WARNING! This will remove ${what} not used by at least one container.`, argv.force))) return;
    const result = engineFor(argv).volumes.prune({ all: argv.all });
    if (result.deleted.length > 0) {
      out(['Deleted Volumes:', ...result.deleted].join('\n'));
      process.stdout.write('\n');
    }
    // go-units HumanSize: 4 significant digits.
    out(`Total reclaimed space: ${humanSize(result.reclaimed, 4)}`);
  },
};
