/**
 * The --format flag of the listing and inspecting verbs, described in Docker's
 * words (its flagsHelper.FormatHelp and InspectFormatHelp): one definition for
 * ps, images, history, stats, volume ls, system df and the inspects.
 */
import type { FlagSet } from '../flags';

const TEMPLATE_LINES = [
  "'json':             Print in JSON format",
  "'TEMPLATE':         Print output using the given Go template.",
  'Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates',
];

const TABLE_LINES = [
  "'table':            Print output in table format with column headers (default)",
  "'table TEMPLATE':   Print output in table format using the given Go template",
];

/** Adds `--format` (and `-f` where Docker has it); `table`: the verb prints a table by default. */
export function formatOption(flags: FlagSet, options: { table: boolean; short?: 'f' }): FlagSet {
  const lines = ['Format output using a custom template:', ...(options.table ? TABLE_LINES : []), ...TEMPLATE_LINES];
  return flags.option('format', { alias: options.short, type: 'string', describe: lines.join('\n') });
}
