/**
 * Docker's flag grammar: spf13/pflag as Docker's CLI (cobra) uses it, so that
 * berth reads a command line as Docker does and refuses it in the same words.
 *
 *   --name value | --name=value     a flag that takes a value (the next word, whatever it is)
 *   --rm | --rm=false               a boolean: true when named, or the value given after `=`
 *   -it | -e K=V | -eK=V | -e=K=V   shorthands, clustered; a shorthand that takes a value takes the rest
 *                                   of the word, else the next word
 *   --                              ends the flags: every word after it is an argument
 *   -                               an argument (stdin or stdout in cp, import, load)
 *
 * Flags and arguments may be mixed, unless the verb says flags end at its first argument
 * (Docker's SetInterspersed(false): run, create, exec, top, commit, tag), where the rest is the
 * container's command. Values are checked as they are read: an int as Go's strconv.ParseInt, a
 * boolean as strconv.ParseBool, others by the flag's own check (sizes, CPUs, ulimits), and a bad one
 * names its flag as pflag does: invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'.
 */

/** How a verb declares a flag (the shape its `options` builder writes). */
export interface FlagDefinition {
  type: 'boolean' | 'string' | 'number';
  /** Repeatable, each use one value (Docker's `list`): the value is a string[]. */
  array?: boolean;
  /** One letter: the shorthand (`-m`). Longer: a second, hidden name (`--net` for `--network`). */
  alias?: string | string[];
  describe: string;
  default?: string | number | boolean;
  /** The default the help shows where it is no value of the flag's (Docker's `--ulimit ulimit ... (default [])`). */
  defaultText?: string;
  /** The value's name in the help where Docker's differs from the type's (bytes, decimal, filter, ...). */
  valueName?: string;
  /** Checks a value as Docker's flag type does when it is set; throws with Docker's reason. */
  check?: (value: string) => void;
  /** Accepted but not listed in the help (Docker's deprecated and hidden flags). */
  hidden?: boolean;
}

export interface Flag extends FlagDefinition {
  name: string;
  short?: string;
  longAliases: string[];
}

/** A refusal of the command line, in pflag's words (the caller adds the usage lines and exit code 125). */
export class FlagError extends Error {}

/** The flags of one command, declared by a builder chain (`flags.option('rm', {...}).option(...)`). */
export class FlagSet {
  readonly flags: Flag[] = [];
  private readonly byName = new Map<string, Flag>();
  private readonly byShort = new Map<string, Flag>();

  option(name: string, definition: FlagDefinition): this {
    const aliases = definition.alias === undefined ? [] : [definition.alias].flat();
    const flag: Flag = {
      ...definition,
      name,
      short: aliases.find((a) => a.length === 1),
      longAliases: aliases.filter((a) => a.length > 1),
    };
    this.flags.push(flag);
    this.byName.set(name, flag);
    for (const alias of flag.longAliases) this.byName.set(alias, flag);
    if (flag.short !== undefined) this.byShort.set(flag.short, flag);
    return this;
  }

  find(name: string): Flag | undefined {
    return this.byName.get(name);
  }

  findShort(letter: string): Flag | undefined {
    return this.byShort.get(letter);
  }
}

export interface ParsedLine {
  values: Record<string, unknown>;
  args: string[];
  /** `--help` was given (or `-h` where it is not a flag of the verb: Docker prints a deprecation notice then). */
  help?: 'long' | 'short';
}

/** pflag's name for a flag in its messages: `-m, --memory` or `--pids-limit`. */
export function flagLabel(flag: Flag): string {
  return flag.short !== undefined ? `-${flag.short}, --${flag.name}` : `--${flag.name}`;
}

/** Go's %q for the strings these messages quote. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** strconv.ParseBool. */
function parseGoBool(value: string): boolean {
  if (GO_TRUE.includes(value)) return true;
  if (GO_FALSE.includes(value)) return false;
  throw new Error(`strconv.ParseBool: parsing ${quoted(value)}: invalid syntax`);
}

const INT64_MAX = (1n << 63n) - 1n;

/** pflag's int: strconv.ParseInt(value, 0, 64), an optional sign, then 0x/0o/0b/0 prefixes and `_` between digits. */
export function parseIntFlag(value: string): number {
  const syntax = new Error(`strconv.ParseInt: parsing ${quoted(value)}: invalid syntax`);
  const match = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/.exec(value);
  if (!match) throw syntax;
  const [, sign, body] = match;
  const digits = body.replace(/_/g, '');
  const magnitude = /^0[0-7]/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const limit = sign === '-' ? INT64_MAX + 1n : INT64_MAX;
  if (magnitude > limit) throw new Error(`strconv.ParseInt: parsing ${quoted(value)}: value out of range`);
  return Number(sign === '-' ? -magnitude : magnitude);
}

function isBoolean(flag: Flag): boolean {
  return flag.type === 'boolean';
}

/** Stores one value of `flag`, checked as its type (or its own check) requires. */
function setValue(values: Record<string, unknown>, flag: Flag, value: string): void {
  let parsed: unknown;
  try {
    if (isBoolean(flag)) parsed = parseGoBool(value);
    else if (flag.type === 'number') parsed = parseIntFlag(value);
    else parsed = value;
    flag.check?.(value);
  } catch (err) {
    throw new FlagError(`invalid argument ${quoted(value)} for ${quoted(flagLabel(flag))} flag: ${(err as Error).message}`);
  }
  if (flag.array) values[flag.name] = [...((values[flag.name] as unknown[] | undefined) ?? []), parsed];
  else values[flag.name] = parsed;
}

/**
 * Reads `words` against `flags`. A `--help` (and a `-h` that is no flag of the set) is noted, not refused:
 * the caller prints the help, as cobra does once the whole line parsed.
 */
export function parseFlags(flags: FlagSet, words: readonly string[], interspersed = true): ParsedLine {
  const values: Record<string, unknown> = {};
  for (const flag of flags.flags) {
    if (flag.default !== undefined) values[flag.name] = flag.default;
  }
  const args: string[] = [];
  let help: ParsedLine['help'];
  let i = 0;
  const next = (): string | undefined => (i < words.length ? words[i++] : undefined);
  while (i < words.length) {
    const word = words[i++];
    if (word === '--') {
      args.push(...words.slice(i));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      args.push(word);
      if (!interspersed) {
        args.push(...words.slice(i));
        break;
      }
      continue;
    }
    if (word.startsWith('--')) {
      const body = word.slice(2);
      if (body.startsWith('-') || body.startsWith('=')) throw new FlagError(`bad flag syntax: ${word}`);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const flag = flags.find(name);
      if (flag === undefined) {
        if (name === 'help') {
          help = 'long';
          continue;
        }
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (eq >= 0) setValue(values, flag, body.slice(eq + 1));
      else if (isBoolean(flag)) setValue(values, flag, 'true');
      else {
        const value = next();
        if (value === undefined) throw new FlagError(`flag needs an argument: ${word}`);
        setValue(values, flag, value);
      }
      continue;
    }
    let letters = word.slice(1);
    while (letters.length > 0) {
      const letter = letters[0];
      const flag = flags.findShort(letter);
      if (flag === undefined) {
        if (letter === 'h') {
          help ??= 'short';
          letters = letters.slice(1);
          continue;
        }
        throw new FlagError(`unknown shorthand flag: '${letter}' in -${letters}`);
      }
      if (letters.length > 2 && letters[1] === '=') {
        setValue(values, flag, letters.slice(2));
        letters = '';
      } else if (isBoolean(flag)) {
        setValue(values, flag, 'true');
        letters = letters.slice(1);
      } else if (letters.length > 1) {
        setValue(values, flag, letters.slice(1));
        letters = '';
      } else {
        const value = next();
        if (value === undefined) throw new FlagError(`flag needs an argument: '${letter}' in -${letters}`);
        setValue(values, flag, value);
        letters = '';
      }
    }
  }
  return { values, args, help };
}
