/**
 * berth's command line, read as Docker's CLI reads its own: global flags up
 * to the command (`berth --root R run ...`), a noun and its verb or a
 * top-level verb, then the verb's flags and arguments (flags.ts, arguments.ts).
 * Commands come from an explicit table (commands/index.ts); only the verb
 * that runs, or shows its help, has its module loaded. Help and usage errors
 * are Docker's texts (usage.ts). The single catch-all below prints `Error: ...`
 * and sets Docker's exit code.
 */
import { commands, COMMON_COMMANDS } from './commands';
import { report } from './report';
import { handleClosedStdio } from './closed-pipe';
import { FlagError, FlagSet, parseFlags, ParsedLine } from './flags';
import { argumentCountError, argumentRule, bindArguments } from './arguments';
import type { Command, GlobalOptions, NounCommand, Verb, VerbCommand, VerbEntry } from './verb';
import {
  argumentErrorText, flagErrorText, helpColumns, nounHelpText, ROOT_USAGE, rootHelpText, unknownCommandText, useLine, verbHelpText,
} from './usage';

export { report, CliRefusal } from './report';
export type { GlobalOptions };

const DESCRIPTION = 'A self-sufficient runtime for containers';

function globalFlags(): FlagSet {
  return new FlagSet()
    .option('config', { type: 'string', describe: 'Config file (default /etc/berth/config.json, or $BERTH_CONFIG)' })
    .option('debug', { alias: 'D', type: 'boolean', describe: 'Print details of errors' })
    .option('insecure-registry', {
      type: 'string', array: true,
      describe: 'Registry (host[:port] or CIDR) that may be reached over plain HTTP, besides the config file',
    })
    .option('root', { type: 'string', describe: 'Data root (default /var/lib/berth, or $BERTH_ROOT)' });
}

function named(list: readonly Command[], word: string): Command | undefined {
  return list.find((c) => c.names.includes(word));
}

/** Whether `word` is a top-level command (the launcher keeps a code cache only for those). */
export function isCommandName(word: string): boolean {
  return named(commands, word) !== undefined;
}

/** What a command line comes to: text to print and an exit code, or a verb to run. */
export type Outcome =
  | { kind: 'print'; stdout?: string; stderr?: string; exitCode: number }
  | { kind: 'run'; run: () => Promise<void> | void; footer?: string };

const DEPRECATED_H = 'Flag shorthand -h has been deprecated, use --help\n';

function helpOutcome(help: ParsedLine['help'], text: string): Outcome {
  return { kind: 'print', stdout: (help === 'short' ? DEPRECATED_H : '') + text, exitCode: 0 };
}

function refusal(text: string, exitCode: number): Outcome {
  return { kind: 'print', stderr: text + '\n', exitCode };
}

function parse(flags: FlagSet, words: readonly string[], interspersed: boolean, line: string, commandPath: string): ParsedLine | Outcome {
  try {
    return parseFlags(flags, words, interspersed);
  } catch (err) {
    if (err instanceof FlagError) return refusal(flagErrorText(err.message, line, commandPath), 125);
    throw err;
  }
}

function isOutcome(value: ParsedLine | Outcome): value is Outcome {
  return 'kind' in value;
}

function rootHelp(): string {
  const summaries = (list: readonly Command[]) => list.map((c) => ({ name: c.names[0], describe: describeOf(c) }));
  const verbs = commands.filter((c) => c.kind === 'verb');
  return rootHelpText({
    describe: DESCRIPTION,
    common: COMMON_COMMANDS.map((word) => summaries([named(commands, word)!])[0]),
    management: summaries(commands.filter((c) => c.kind === 'noun')),
    others: summaries(verbs.filter((c) => !COMMON_COMMANDS.includes(c.names[0]))),
    flags: globalFlags().flags,
  }, helpColumns());
}

function describeOf(command: Command): string {
  return command.kind === 'noun' ? command.describe : command.entry.describe;
}

function nounHelp(noun: NounCommand): string {
  return nounHelpText(`berth ${noun.names[0]}`, noun.describe, noun.verbs.map((v) => ({ name: v.names[0], describe: v.entry.describe })));
}

/** Every path an entry is mounted at, in table order: `berth container ls, berth container list, ..., berth ps`. */
function pathsOf(entry: VerbEntry): string[] {
  const paths: string[] = [];
  for (const command of commands) {
    if (command.kind === 'verb' && command.entry === entry) paths.push(...command.names.map((n) => `berth ${n}`));
    if (command.kind === 'noun') {
      for (const verb of command.verbs) {
        if (verb.entry === entry) paths.push(...verb.names.map((n) => `berth ${command.names[0]} ${n}`));
      }
    }
  }
  return paths;
}

function verbOutcome(command: VerbCommand, commandPath: string, words: readonly string[], globals: Record<string, unknown>): Outcome {
  const verb: Verb = command.entry.load();
  const flags = new FlagSet();
  // Where -h is a flag of the verb (run's --hostname), --help is listed among its flags, as Docker's run does.
  verb.options?.(flags);
  if (flags.findShort('h')) flags.option('help', { type: 'boolean', describe: 'Print usage' });
  const line = useLine(commandPath, verb.usage);
  const parsed = parse(flags, words, !verb.flagsEndAtFirstArgument, line, commandPath);
  if (isOutcome(parsed)) return parsed;
  if (parsed.help !== undefined || parsed.values.help === true) {
    const description = verb.long ?? command.entry.describe;
    return helpOutcome(parsed.help, verbHelpText({ line, description, aliases: pathsOf(command.entry), flags: flags.flags }, helpColumns()));
  }
  const rule = argumentRule(verb.args);
  const wrong = argumentCountError(rule, parsed.args.length, commandPath);
  if (wrong) return refusal(argumentErrorText(wrong.message, wrong.see, line, commandPath), 1);
  const argv = { ...globals, ...parsed.values, ...bindArguments(rule, parsed.args) } as Record<string, unknown> & GlobalOptions;
  return { kind: 'run', run: () => verb.run(argv), footer: verb.failureFooter ? commandPath : undefined };
}

/** Reads a command line; loads the module of the verb it names (its flags are needed to read the rest). */
export function interpret(argv: readonly string[]): Outcome {
  const global = parse(globalFlags(), argv, false, ROOT_USAGE, 'berth');
  if (isOutcome(global)) return global;
  if (global.help !== undefined) return helpOutcome(global.help, rootHelp());
  const [word, ...rest] = global.args;
  if (word === undefined) return { kind: 'print', stderr: rootHelp(), exitCode: 0 };
  const command = named(commands, word);
  if (command === undefined) return refusal(unknownCommandText('berth', word), 1);
  if (command.kind === 'verb') return verbOutcome(command, `berth ${command.names[0]}`, rest, global.values);
  const nounPath = `berth ${command.names[0]}`;
  const nounLine = parse(new FlagSet(), rest, false, nounPath, nounPath);
  if (isOutcome(nounLine)) return nounLine;
  if (nounLine.help !== undefined) return helpOutcome(nounLine.help, nounHelp(command));
  const [verbWord, ...verbWords] = nounLine.args;
  if (verbWord === undefined) return { kind: 'print', stderr: nounHelp(command), exitCode: 0 };
  const verb = named(command.verbs, verbWord) as VerbCommand | undefined;
  if (verb === undefined) return refusal(unknownCommandText(nounPath, verbWord, nounPath), 1);
  return verbOutcome(verb, `${nounPath} ${verb.names[0]}`, verbWords, global.values);
}

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug') || argv.includes('-D');
  handleClosedStdio();
  let footer: string | undefined;
  try {
    const outcome = interpret(argv);
    if (outcome.kind === 'run') {
      footer = outcome.footer;
      await outcome.run();
      return;
    }
    if (outcome.stdout) process.stdout.write(outcome.stdout);
    if (outcome.stderr) process.stderr.write(outcome.stderr);
    process.exitCode = outcome.exitCode;
  } catch (err) {
    process.exitCode = report(err, debug, footer);
  }
}
