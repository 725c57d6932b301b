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
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all unused images, not just dangling ones' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  async run(argv) {
    const warning = argv.all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.';
    if (!(await confirmed('image prune', warning, argv.force))) return;
    const result = await engineFor(argv).images.prune({ all: argv.all });
    if (result.deleted.length > 0) {
      out('Deleted Images:');
      for (const line of result.deleted) out('Untagged' in line ? `untagged: ${line.Untagged}` : `deleted: ${line.Deleted}`);
      process.stdout.write('\n');
    }
    out(`Total reclaimed space: ${humanSize(result.reclaimed)}`);
  },
};
