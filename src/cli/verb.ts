/**
 * A CLI verb is written once and mounted under its long form
 * (`berth image ls`) and, where Docker has one, its short form
 * (`berth images`). This keeps both spellings identical by construction.
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

export function mount<A>(name: string | readonly string[], verb: Verb<A>): CommandModule {
  const names = typeof name === 'string' ? [name] : [...name];
  const [primary, ...aliases] = names;
  return {
    command: verb.args ? `${primary} ${verb.args}` : primary,
    aliases,
    describe: verb.describe,
    builder: (y: Argv) => (verb.options ? verb.options(y) : y),
    handler: async (argv) => {
      await verb.run(argv as unknown as A & GlobalOptions);
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
