import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { humanSize } from '../../output/units';
import { assertTwoSides, splitCpArg } from '../../../api/containers/copy/copy-plan';
import { UsageError } from '../../../errors/kinds';

interface CpArgs {
  source: unknown;
  destination: unknown;
  archive?: boolean;
  followLink?: boolean;
  quiet?: boolean;
}

/**
 * yargs re-reads positionals as `--source -`, which turns a lone `-` into
 * `''` (or `true`): take it back from the command line when one was given.
 */
function dashAware(value: unknown): string {
  if ((value === '' || value === true) && process.argv.slice(2).includes('-')) return '-';
  return typeof value === 'string' ? value : '';
}

export const cp: Verb<CpArgs> = {
  args: '<source> <destination>',
  describe: 'Copy files/folders between a container and the local filesystem',
  options: (y: Argv) =>
    y
      .usage('berth cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\nberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH')
      .positional('source', { type: 'string', describe: 'CONTAINER:SRC_PATH, a local path, or - (a tar archive on stdin)' })
      .positional('destination', { type: 'string', describe: 'CONTAINER:DEST_PATH, a local path, or - (a tar archive to stdout)' })
      .option('archive', { alias: 'a', type: 'boolean', describe: 'Archive mode (copy all uid/gid information)' })
      .option('follow-link', { alias: 'L', type: 'boolean', describe: 'Always follow symlinks in SRC_PATH' })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        describe: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached',
      }),
  async run(argv) {
    const source = dashAware(argv.source);
    const destination = dashAware(argv.destination);
    if (source === '') throw new UsageError('source can not be empty');
    if (destination === '') throw new UsageError('destination can not be empty');
    const src = splitCpArg(source);
    const dest = splitCpArg(destination);
    assertTwoSides(src, dest);
    const options = { followLink: argv.followLink, archive: argv.archive };
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
