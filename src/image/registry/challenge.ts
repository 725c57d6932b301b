/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one header may carry several
 * challenges, each a scheme followed by comma-separated `name=value`
 * parameters whose values are tokens or quoted strings that may themselves
 * contain commas (`scope="repository:a:pull,push"`). Servers in the wild also
 * send unquoted URLs, so an unquoted value runs to the next comma or space.
 */

export interface Challenge {
  /** Lower-cased: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names lower-cased: realm, service, scope, error. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  readToken(): string {
    const start = this.pos;
    while (!this.done && TOKEN_CHAR.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  readUnquoted(): string {
    const start = this.pos;
    while (!this.done && !/[,\s]/.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** Reads a quoted string starting at `"`; an unterminated one runs to the end. */
  readQuoted(): string {
    this.pos++;
    let out = '';
    while (!this.done) {
      const ch = this.text[this.pos++];
      if (ch === '"') return out;
      if (ch === '\\' && !this.done) out += this.text[this.pos++];
      else out += ch;
    }
    return out;
  }
}

/** All challenges in one or more `WWW-Authenticate` header values. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.flatMap(parseOne);
}

function parseOne(text: string): Challenge[] {
  const challenges: Challenge[] = [];
  const scan = new Scanner(text);
  while (!scan.done) {
    scan.skipSpaces();
    if (scan.peek() === ',') {
      scan.pos++;
      continue;
    }
    const scheme = scan.readToken();
    if (!scheme) {
      scan.pos++; // stray character: skip it rather than loop
      continue;
    }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    readParams(scan, challenge);
  }
  return challenges;
}

/** Reads `name=value` pairs until the text ends or a new scheme starts. */
function readParams(scan: Scanner, challenge: Challenge): void {
  for (;;) {
    scan.skipSpaces();
    while (scan.peek() === ',') {
      scan.pos++;
      scan.skipSpaces();
    }
    const mark = scan.pos;
    const name = scan.readToken();
    if (!name) return;
    scan.skipSpaces();
    if (scan.peek() !== '=') {
      scan.pos = mark; // a bare token after a comma is the next challenge's scheme
      return;
    }
    scan.pos++;
    scan.skipSpaces();
    const value = scan.peek() === '"' ? scan.readQuoted() : scan.readUnquoted();
    challenge.params[name.toLowerCase()] = value;
  }
}

/** The first challenge of `scheme` (lower case), if any. */
export function findChallenge(challenges: Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}
