import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface ExportArgs {
  container: string;
  output?: string;
}

/** `export` is a reserved word: the verb is `exportVerb`. */
export const exportVerb: Verb<ExportArgs> = {
  usage: '[OPTIONS] CONTAINER',
  args: '<container>',
  options: (flags: FlagSet) =>
    flags
      .option('output', { alias: 'o', type: 'string', describe: 'Write to a file, instead of STDOUT' }),
  async run(argv) {
    const engine = engineFor(argv);
    if (argv.output !== undefined && argv.output !== '') {
      await engine.containers.export(argv.container, argv.output);
      return;
    }
    if (process.stdout.isTTY) {
      throw new UsageError('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    await engine.containers.export(argv.container, process.stdout);
  },
};
