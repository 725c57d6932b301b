import { Verb } from '../../verb';
import { engineFor, out } from '../../context';
import { tabwrite } from '../../output/table';

interface TopArgs {
  container: string;
  psOptions: string[];
}

/** docker/cli's top writer: tabwriter.NewWriter(out, 20, 1, 3, ' ', 0). */
const TOP_TABWRITER = { minWidth: 20, padding: 3 };

export const top: Verb<TopArgs> = {
  usage: 'CONTAINER [ps OPTIONS]',
  args: '<container> [psOptions..]',
  flagsEndAtFirstArgument: true,
  run(argv) {
    // `top C -- -o pid`: the separator is for berth's parser (older berths needed it), not for ps.
    const psArgs = argv.psOptions[0] === '--' ? argv.psOptions.slice(1) : argv.psOptions;
    const listing = engineFor(argv).containers.top(argv.container, psArgs);
    const lines = [listing.Titles, ...listing.Processes].map((cells) => cells.join('\t'));
    out(tabwrite(`${lines.join('\n')}\n`, TOP_TABWRITER));
  },
};
