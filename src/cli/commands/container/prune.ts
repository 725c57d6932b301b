import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { confirmed } from '../../confirm';
import { humanSize } from '../../output/units';

interface PruneArgs {
  force?: boolean;
}

export const prune: Verb<PruneArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) => flags.option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  async run(argv) {
    if (!(await confirmed('container prune', 'WARNING! This will remove all stopped containers.', argv.force))) return;
    const result = await engineFor(argv).containers.prune();
    if (result.deleted.length > 0) out(`Deleted Containers:\n${result.deleted.join('\n')}\n\n`);
    out(`Total reclaimed space: ${humanSize(result.reclaimed)}`);
  },
};
