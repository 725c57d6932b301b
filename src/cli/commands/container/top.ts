import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { tabwrite } from '../../output/table';

interface TopArgs {
  container: string;
  psOptions?: string[];
  '--'?: string[];
}

/** docker/cli's top writer: tabwriter.NewWriter(out, 20, 1, 3, ' ', 0). */
const TOP_TABWRITER = { minWidth: 20, padding: 3 };

export const top: Verb<TopArgs> = {
  args: '<container> [psOptions..]',
  describe: 'Display the running processes of a container',
  options: (y: Argv) =>
    y
      .positional('container', { type: 'string' })
      .positional('psOptions', { type: 'string', array: true, describe: 'ps options (default -ef); put them after -- when they start with -' }),
  run(argv) {
    const psArgs = [...(argv.psOptions ?? []), ...(argv['--'] ?? [])].map(String);
    // `top C -- -o pid`: the separator is for berth's parser, not for ps.
    if (psArgs[0] === '--') psArgs.shift();
    const listing = engineFor(argv).containers.top(argv.container, psArgs);
    const lines = [listing.Titles, ...listing.Processes].map((cells) => cells.join('\t'));
    out(tabwrite(`${lines.join('\n')}\n`, TOP_TABWRITER));
  },
};
