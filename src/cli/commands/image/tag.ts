import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { goQuote } from '../../output/go-fmt';
import { normalizeReference } from '../../../image/reference';
import { InvalidReferenceError } from '../../../errors/kinds';

interface TagArgs {
  source: string;
  target: string;
}

export const tag: Verb<TagArgs> = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  args: '<source> <target>',
  flagsEndAtFirstArgument: true,
  async run(argv) {
    try {
      normalizeReference(argv.target);
    } catch (err) {
      // Docker's CLI checks the target itself, with its own words around the parser's.
      if (!(err instanceof InvalidReferenceError)) throw err;
      throw new InvalidReferenceError(`Error parsing reference: ${goQuote(argv.target)} is not a valid repository/tag: ${err.message}`);
    }
    await engineFor(argv).images.tag(argv.source, argv.target);
  },
};
