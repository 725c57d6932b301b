/**
 * berth's command line. Commands come from an explicit list
 * (commands/index.ts); yargs is loaded here only, on demand. The single
 * catch-all below prints `Error: ...` and sets Docker's exit code.
 */
import type { Argv } from 'yargs';
import { isBerthError, messageOf } from '../errors/berth-error';
import { UsageError } from '../errors/kinds';
import { commands, COMMAND_TAKING_VERBS } from './commands';

export interface GlobalOptions {
  root?: string;
  config?: string;
  debug?: boolean;
  'insecure-registry'?: string[];
}

/** Reports an error the way Docker's CLI does and returns the exit code. */
export function report(err: unknown, debug = false): number {
  if (isBerthError(err)) {
    process.stderr.write(`Error: ${err.message}\n`);
    if (err.hint) process.stderr.write(`Hint: ${err.hint}\n`);
    if (debug && err.cause) process.stderr.write(`Cause: ${messageOf(err.cause)}\n`);
    return err.exitCode;
  }
  process.stderr.write(`Error: ${messageOf(err)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return 1;
}

/** Flags of run/create/exec that take no value (every other flag does, unless written --flag=value). */
const BOOLEAN_FLAGS = new Set([
  '--rm', '--detach', '--interactive', '--tty', '--privileged', '--read-only', '--init', '--help', '--debug',
  '--no-healthcheck', '--sig-proxy', '--quiet', '--disable-content-trust', '--oom-kill-disable',
]);
const BOOLEAN_SHORT = new Set(['d', 'i', 't', 'h', 'D', 'q', 'P']);

/**
 * Docker stops reading flags at the image (run, create) or the container
 * (exec): what follows is the command, flags and all. Returns the argv for
 * yargs, with that command moved behind `--`.
 */
export function splitCommandTail(argv: string[]): string[] {
  let i = 0;
  const words: string[] = [];
  while (i < argv.length) {
    const arg = argv[i];
    if (arg === '--') return argv;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && !BOOLEAN_FLAGS.has(arg)) i++;
    } else if (arg.startsWith('-') && arg.length > 1) {
      // -it, -dit: all boolean letters; -e X, -v X: the value follows (or is attached: -eX).
      const letters = arg.slice(1);
      if ([...letters].every((l) => BOOLEAN_SHORT.has(l)) && !(letters === 'h' && words.length > 0)) {
        // -h is --help before the verb, --hostname (with a value) after it
      } else if (letters.length === 1) {
        // yargs knows -h only as --help: spell the hostname flag out for it.
        if (letters === 'h') argv = [...argv.slice(0, i), '--hostname', ...argv.slice(i + 1)];
        i++;
      }
    } else {
      words.push(arg);
      const verb = words[0] === 'container' ? words[1] : words[0];
      const operandIndex = words[0] === 'container' ? 2 : 1;
      if (verb !== undefined && !COMMAND_TAKING_VERBS.has(verb)) return argv;
      if (words.length === operandIndex + 1) return [...argv.slice(0, i + 1), '--', ...argv.slice(i + 1)];
    }
    i++;
  }
  return argv;
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
      const unknownFlag = /^Unknown argument/.test(msg);
      throw new UsageError(msg, { exitCode: unknownFlag ? 125 : 1, hint: "Run 'berth --help' for more information" });
    })
    .demandCommand(1, "berth needs a command: run 'berth --help' for the list");
  for (const command of commands) parser = parser.command(command);
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
