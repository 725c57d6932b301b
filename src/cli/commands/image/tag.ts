import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';

interface TagArgs {
  source: string;
  target: string;
}

export const tag: Verb<TagArgs> = {
  args: '<source> <target>',
  describe: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  options: (y: Argv) =>
    y
      .positional('source', { type: 'string', describe: 'SOURCE_IMAGE[:TAG]' })
      .positional('target', { type: 'string', describe: 'TARGET_IMAGE[:TAG]' }),
  async run(argv) {
    await engineFor(argv).images.tag(argv.source, argv.target);
  },
};
