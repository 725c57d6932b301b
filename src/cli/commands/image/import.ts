import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { UsageError } from '../../../errors/kinds';

interface ImportArgs {
  file: string;
  reference?: string;
  /** One string, or several when the flag repeats. */
  change?: string | string[];
  message?: string;
  platform?: string;
}

export const importVerb: Verb<ImportArgs> = {
  args: '<file> [reference]',
  describe: 'Import the contents from a tarball to create a filesystem image',
  options: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'FILE or - (stdin); URLs are not supported' })
      .positional('reference', { type: 'string', describe: 'REPOSITORY[:TAG]' })
      // Not `array: true`: that would swallow the FILE argument after `-c X`; repeats still collect.
      .option('change', { alias: 'c', type: 'string', describe: 'Apply Dockerfile instruction to the created image' })
      .option('message', { alias: 'm', type: 'string', describe: 'Set commit message for imported image' })
      .option('platform', { type: 'string', describe: 'Set platform if server is multi-platform capable (os/arch[/variant])' }),
  async run(argv) {
    // yargs hands a lone `-` over as an empty string.
    const file = argv.file === '' ? '-' : argv.file;
    if (file === '-' && process.stdin.isTTY) {
      throw new UsageError('import: refusing to read a tarball from a terminal', { hint: 'pipe the tarball in, or name a file' });
    }
    const source = file === '-' ? { stream: process.stdin, name: '-' } : file;
    const result = await engineFor(argv).images.import(source, {
      reference: argv.reference,
      changes: argv.change === undefined ? [] : ([] as string[]).concat(argv.change),
      message: argv.message,
      platform: argv.platform,
    });
    out(result.id);
  },
};
