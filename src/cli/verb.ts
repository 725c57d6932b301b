/**
 * A CLI verb is written once and mounted under its long form
 * (`berth image ls`) and, where Docker has one, its short form
 * (`berth images`). This keeps both spellings identical by construction.
 *
 * The command table (commands/index.ts) lists each verb as a VerbEntry: its
 * arguments and description, which yargs needs to match the command and print
 * `--help`, and a loader of its module. Only the verb that runs is loaded, so
 * `berth run` does not evaluate the modules (and imports) of fifty others.
 */
import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from './main';

export interface Verb<A = Record<string, unknown>> {
  /** yargs command string without the verb name, e.g. '<name>' or '[repository]'. */
  args?: string;
  describe: string;
  options?: (y: Argv) => Argv;
  run: (argv: A & GlobalOptions) => Promise<void> | void;
}

/** A verb as the command table lists it; `load` returns the verb and runs only when it is used. */
export interface VerbEntry {
  args?: string;
  describe: string;
  load: () => Verb<any>;
}

/** A table entry; the loader is called at most once. */
export function lazyVerb(args: string | undefined, describe: string, load: () => Verb<any>): VerbEntry {
  let loaded: Verb<any> | undefined;
  return { args, describe, load: () => (loaded ??= load()) };
}

function entryOf(verb: Verb<any> | VerbEntry): VerbEntry {
  return 'load' in verb ? verb : { args: verb.args, describe: verb.describe, load: () => verb };
}

export function mount<A>(name: string | readonly string[], verb: Verb<A> | VerbEntry): CommandModule {
  const entry = entryOf(verb);
  const names = typeof name === 'string' ? [name] : [...name];
  const [primary, ...aliases] = names;
  return {
    command: entry.args ? `${primary} ${entry.args}` : primary,
    aliases,
    describe: entry.describe,
    // yargs calls the builder only for the command it runs (or shows the help of).
    builder: (y: Argv) => {
      const options = entry.load().options;
      return options ? options(y) : y;
    },
    handler: async (argv) => {
      await entry.load().run(argv as unknown as A & GlobalOptions);
    },
  };
}

/** A noun (`image`, `container`, `system`) whose subcommands are verbs. */
export function noun(name: string, describe: string, verbs: CommandModule[]): CommandModule {
  return {
    command: `${name} <command>`,
    describe,
    builder: (y: Argv) => {
      let parser = y;
      for (const v of verbs) parser = parser.command(v);
      return parser.demandCommand(1);
    },
    handler: () => undefined,
  };
}
