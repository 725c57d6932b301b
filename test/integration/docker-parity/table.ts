/**
 * The parity table (cases.txt): one command line per case, run through both
 * `docker` and `berth`. Grammar of a line (blank lines and `#` comments are
 * skipped):
 *
 *   line     = command { " @" field }
 *   field    = "setup " step { " ; " step }   steps run first, in order, each must exit 0
 *            | "stdin " text                   fed to the command's standard input
 *            | "pipe " shell                   the command's stdout goes through `bash -c shell`
 *            | "norm " rule { "," rule }       extra normalisation (normalize.ts CASE_RULES)
 *            | "difference " reason            a deliberate difference: the line may differ
 *            | "pending " owner                a difference another branch fixes (not counted)
 *                                              (either one comes last: its text is taken as written)
 *   step     = command                         the engine's own CLI (docker ... / berth ...)
 *            | "!" shell                       a host command (bash -c), e.g. to make files
 *   command  = shell-like words: '...' literal, "..." with \" and \\, \x outside quotes
 *
 * `$HOST` in a command or a step is the engine's own scratch directory on the
 * host (each engine has its own), shown as `$HOST` again in the output.
 * Separators (` @`, ` ; `) count only outside quotes.
 */

export interface Step {
  /** An engine command (argv without the program), or a host shell command. */
  kind: 'engine' | 'host';
  argv: string[];
  shell: string;
}

export interface Case {
  /** 1-based line number in the table, for messages. */
  line: number;
  /** The command as written. */
  text: string;
  argv: string[];
  setup: Step[];
  stdin?: string;
  pipe?: string;
  norm: string[];
  difference?: string;
  pending?: string;
}

const FIELDS = ['setup', 'stdin', 'pipe', 'norm', 'difference', 'pending'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Splits `text` at each unquoted separator (quotes as the command grammar has them); after a separator for
 * which `restIsRaw` holds, the rest of the text is one last part, quotes and all.
 */
function splitUnquoted(text: string, isSeparatorAt: (i: number) => number, restIsRaw: (rest: string) => boolean = () => false): string[] {
  const parts: string[] = [];
  let quote: '' | "'" | '"' = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = '';
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = '';
    } else if (c === '\\') {
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else {
      const width = isSeparatorAt(i);
      if (width > 0) {
        parts.push(text.slice(start, i));
        start = i + width;
        if (restIsRaw(text.slice(start))) break;
        i = start - 1;
      }
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in \`${text}\``);
  parts.push(text.slice(start));
  return parts;
}

/** Shell-like words of a command. */
export function words(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      if (word !== undefined) out.push(word);
      word = undefined;
      continue;
    }
    word ??= '';
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' quote in \`${text}\``);
      word += text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        word += text[i];
      }
      if (i >= text.length) throw new Error(`unterminated " quote in \`${text}\``);
    } else if (c === '\\') {
      word += text[++i] ?? '';
    } else {
      word += c;
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}

function step(text: string): Step {
  const trimmed = text.trim();
  if (trimmed.startsWith('!')) return { kind: 'host', argv: [], shell: trimmed.slice(1).trim() };
  return { kind: 'engine', argv: words(trimmed), shell: trimmed };
}

export function parseTable(source: string): Case[] {
  const cases: Case[] = [];
  source.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const fieldAt = (i: number): number => {
      if (text[i] !== ' ' || text[i + 1] !== '@') return 0;
      return FIELDS.some((f) => text.startsWith(`${f} `, i + 2)) ? 2 : 0;
    };
    const isReason = (rest: string) => rest.startsWith('difference ') || rest.startsWith('pending ');
    const [command, ...fields] = splitUnquoted(text, fieldAt, isReason);
    const parsed: Case = { line, text: command.trim(), argv: words(command), setup: [], norm: [] };
    const seen = new Set<Field>();
    for (const field of fields) {
      const name = FIELDS.find((f) => field.startsWith(`${f} `));
      if (!name) throw new Error(`cases.txt:${line}: unknown field \`@${field}\``);
      if (seen.has(name)) throw new Error(`cases.txt:${line}: field \`@${name}\` given twice`);
      seen.add(name);
      const value = field.slice(name.length + 1).trim();
      if (name === 'setup') {
        parsed.setup = splitUnquoted(value, (i) => (value.startsWith(' ; ', i) ? 3 : 0)).map(step);
      } else if (name === 'norm') {
        parsed.norm = value.split(',').map((r) => r.trim());
      } else if (name === 'stdin') {
        parsed.stdin = words(value).join(' ') + '\n';
      } else {
        parsed[name] = value;
      }
    }
    if (parsed.argv.length === 0) throw new Error(`cases.txt:${line}: no command`);
    if (parsed.difference !== undefined && parsed.pending !== undefined) {
      throw new Error(`cases.txt:${line}: a line is either a listed difference or pending, not both`);
    }
    cases.push(parsed);
  });
  return cases;
}
