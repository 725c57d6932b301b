/**
 * Every help text and usage error of the CLI, in Docker's layout and words
 * (cli/cobra.go's usage template, cli/required.go, pflag's flag listing),
 * rendered from what the command table and the verb modules declare. The
 * texts recorded from Docker's CLI (test/fixtures/docker-help/) are what the
 * unit tests hold them to.
 */
import type { Flag } from './flags';

export const ROOT_USAGE = 'berth [OPTIONS] COMMAND [ARG...]';

/** `berth container rename CONTAINER NEW_NAME`: the command path, then the verb's usage. */
export function useLine(commandPath: string, usage: string): string {
  return usage === '' ? commandPath : `${commandPath} ${usage}`;
}

/** A flag refused by the parser (pflag's message): Docker's FlagErrorFunc, exit 125. */
export function flagErrorText(message: string, line: string, commandPath: string): string {
  return `${message}\n\nUsage:  ${line}\n\nRun '${commandPath} --help' for more information`;
}

/** Too few or too many arguments (required.go): exit 1. */
export function argumentErrorText(message: string, see: 'See' | 'Run', line: string, commandPath: string): string {
  return `berth: ${message}\n\nUsage:  ${line}\n\n${see} '${commandPath} --help' for more information`;
}

/** `berth bogus`, `berth container bogus`: exit 1. */
export function unknownCommandText(commandPath: string, word: string, nounLine?: string): string {
  const usage = nounLine === undefined ? '' : `\n\nUsage:  ${nounLine}`;
  const help = commandPath === 'berth' ? "'berth --help'" : `'${commandPath} --help'`;
  return `berth: unknown command: ${commandPath} ${word}${usage}\n\nRun ${help} for more information`;
}

/** A refusal of the verb after its flags parsed (conflicting options, a bad pull policy): Docker's withHelp, exit 125. */
export function withHelpText(message: string, commandPath: string): string {
  return `berth: ${message}\n\nRun '${commandPath} --help' for more information`;
}

/** Go's %q for the defaults the listing shows. */
function goQuoted(value: string): string {
  return JSON.stringify(value);
}

/** pflag's wrapN: the longest head of `s` that ends at a blank within `width` (a little `slop` over is fine at the end). */
function cutLine(width: number, slop: number, s: string): [string, string] {
  if (width + slop > s.length) return [s, ''];
  const head = s.slice(0, width);
  const blank = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (blank <= 0) return [s, ''];
  const newline = head.lastIndexOf('\n');
  if (newline > 0 && newline < blank) return [s.slice(0, newline), s.slice(newline + 1)];
  return [s.slice(0, blank), s.slice(blank + 1)];
}

/** pflag's wrap: `text` in lines of at most `columns`, every line but the first indented by `indent`. */
function wrapText(indent: number, columns: number, text: string): string {
  let width = columns - indent;
  let pad = ' '.repeat(indent);
  let out = '';
  if (width < 24) {
    // No room beside the flags: the text goes on the next lines, as a block.
    pad = ' '.repeat(16);
    width = columns - 16;
    out = '\n' + pad;
  }
  if (width < 24) return text.split('\n').join(out);
  const slop = 5;
  width -= slop;
  let [line, rest] = cutLine(width, slop, text);
  out += line.split('\n').join('\n' + pad);
  while (rest !== '') {
    [line, rest] = cutLine(width, slop, rest);
    out += '\n' + pad + line.split('\n').join('\n' + pad);
  }
  return out;
}

function flagHead(flag: Flag): string {
  const names = flag.short !== undefined ? `  -${flag.short}, --${flag.name}` : `      --${flag.name}`;
  const value = flag.type === 'boolean' ? '' : flag.valueName ?? (flag.array ? 'list' : flag.type === 'number' ? 'int' : 'string');
  return value === '' ? names : `${names} ${value}`;
}

function flagText(flag: Flag): string {
  if (flag.defaultText !== undefined) return `${flag.describe} (default ${flag.defaultText})`;
  const shown = flag.default;
  if (shown === undefined || shown === false || shown === '' || shown === 0) return flag.describe;
  return `${flag.describe} (default ${typeof shown === 'string' ? goQuoted(shown) : String(shown)})`;
}

/** pflag's FlagUsagesWrapped: one entry per visible flag, sorted by name, the texts in one column. */
export function flagListing(flags: readonly Flag[], columns: number): string {
  const visible = flags.filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const heads = visible.map(flagHead);
  const widest = Math.max(...heads.map((h) => h.length));
  return visible
    .map((flag, i) => `${heads[i]}${' '.repeat(widest - heads[i].length + 3)}${wrapText(widest + 3, columns, flagText(flag))}`)
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}

/** The width Docker wraps the flags to: its terminal's (it asks stdin), less one; 80 columns when there is none. */
export function helpColumns(): number {
  const terminal = process.stdin.isTTY ? (process.stdout.isTTY ? process.stdout.columns : process.stderr.columns) : undefined;
  return (terminal || 80) - 1;
}

export interface VerbHelp {
  line: string;
  description: string;
  /** Every path of the verb ('berth container ls', 'berth ps', ...), when it has more than one. */
  aliases: string[];
  flags: readonly Flag[];
}

/** `berth VERB --help`. */
export function verbHelpText(help: VerbHelp, columns: number): string {
  let text = `Usage:  ${help.line}\n\n${help.description.trim()}`;
  if (help.aliases.length > 1) text += `\n\nAliases:\n  ${help.aliases.join(', ')}`;
  if (help.flags.some((f) => !f.hidden)) text += `\n\nOptions:\n${flagListing(help.flags, columns)}`;
  return text + '\n';
}

export interface CommandSummary {
  name: string;
  describe: string;
}

/** cobra's rpad to the longest name (at least 11 columns), a blank, then the description. */
function listing(commands: readonly CommandSummary[]): string {
  const width = Math.max(11, ...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)} ${c.describe}`).join('\n');
}

function byName(commands: readonly CommandSummary[]): CommandSummary[] {
  return [...commands].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `berth container --help` (and `berth container` alone, on stderr). */
export function nounHelpText(commandPath: string, describe: string, verbs: readonly CommandSummary[]): string {
  return `Usage:  ${commandPath} COMMAND\n\n${describe}\n\nCommands:\n${listing(byName(verbs))}\n\n`
    + `Run '${commandPath} COMMAND --help' for more information on a command.\n`;
}

export interface RootHelp {
  describe: string;
  common: readonly CommandSummary[];
  management: readonly CommandSummary[];
  others: readonly CommandSummary[];
  flags: readonly Flag[];
}

/** `berth --help` (and `berth` alone, on stderr). */
export function rootHelpText(help: RootHelp, columns: number): string {
  return `Usage:  berth [OPTIONS] COMMAND\n\n${help.describe}\n\n`
    + `Common Commands:\n${listing(help.common)}\n\n`
    + `Management Commands:\n${listing(byName(help.management))}\n\n`
    + `Commands:\n${listing(byName(help.others))}\n\n`
    + `Global Options:\n${flagListing(help.flags, columns)}\n\n`
    + "Run 'berth COMMAND --help' for more information on a command.\n";
}
