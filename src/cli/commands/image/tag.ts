import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor } from '../../context';

interface TagArgs {
  source: string;
  target: string;
}

export const tag: Verb<TagArgs> = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  args: '<source> <target>',
  flagsEndAtFirstArgument: true,
  async run(argv) {
    await engineFor(argv).images.tag(argv.source, argv.target);
  },
};
