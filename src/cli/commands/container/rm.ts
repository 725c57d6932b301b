import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface RmArgs {
  containers: string[];
  force?: boolean;
  volumes?: boolean;
}

export const rm: Verb<RmArgs> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: '<containers..>',
  options: (flags: FlagSet) =>
    flags
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
