import type { FlagSet } from '../../flags';
import { Verb } from '../../verb';
import { formatOption } from '../../output/format-flag';
import { engineFor, out } from '../../context';
import { readEvents } from '../../../api/events/read';
import { parseEventFilters, parseEventTime } from '../../../api/events/filter';
import { eventFormatter } from '../../output/event-format';

interface EventsArgs {
  since?: string;
  until?: string;
  filter?: string[];
  format?: string;
}

/** How often a follower re-reads container states, so exits nobody else has looked at yet show up as `die`. */
const RECONCILE_MS = 1000;

export const events: Verb<EventsArgs> = {
  usage: '[OPTIONS]',
  options: (flags: FlagSet) =>
    formatOption(flags, { table: false })
      .option('since', { type: 'string', describe: 'Show all events created since timestamp' })
      .option('until', { type: 'string', describe: 'Stream events until this timestamp' })
      .option('filter', { alias: 'f', type: 'string', array: true, valueName: 'filter', describe: 'Filter output based on conditions provided' }),
  async run(argv) {
    const now = Date.now();
    const since = argv.since !== undefined ? parseEventTime(argv.since, now) : undefined;
    const until = argv.until !== undefined ? parseEventTime(argv.until, now) : undefined;
    const filters = parseEventFilters(argv.filter ?? []);
    const format = eventFormatter(argv.format);
    const engine = engineFor(argv);
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let reconciled = 0;
    const onPoll = (): void => {
      if (Date.now() - reconciled < RECONCILE_MS) return;
      reconciled = Date.now();
      try {
        engine.containers.list();
      } catch {
        // a container being removed meanwhile: the next poll sees the rest
      }
    };
    try {
      for await (const event of readEvents(engine.layout, { since, until, filters, onPoll, signal: abort.signal })) {
        out(format(event));
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
