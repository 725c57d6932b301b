import * as fs from 'node:fs';
import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { NotFoundError, UsageError } from '../../../errors/kinds';

interface LoadArgs {
  input?: string;
  quiet?: boolean;
}

export const load: Verb<LoadArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    flags
      .option('input', { alias: 'i', type: 'string', describe: 'Read from tar archive file, instead of STDIN' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Suppress the load output' }),
  async run(argv) {
    let source: NodeJS.ReadableStream;
    if (argv.input !== undefined && argv.input !== '') {
      if (!fs.existsSync(argv.input)) throw new NotFoundError(`load: open \`${argv.input}\`: no such file`);
      source = fs.createReadStream(argv.input);
    } else {
      if (process.stdin.isTTY) throw new UsageError('requested load from stdin, but stdin is empty', { hint: 'use -i FILE or redirect the archive' });
      source = process.stdin;
    }
    // Docker prints the Loaded lines even with -q (it only hides progress); berth has no progress to hide.
    for (const image of await engineFor(argv).images.load(source)) {
      for (const moved of image.moved) {
        out(`The image ${moved.tag} already exists, renaming the old one with ID ${moved.from} to empty string`);
      }
      if (image.tags.length === 0) out(`Loaded image ID: ${image.id}`);
      for (const tag of image.tags) out(`Loaded image: ${tag}`);
    }
  },
};
