import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface KillArgs {
  containers: string[];
  signal?: string;
}

export const kill: Verb<KillArgs> = {
  args: '<containers..>',
  describe: 'Kill one or more running containers',
  options: (y: Argv) =>
    y
      .positional('containers', { type: 'string', array: true })
      .option('signal', { alias: 's', type: 'string', default: 'KILL', describe: 'Signal to send to the container' }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, (name) => {
      engine.containers.kill(name, argv.signal);
      out(name);
    });
  },
};
