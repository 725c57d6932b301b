/**
 * berth's command line. Commands come from an explicit list
 * (commands/index.ts); yargs is loaded here only, on demand. The single
 * catch-all below prints `Error: ...` and sets Docker's exit code.
 */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors/kinds';
import { commands } from './commands';
import { splitCommandTail } from './command-tail';
import { report } from './report';
import { commandWordOf, helpAsked } from './command-word';

export { report };

export interface GlobalOptions {
  root?: string;
  config?: string;
  debug?: boolean;
  'insecure-registry'?: string[];
}

/**
 * yargs renders the whole help text (every command, wrapped) after each
 * command runs, to cache it: ~30 ms of the `run` hot path. When no help was
 * asked for, that cache is never read; skip building it.
 */
function skipHelpCache(parser: Argv): void {
  const internal = (parser as unknown as { getInternalMethods?: () => { getUsageInstance(): { cacheHelpMessage?: () => void } } }).getInternalMethods;
  const usage = internal?.call(parser).getUsageInstance();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/**
 * yargs parses every registered command's name and reads them all when
 * matching: with argv naming a command, only that one is registered. Help
 * (which lists them) and anything unclear get every command, so yargs'
 * messages stay the same.
 */
function commandsFor(argv: readonly string[]): CommandModule[] {
  const word = helpAsked(argv) ? undefined : commandWordOf(argv);
  if (word === undefined) return commands;
  const named = commands.filter((c) => namesOf(c).includes(word));
  return named.length > 0 ? named : commands;
}

function namesOf(command: CommandModule): string[] {
  return [String(command.command).split(' ')[0], ...[command.aliases ?? []].flat()];
}

/** Whether `word` is a top-level command (the launcher keeps a code cache only for those). */
export function isCommandName(word: string): boolean {
  return commands.some((c) => namesOf(c).includes(word));
}

function buildParser(argv: string[]): Argv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require('yargs/yargs') as (args: string[]) => Argv;
  let parser = yargs(argv)
    .scriptName('berth')
    .usage('Usage: berth [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers')
    .option('root', { type: 'string', describe: 'Data root (default /var/lib/berth, or $BERTH_ROOT)', global: true })
    .option('config', { type: 'string', describe: 'Config file (default /etc/berth/config.json, or $BERTH_CONFIG)', global: true })
    .option('debug', { alias: 'D', type: 'boolean', describe: 'Print details of errors', global: true })
    .option('insecure-registry', {
      type: 'string',
      array: true,
      describe: 'Registry (host[:port] or CIDR) that may be reached over plain HTTP, besides the config file',
      global: true,
    })
    .strictCommands()
    .strictOptions()
    // Docker's flags are named --no-trunc, --no-prune, ...: never read them as negations.
    .parserConfiguration({
      'unknown-options-as-args': false,
      'halt-at-non-option': false,
      'boolean-negation': false,
      // run/create/exec: the container's command arrives behind `--` (splitCommandTail).
      'populate--': true,
    })
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 80))
    .fail((msg, err) => {
      if (err) throw err;
      // Docker: unknown flags exit 125, wrong argument counts exit 1.
      const unknown = /^Unknown arguments?: (.*)$/.exec(msg);
      if (unknown) {
        // Docker (cobra) names the first unknown flag and exits 125.
        const first = unknown[1].split(', ')[0];
        const flag = first.length === 1 ? `-${first}` : `--${first}`;
        throw new UsageError(`unknown flag: ${flag}`, { exitCode: 125, hint: "Run 'berth --help' for more information" });
      }
      throw new UsageError(msg, { exitCode: 1, hint: "Run 'berth --help' for more information" });
    })
    .demandCommand(1, "berth needs a command: run 'berth --help' for the list");
  for (const command of commandsFor(argv)) parser = parser.command(command);
  if (!helpAsked(argv)) skipHelpCache(parser);
  return parser;
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug') || argv.includes('-D');
  try {
    await buildParser(splitCommandTail(argv)).parseAsync();
  } catch (err) {
    process.exitCode = report(err, debug);
  }
}
