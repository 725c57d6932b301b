import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';

interface CommitArgs {
  container: string;
  repository?: string;
  author?: string;
  change?: string[];
  message?: string;
  pause: boolean;
}

export const commit: Verb<CommitArgs> = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  args: '<container> [repository]',
  flagsEndAtFirstArgument: true,
  options: (flags: FlagSet) =>
    flags
      .option('author', { alias: 'a', type: 'string', describe: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' })
      .option('change', { alias: 'c', type: 'string', array: true, describe: 'Apply Dockerfile instruction to the created image' })
      .option('message', { alias: 'm', type: 'string', describe: 'Commit message' })
      .option('pause', { alias: 'p', type: 'boolean', default: true, describe: 'Pause container during commit' }),
  async run(argv) {
    const result = await engineFor(argv).containers.commit(argv.container, {
      reference: argv.repository,
      author: argv.author,
      changes: argv.change ?? [],
      message: argv.message,
      pause: argv.pause,
    });
    out(result.id);
  },
};
