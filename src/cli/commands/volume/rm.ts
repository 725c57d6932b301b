import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface RmArgs {
  volumes: string[];
  force?: boolean;
}

export const rm: Verb<RmArgs> = {
  args: '<volumes..>',
  describe: 'Remove one or more volumes',
  options: (y: Argv) =>
    y
      .positional('volumes', { type: 'string', array: true, describe: 'VOLUME [VOLUME...]' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force the removal of one or more volumes' }),
  async run(argv) {
    const volumes = engineFor(argv).volumes;
    await forEachReported(argv.volumes, (name) => {
      volumes.remove(name, { force: argv.force });
      out(name);
    });
  },
};
