import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { confirmed } from '../../confirm';
import { humanSize } from '../../output/units';

interface SystemPruneArgs {
  all?: boolean;
  force?: boolean;
}

export const prune: Verb<SystemPruneArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    flags
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all unused images not just dangling ones' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  async run(argv) {
    const warning = [
      'WARNING! This will remove:',
      '  - all stopped containers',
      argv.all ? '  - all images without at least one container associated to them' : '  - all dangling images',
    ].join('\n');
    if (!(await confirmed('system prune', warning, argv.force))) return;
    const result = await engineFor(argv).system.prune({ all: argv.all });
    if (result.containers.deleted.length > 0) out(`Deleted Containers:\n${result.containers.deleted.join('\n')}\n\n`);
    if (result.images.deleted.length > 0) {
      const lines = result.images.deleted.map((l) => ('Untagged' in l ? `untagged: ${l.Untagged}` : `deleted: ${l.Deleted}`));
      out(`Deleted Images:\n${lines.join('\n')}\n\n`);
    }
    out(`Total reclaimed space: ${humanSize(result.reclaimed)}`);
  },
};
