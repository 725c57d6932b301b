import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { forEachReported } from '../../bulk';

interface KillArgs {
  containers: string[];
  signal?: string;
}

export const kill: Verb<KillArgs> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: '<containers..>',
  options: (flags: FlagSet) => flags.option('signal', { alias: 's', type: 'string', describe: 'Signal to send to the container' }),
  async run(argv) {
    const engine = engineFor(argv);
    await forEachReported(argv.containers, (name) => {
      engine.containers.kill(name, argv.signal ?? 'KILL');
      out(name);
    });
  },
};
