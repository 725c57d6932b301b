import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { printInspected } from '../../output/inspect-output';
import { VOLUME_SHAPE } from '../../output/go-values';

interface InspectArgs {
  volumes: string[];
  format?: string;
}

export const inspect: Verb<InspectArgs> = {
  args: '<volumes..>',
  describe: 'Display detailed information on one or more volumes',
  options: (y: Argv) =>
    y
      .positional('volumes', { type: 'string', array: true, describe: 'VOLUME [VOLUME...]' })
      .option('format', { alias: 'f', type: 'string', describe: 'Format output using a custom template' }),
  run(argv) {
    const volumes = engineFor(argv).volumes;
    printInspected(argv.volumes, (name) => ({ doc: volumes.inspect(name), shape: VOLUME_SHAPE }), argv.format);
  },
};
