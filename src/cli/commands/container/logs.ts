import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { engineFor } from '../../context';
import { parseSince } from '../../../api/containers/logs';
import { UsageError } from '../../../errors/kinds';

interface LogsArgs {
  container: string;
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
}

function tailOf(value: string | undefined): number | undefined {
  if (value === undefined || value === 'all') return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid value for "tail": \`${value}\``);
  const n = Number(value);
  return n < 0 ? undefined : n; // Docker treats a negative tail as all
}

/** Writes and waits for the pipe to take it, so a slow reader holds `-f` back rather than memory. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> | void {
  if (stream.write(text)) return;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

export const logs: Verb<LogsArgs> = {
  usage: '[OPTIONS] CONTAINER',
  args: '<container>',
  options: (flags: FlagSet) =>
    flags
      .option('follow', { alias: 'f', type: 'boolean', describe: 'Follow log output' })
      .option('tail', { alias: 'n', type: 'string', default: 'all', describe: 'Number of lines to show from the end of the logs' })
      .option('timestamps', { alias: 't', type: 'boolean', describe: 'Show timestamps' })
      .option('since', {
        type: 'string',
        describe: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)',
      }),
  async run(argv) {
    const engine = engineFor(argv);
    const options = {
      follow: Boolean(argv.follow),
      tail: tailOf(argv.tail),
      sinceMs: argv.since === undefined ? undefined : parseSince(argv.since),
    };
    for await (const entry of engine.containers.logs(argv.container, options)) {
      const text = argv.timestamps ? `${entry.time} ${entry.log}` : entry.log;
      await write(entry.stream === 'stderr' ? process.stderr : process.stdout, text);
    }
  },
};
