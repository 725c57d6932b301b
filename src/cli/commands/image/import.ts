import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface ImportArgs {
  file: string;
  reference?: string;
  change?: string[];
  message?: string;
  platform?: string;
}

export const importVerb: Verb<ImportArgs> = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  // Docker takes at least the file: further arguments are not refused, and not used.
  args: '<file> [reference] [ignored..]',
  options: (flags: FlagSet) =>
    flags
      .option('change', { alias: 'c', type: 'string', array: true, describe: 'Apply Dockerfile instruction to the created image' })
      .option('message', { alias: 'm', type: 'string', describe: 'Set commit message for imported image' })
      .option('platform', { type: 'string', describe: 'Set platform if server is multi-platform capable' }),
  async run(argv) {
    const { file } = argv;
    if (file === '-' && process.stdin.isTTY) {
      throw new UsageError('import: refusing to read a tarball from a terminal', { hint: 'pipe the tarball in, or name a file' });
    }
    const source = file === '-' ? { stream: process.stdin, name: '-' } : file;
    const result = await engineFor(argv).images.import(source, {
      reference: argv.reference,
      changes: argv.change ?? [],
      message: argv.message,
      platform: argv.platform,
    });
    out(result.id);
  },
};
