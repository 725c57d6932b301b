import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface RmArgs {
  images: string[];
  force?: boolean;
}

export const rm: Verb<RmArgs> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: '<images..>',
  options: (flags: FlagSet) =>
    flags
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force removal of the image' })
      // Accepted for compatibility: berth's images have no untagged parents.
      .option('no-prune', { type: 'boolean', describe: 'Do not delete untagged parents' }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.images, async (name) => {
      for (const line of await engine.images.remove(name, { force: argv.force })) {
        out('Untagged' in line ? `Untagged: ${line.Untagged}` : `Deleted: ${line.Deleted}`);
      }
    });
  },
};
