import type { Argv } from 'yargs';
import { Verb } from '../../verb';
import { engineFor, out } from '../../context';

interface CommitArgs {
  container: string;
  repository?: string;
  author?: string;
  /** One string, or several when the flag repeats. */
  change?: string | string[];
  message?: string;
  pause: boolean;
}

export const commit: Verb<CommitArgs> = {
  args: '<container> [repository]',
  describe: "Create a new image from a container's changes",
  options: (y: Argv) =>
    y
      .positional('container', { type: 'string' })
      .positional('repository', { type: 'string', describe: 'REPOSITORY[:TAG]' })
      .option('author', { alias: 'a', type: 'string', describe: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' })
      // Not `array: true`: that would swallow the CONTAINER argument after `-c X`; repeats still collect.
      .option('change', { alias: 'c', type: 'string', describe: 'Apply Dockerfile instruction to the created image' })
      .option('message', { alias: 'm', type: 'string', describe: 'Commit message' })
      .option('pause', { alias: 'p', type: 'boolean', default: true, describe: 'Pause container during commit' }),
  async run(argv) {
    const result = await engineFor(argv).containers.commit(argv.container, {
      reference: argv.repository,
      author: argv.author,
      changes: argv.change === undefined ? [] : ([] as string[]).concat(argv.change),
      message: argv.message,
      pause: argv.pause,
    });
    out(result.id);
  },
};
