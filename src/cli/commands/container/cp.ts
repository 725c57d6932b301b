import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { humanSize } from '../../output/units';
import { assertTwoSides, splitCpArg } from '../../../api/containers/copy/copy-plan';
import { UsageError } from '../../../errors/kinds';

interface CpArgs {
  source: string;
  destination: string;
  archive?: boolean;
  'follow-link'?: boolean;
  quiet?: boolean;
}

export const cp: Verb<CpArgs> = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  args: '<source> <destination>',
  long: `Copy files/folders between a container and the local filesystem

Use '-' as the source to read a tar archive from stdin
and extract it to a directory destination in a container.
Use '-' as the destination to stream a tar archive of a
container source to stdout.`,
  options: (flags: FlagSet) =>
    flags
      .option('archive', { alias: 'a', type: 'boolean', describe: 'Archive mode (copy all uid/gid information)' })
      .option('follow-link', { alias: 'L', type: 'boolean', describe: 'Always follow symbol link in SRC_PATH' })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        describe: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached',
      }),
  async run(argv) {
    const { source, destination } = argv;
    if (source === '') throw new UsageError('source can not be empty');
    if (destination === '') throw new UsageError('destination can not be empty');
    const src = splitCpArg(source);
    const dest = splitCpArg(destination);
    assertTwoSides(src, dest);
    const options = { followLink: argv['follow-link'], archive: argv.archive };
    const containers = engineFor(argv).containers;
    // Docker 28: the summary line only when -q is not given and stdout is a terminal.
    const quiet = argv.quiet ?? !process.stdout.isTTY;
    if (src.container !== undefined) {
      const to = dest.path === '-' ? process.stdout : dest.path;
      const result = await containers.copyFrom(src.container, src.path, to, options);
      if (!quiet && to !== process.stdout) process.stderr.write(`Successfully copied ${humanSize(result.bytes)} to ${result.destination}\n`);
      return;
    }
    const from = src.path === '-' ? process.stdin : src.path;
    const result = await containers.copyTo(dest.container!, from, dest.path, options);
    if (!quiet) process.stderr.write(`Successfully copied ${humanSize(result.bytes)} to ${result.destination}\n`);
  },
};
