/**
 * What the parity test does to both engines' output before comparing it.
 * Every rule says why: it removes what must differ between two daemons
 * (IDs, clocks, paths of their data roots) or wording of a layer berth does
 * not have, never a difference in what the user is told.
 *
 * Always applied (GLOBAL), in this order:
 *  - paths: the engine's scratch dir -> `$HOST`, its data root -> `<root>`
 *  - `docker` -> `berth` as a word (the program's name in messages)
 *  - stderr: Docker's `docker: ` and `Error response from daemon: `, and the
 *    `Error: ` prefix both print, stripped from the start of a line; berth's
 *    `Hint: ` lines dropped (advice Docker does not give)
 *  - stderr: Docker's start failures pass through containerd and runc, which
 *    add `failed to create shim task: OCI runtime create failed: runc create
 *    failed: unable to start container process: ` and `: unknown`; berth
 *    has neither layer and says `failed to start container process: `
 *  - IDs: 64- and 12-hex IDs -> `<id1>`, `<id2>`... numbered by first
 *    appearance (a short ID and its long form get the same number), the
 *    fixture images' IDs -> `<image:NAME>`
 *  - times of this run (within a day of now) -> `<time>`; durations of this
 *    run (`2 seconds ago`, `Up About a minute`) -> `<duration>`; fixed times
 *    (the fixtures' 2024 creation date, Go's zero time) are compared as is
 *  - table padding: runs of 2+ spaces after text -> 3 spaces (a column's
 *    width follows its longest value, and IDs, names and durations differ
 *    in length), and trailing spaces; indentation is kept
 *
 * Per case (`@norm`): PRE_RULES before the global ones (storage), CASE_RULES
 * after them (sizes, random names, sorting, numbers).
 */

export interface EngineContext {
  /** The engine's scratch dir on the host (`$HOST` in the table). */
  host: string;
  /** Its data root (dockerd --data-root, berth --root). */
  root: string;
  /** Full image IDs (sha256:...) of the fixtures, by name. */
  images: Record<string, string>;
}

const RECENT_MS = 24 * 3600 * 1000;

const RFC3339 = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;
const GO_TIME = /\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4} [A-Z]+\b/g;
const DURATION = /(?<=\bUp |\) )(?:Less than a second|About a minute|About an hour|\d+ (?:seconds?|minutes|hours))\b|(?:Less than a second|About a minute|About an hour|\d+ (?:seconds?|minutes|hours)) ago\b/g;
const HEX_ID = /\b(?:[0-9a-f]{64}|[0-9a-f]{12})\b/g;

function recentTimes(text: string, pattern: RegExp, parse: (s: string) => number): string {
  return text.replace(pattern, (s) => (Math.abs(parse(s) - Date.now()) < RECENT_MS ? '<time>' : s));
}

function goTimeToMs(s: string): number {
  const [date, time, zone] = s.split(' ');
  return Date.parse(`${date}T${time}${zone.slice(0, 3)}:${zone.slice(3)}`);
}

/** Strips the error prefixes and drops berth's hints, line by line. */
function stderrLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('Hint: '))
    .map((line) => line.replace(/^(?:berth: )?(?:Error response from daemon: |Error: )?/, ''))
    .join('\n')
    .replace(/failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: /g, 'failed to start container process: ')
    .replace(/(failed to start container process: .*): unknown$/gm, '$1');
}

export class IdNumbering {
  private readonly numbers = new Map<string, number>();

  constructor(private readonly images: Record<string, string>) {}

  replace(text: string): string {
    let out = text;
    for (const [name, id] of Object.entries(this.images)) {
      const hex = id.replace(/^sha256:/, '');
      out = out.split(hex).join(`<image:${name}>`).split(hex.slice(0, 12)).join(`<image:${name}>`);
    }
    return out.replace(HEX_ID, (hex) => {
      const key = hex.slice(0, 12);
      let n = this.numbers.get(key);
      if (n === undefined) {
        n = this.numbers.size + 1;
        this.numbers.set(key, n);
      }
      return `<id${n}>`;
    });
  }
}

/** `@norm` rules applied to the raw output, before the global ones. */
export const PRE_RULES: Record<string, { why: string; apply: (text: string, ctx: EngineContext) => string }> = {
  storage: {
    why: "paths of image and container layers in the data root follow each engine's own storage layout",
    apply: (t, ctx) => {
      const root = ctx.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return t.replace(new RegExp(`${root}/(?:overlay2|layers|containers/[0-9a-f]{64}/(?:init|upper|work|rootfs))[^"\\s:,]*`, 'g'), '<storage>');
    },
  },
};

/** The GLOBAL rules for one stream. `ids` is shared by a case's stdout and stderr. */
export function normalize(text: string, stream: 'stdout' | 'stderr', ctx: EngineContext, ids: IdNumbering, rules: string[] = []): string {
  let out = text;
  for (const rule of rules) if (PRE_RULES[rule]) out = PRE_RULES[rule].apply(out, ctx);
  out = out.split(ctx.host).join('$HOST').split(ctx.root).join('<root>');
  out = out.replace(/\bdocker\b/g, 'berth');
  if (stream === 'stderr') out = stderrLines(out);
  out = ids.replace(out);
  out = recentTimes(out, RFC3339, Date.parse);
  out = recentTimes(out, GO_TIME, goTimeToMs);
  out = out.replace(DURATION, (s) => (s.endsWith(' ago') ? '<duration> ago' : '<duration>'));
  out = out
    .split('\n')
    .map((line) => line.replace(/(?<=\S) {2,}/g, '   ').replace(/ +$/, ''))
    .join('\n');
  return out;
}

/** `@norm` rules: each a function of the normalised stdout and stderr. */
export const CASE_RULES: Record<string, { why: string; apply: (text: string) => string }> = {
  sizes: {
    why: 'sizes of writable layers and logs depend on the storage driver and on log framing',
    apply: (t) => t.replace(/\b\d+(?:\.\d+)?(?:B|kB|MB|GB)\b/g, '<size>'),
  },
  names: {
    why: 'names generated for containers without --name are random',
    apply: (t) => t.replace(/\b[a-z]+_[a-z]+\d?\b/g, '<name>'),
  },
  sort: {
    why: "Docker's order among equals (images created at the same second) follows Go's map order",
    apply: (t) => {
      const lines = t.split('\n');
      const last = lines[lines.length - 1] === '' ? lines.pop() : undefined;
      lines.sort();
      if (last !== undefined) lines.push(last);
      return lines.join('\n');
    },
  },
  numbers: {
    why: 'pids, CPU times and clock times of processes',
    apply: (t) => t.replace(/\d+/g, 'N'),
  },
};

export function applyCaseRules(text: string, rules: string[]): string {
  let out = text;
  for (const rule of rules) {
    if (PRE_RULES[rule]) continue;
    const known = CASE_RULES[rule];
    if (!known) throw new Error(`unknown @norm rule \`${rule}\` (known: ${[...Object.keys(PRE_RULES), ...Object.keys(CASE_RULES)].join(', ')})`);
    out = known.apply(out);
  }
  return out;
}
