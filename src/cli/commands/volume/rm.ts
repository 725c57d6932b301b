import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface RmArgs {
  volumes: string[];
  force?: boolean;
}

export const rm: Verb<RmArgs> = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  args: '<volumes..>',
  long: 'Remove one or more volumes. You cannot remove a volume that is in use by a container.',
  options: (flags: FlagSet) =>
    flags
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force the removal of one or more volumes' }),
  async run(argv) {
    const volumes = engineFor(argv).volumes;
    await forEachReported(argv.volumes, (name) => {
      volumes.remove(name, { force: argv.force });
      out(name);
    });
  },
};
