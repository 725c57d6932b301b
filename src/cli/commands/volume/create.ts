import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface CreateArgs {
  name?: string;
  driver?: string;
  label?: string[];
  opt?: string[];
}

/** `key=value` or `key` (empty value), as Docker's --label. */
function labelMap(values: readonly string[] = []): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of values) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  return labels;
}

export const create: Verb<CreateArgs> = {
  args: '[name]',
  describe: 'Create a volume',
  options: (y: Argv) =>
    y
      // yargs also reads `--name X` into the positional, Docker's older spelling.
      .positional('name', { type: 'string', describe: 'VOLUME' })
      .option('driver', { alias: 'd', type: 'string', default: 'local', describe: 'Specify volume driver name' })
      .option('label', { alias: 'l', type: 'string', array: true, nargs: 1, describe: 'Set metadata for a volume' })
      .option('opt', { alias: 'o', type: 'string', array: true, nargs: 1, describe: 'Set driver specific options' }),
  run(argv) {
    if ((argv.opt ?? []).length > 0) {
      throw new UsageError('volume create: driver options (-o) are not supported by berth: local volumes are plain directories');
    }
    const volume = engineFor(argv).volumes.create(argv.name, { labels: labelMap(argv.label), driver: argv.driver });
    out(volume.Name);
  },
};
