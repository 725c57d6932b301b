import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor } from '../../context';
import { printInspected } from '../../output/inspect-output';
import { VOLUME_SHAPE } from '../../output/go-values';

interface InspectArgs {
  volumes: string[];
  format?: string;
}

export const inspect: Verb<InspectArgs> = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  args: '<volumes..>',
  options: (flags: FlagSet) => formatOption(flags, { table: false, short: 'f' }),
  run(argv) {
    const volumes = engineFor(argv).volumes;
    printInspected(argv.volumes, (name) => ({ doc: volumes.inspect(name), shape: VOLUME_SHAPE }), argv.format);
  },
};
