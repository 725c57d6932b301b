import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface CreateArgs {
  volume?: string;
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
  usage: '[OPTIONS] [VOLUME]',
  args: '[volume]',
  options: (flags: FlagSet) =>
    flags
      .option('driver', { alias: 'd', type: 'string', default: 'local', describe: 'Specify volume driver name' })
      // Docker's older spelling of the argument, still accepted (hidden, as Docker hides it).
      .option('name', { type: 'string', hidden: true, describe: 'Specify volume name' })
      .option('label', { type: 'string', array: true, describe: 'Set metadata for a volume' })
      .option('opt', { alias: 'o', type: 'string', array: true, valueName: 'map', defaultText: 'map[]', describe: 'Set driver specific options' }),
  run(argv) {
    if ((argv.opt ?? []).length > 0) {
      throw new UsageError('volume create: driver options (-o) are not supported by berth: local volumes are plain directories');
    }
    const volume = engineFor(argv).volumes.create(argv.volume ?? argv.name, { labels: labelMap(argv.label), driver: argv.driver });
    out(volume.Name);
  },
};
