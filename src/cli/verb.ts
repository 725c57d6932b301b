/**
 * A CLI verb is written once, in its own module, and mounted by the command
 * table (commands/index.ts) under its long form (`berth image ls`) and,
 * where Docker has one, its short form (`berth images`): both spellings are
 * the same verb by construction, and the table's mounts are the verb's
 * aliases in its help.
 *
 * The module declares what Docker's command declares: its usage line, its
 * arguments (which give the arg-count rule, arguments.ts), its flags, and
 * whether flags end at the first argument. usage.ts renders every help and
 * usage error from these, for every verb alike. The table holds only the
 * one-line description and a loader, so `berth run` loads one verb's module
 * (and its imports), not fifty.
 */
import type { FlagSet } from './flags';

export interface GlobalOptions {
  root?: string;
  config?: string;
  debug?: boolean;
  'insecure-registry'?: string[];
}

export interface Verb<A = Record<string, unknown>> {
  /** Docker's usage after the command's name, e.g. '[OPTIONS] CONTAINER NEW_NAME'. */
  usage: string;
  /** The arguments' names (arguments.ts), e.g. '<container> <name>', '<image> [command..]'. */
  args?: string;
  /** Docker's longer description, printed by --help in place of the table's one line. */
  long?: string;
  /** Flags end at the first argument: what follows is the container's command (Docker's SetInterspersed(false)). */
  flagsEndAtFirstArgument?: boolean;
  options?: (flags: FlagSet) => FlagSet;
  /** Docker's CLI ends the command's own failures with its help footer (run, create: `Run 'docker run --help' ...`). */
  failureFooter?: boolean;
  run: (argv: A & GlobalOptions) => Promise<void> | void;
}

/** A verb as the command table lists it; `load` returns the verb and runs only when it is used. */
export interface VerbEntry {
  describe: string;
  load: () => Verb<any>;
}

/** A table entry; the loader is called at most once. */
export function lazyVerb(describe: string, load: () => Verb<any>): VerbEntry {
  let loaded: Verb<any> | undefined;
  return { describe, load: () => (loaded ??= load()) };
}

/** A verb mounted under a name (and the names Docker also accepts for it, e.g. `ls`, `list`). */
export interface VerbCommand {
  kind: 'verb';
  names: string[];
  entry: VerbEntry;
}

/** A noun (`image`, `container`, `system`) whose subcommands are verbs. */
export interface NounCommand {
  kind: 'noun';
  names: string[];
  describe: string;
  verbs: VerbCommand[];
}

export type Command = VerbCommand | NounCommand;

export function mount(name: string | readonly string[], entry: VerbEntry): VerbCommand {
  return { kind: 'verb', names: typeof name === 'string' ? [name] : [...name], entry };
}

export function noun(name: string, describe: string, verbs: VerbCommand[]): NounCommand {
  return { kind: 'noun', names: [name], describe, verbs };
}
