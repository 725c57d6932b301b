import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { runAttached } from './run';
import { UsageError } from '../../../errors/kinds';
import { ExitCode } from '../../../errors/exit-codes';

interface StartArgs {
  containers: string[];
  attach?: boolean;
  interactive?: boolean;
}

export const start: Verb<StartArgs> = {
  args: '<containers..>',
  describe: 'Start one or more stopped containers',
  options: (y: Argv) =>
    y
      .positional('containers', { type: 'string', array: true })
      .option('attach', { alias: 'a', type: 'boolean', describe: "Attach STDOUT/STDERR and forward signals" })
      .option('interactive', { alias: 'i', type: 'boolean', describe: "Attach container's STDIN" }),
  async run(argv) {
    if (!argv.attach) {
      throw new UsageError('start: without -a the container runs detached, which needs the container monitor berth does not have yet; use start -a', {
        exitCode: ExitCode.RuntimeFailure,
      });
    }
    if (argv.containers.length > 1) throw new UsageError('you cannot start and attach multiple containers at once', { exitCode: 1 });
    const engine = engineFor(argv);
    const state = engine.containers.get(argv.containers[0]);
    state.hostConfig.interactive = Boolean(argv.interactive);
    process.exitCode = await runAttached(engine, state);
  },
};
