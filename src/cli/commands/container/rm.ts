import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface RmArgs {
  containers: string[];
  force?: boolean;
  volumes?: boolean;
}

export const rm: Verb<RmArgs> = {
  args: '<containers..>',
  describe: 'Remove one or more containers',
  options: (y: Argv) =>
    y
      .positional('containers', { type: 'string', array: true })
      .option('force', { alias: 'f', type: 'boolean', describe: 'Force the removal of a running container (uses SIGKILL)' })
      .option('volumes', { alias: 'v', type: 'boolean', describe: 'Remove anonymous volumes associated with the container' }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, async (name) => {
      await engine.containers.remove(name, { force: argv.force, volumes: argv.volumes });
      out(name);
    });
  },
};
