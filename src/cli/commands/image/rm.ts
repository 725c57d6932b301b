import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface RmArgs {
  images: string[];
  force?: boolean;
}

export const rm: Verb<RmArgs> = {
  args: '<images..>',
  describe: 'Remove one or more images',
  options: (y: Argv) =>
    y
      .positional('images', { type: 'string', array: true, describe: 'IMAGE [IMAGE...]' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force removal of the image' })
      .option('no-prune', { type: 'boolean', describe: 'Do not delete untagged parents (accepted for compatibility)' }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.images, async (name) => {
      for (const line of await engine.images.remove(name, { force: argv.force })) {
        out('Untagged' in line ? `Untagged: ${line.Untagged}` : `Deleted: ${line.Deleted}`);
      }
    });
  },
};
