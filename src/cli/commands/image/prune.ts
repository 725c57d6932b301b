import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { humanSize } from '../../output/units';
import { UsageError } from '../../../errors/kinds';

interface PruneArgs {
  all?: boolean;
  force?: boolean;
}

export const prune: Verb<PruneArgs> = {
  describe: 'Remove unused images',
  options: (y: Argv) =>
    y
      .option('all', { alias: 'a', type: 'boolean', describe: 'Remove all unused images, not just dangling ones' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Do not prompt for confirmation' }),
  async run(argv) {
    if (!argv.force && !process.stdin.isTTY) {
      // Docker asks for confirmation; with no terminal to ask on, demand -f.
      throw new UsageError('image prune: refusing to prune without confirmation; pass -f/--force');
    }
    if (!argv.force) {
      const answer = await askYesNo(
        argv.all
          ? 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] '
          : 'WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ',
      );
      if (!answer) return;
    }
    const result = await engineFor(argv).images.prune({ all: argv.all });
    if (result.deleted.length > 0) {
      out('Deleted Images:');
      for (const line of result.deleted) out('Untagged' in line ? `untagged: ${line.Untagged}` : `deleted: ${line.Deleted}`);
      process.stdout.write('\n');
    }
    out(`Total reclaimed space: ${humanSize(result.reclaimed)}`);
  },
};

async function askYesNo(question: string): Promise<boolean> {
  const readline = await import('node:readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
