import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { report } from '../../main';

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
  run(argv) {
    const engine = engineFor(argv);
    let failed = false;
    for (const name of argv.containers) {
      try {
        engine.containers.kill(name, argv.signal);
        out(name);
      } catch (err) {
        report(err);
        failed = true;
      }
    }
    if (failed) process.exitCode = 1;
  },
};
