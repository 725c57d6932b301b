import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface SaveArgs {
  images: string[];
  output?: string;
}

export const save: Verb<SaveArgs> = {
  args: '<images..>',
  describe: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  options: (y: Argv) =>
    y
      .positional('images', { type: 'string', array: true, describe: 'IMAGE [IMAGE...]' })
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
