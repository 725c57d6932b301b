import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface SaveArgs {
  images: string[];
  output?: string;
}

export const save: Verb<SaveArgs> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: '<images..>',
  options: (flags: FlagSet) =>
    flags
      .option('output', { alias: 'o', type: 'string', describe: 'Write to a file, instead of STDOUT' }),
  async run(argv) {
    const engine = engineFor(argv);
    if (argv.output !== undefined && argv.output !== '') {
      await engine.images.save(argv.images, argv.output);
      return;
    }
    if (process.stdout.isTTY) {
      throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    await engine.images.save(argv.images, process.stdout);
  },
};
