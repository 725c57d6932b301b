/**
 * Lexer for Go text/template sources, as Go's text/template/parse lexes
 * them: text between actions, `{{- ` and ` -}}` trim markers that eat the
 * adjacent white space, comments opened by `{{/*`, and the items inside an
 * action (fields, variables, identifiers, literals, `|`, `(`, `)`, `:=`, `=`, `,`).
 */

export class TemplateSyntaxError extends Error {}

export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier'
  | 'string' | 'number' | 'char' | 'bool' | 'nil' | 'dot' | 'pipe' | 'leftParen'
  | 'rightParen' | 'declare' | 'assign' | 'comma' | 'keyword' | 'eof';

export interface Item {
  type: ItemType;
  value: string;
  pos: number;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{Nd}_]$/u.test(c);

export function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src[i] === '\n') line++;
  return line;
}

export function fail(src: string, pos: number, message: string): never {
  throw new TemplateSyntaxError(`template: :${lineOf(src, pos)}: ${message}`);
}

/** Split the source into items, as Go's lexer does. */
export function lex(src: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const atRightDelim = (at: number): [boolean, boolean] => {
    if (isSpace(src[at]) && src[at + 1] === '-' && src.startsWith('}}', at + 2)) return [true, true];
    return [src.startsWith('}}', at), false];
  };
  const skipSpaces = (): void => {
    while (isSpace(src[pos])) pos++;
  };

  for (;;) {
    const open = src.indexOf('{{', pos);
    if (open === -1) {
      if (pos < src.length) items.push({ type: 'text', value: src.slice(pos), pos });
      items.push({ type: 'eof', value: '', pos: src.length });
      return items;
    }
    const trimLeft = src[open + 2] === '-' && isSpace(src[open + 3]);
    let text = src.slice(pos, open);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) items.push({ type: 'text', value: text, pos });
    pos = open + 2 + (trimLeft ? 2 : 0);

    if (src.startsWith('/*', pos)) {
      const close = src.indexOf('*/', pos + 2);
      if (close === -1) fail(src, open, 'unclosed comment');
      pos = close + 2;
      const [isDelim, trim] = atRightDelim(pos);
      if (!isDelim) fail(src, open, 'comment ends before closing delimiter');
      pos += trim ? 4 : 2;
      if (trim) skipSpaces();
      continue;
    }

    items.push({ type: 'leftDelim', value: '{{', pos: open });
    let parenDepth = 0;
    for (;;) {
      const [isDelim, trim] = atRightDelim(pos);
      if (isDelim) {
        if (parenDepth > 0) fail(src, pos, 'unclosed left paren');
        items.push({ type: 'rightDelim', value: '}}', pos });
        pos += trim ? 4 : 2;
        if (trim) skipSpaces();
        break;
      }
      if (pos >= src.length) fail(src, pos, 'unclosed action');
      const start = pos;
      const c = src[pos];
      if (isSpace(c)) {
        skipSpaces();
        // A space right before `-}}` belongs to the trim marker.
        if (src[pos] === '-' && src.startsWith('}}', pos + 1)) pos--;
        if (pos > start) items.push({ type: 'space', value: src.slice(start, pos), pos: start });
      } else if (c === '=') {
        pos++;
        items.push({ type: 'assign', value: '=', pos: start });
      } else if (c === ':') {
        if (src[pos + 1] !== '=') fail(src, pos, 'expected :=');
        pos += 2;
        items.push({ type: 'declare', value: ':=', pos: start });
      } else if (c === '|') {
        pos++;
        items.push({ type: 'pipe', value: '|', pos: start });
      } else if (c === ',') {
        pos++;
        items.push({ type: 'comma', value: ',', pos: start });
      } else if (c === '(') {
        pos++;
        parenDepth++;
        items.push({ type: 'leftParen', value: '(', pos: start });
      } else if (c === ')') {
        pos++;
        if (--parenDepth < 0) fail(src, start, 'unexpected right paren');
        items.push({ type: 'rightParen', value: ')', pos: start });
      } else if (c === '"') {
        pos = closingQuote(src, start, 'unterminated quoted string') + 1;
        items.push({ type: 'string', value: unquote(src, src.slice(start + 1, pos - 1), start), pos: start });
      } else if (c === '`') {
        const close = src.indexOf('`', pos + 1);
        if (close === -1) fail(src, start, 'unterminated raw quoted string');
        pos = close + 1;
        items.push({ type: 'string', value: src.slice(start + 1, close).replace(/\r/g, ''), pos: start });
      } else if (c === "'") {
        pos = closingQuote(src, start, 'unterminated character constant') + 1;
        const value = unquote(src, src.slice(start + 1, pos - 1), start);
        if ([...value].length !== 1) fail(src, start, `malformed character constant: ${src.slice(start, pos)}`);
        items.push({ type: 'char', value: String(value.codePointAt(0)), pos: start });
      } else if (c === '$') {
        pos++;
        while (isAlnum(src[pos])) pos++;
        items.push({ type: 'variable', value: src.slice(start, pos), pos: start });
      } else if (c === '.' && !/[0-9]/.test(src[pos + 1] ?? '')) {
        pos++;
        while (isAlnum(src[pos])) pos++;
        const value = src.slice(start, pos);
        items.push({ type: value === '.' ? 'dot' : 'field', value, pos: start });
      } else if (/[0-9.+-]/.test(c)) {
        const match = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/.exec(
          src.slice(pos),
        );
        const text = match ? match[0] : '';
        pos += text.length;
        if (text === '' || /^[+-]?\.?$/.test(text) || isAlnum(src[pos])) {
          while (isAlnum(src[pos]) || src[pos] === '.') pos++;
          fail(src, start, `bad number syntax: "${src.slice(start, pos)}"`);
        }
        items.push({ type: 'number', value: text, pos: start });
      } else if (isAlnum(c)) {
        while (isAlnum(src[pos])) pos++;
        const word = src.slice(start, pos);
        const type: ItemType = KEYWORDS.has(word) ? 'keyword'
          : word === 'true' || word === 'false' ? 'bool'
          : word === 'nil' ? 'nil'
          : 'identifier';
        items.push({ type, value: word, pos: start });
      } else {
        fail(src, start, `unrecognized character in action: ${JSON.stringify(c)}`);
      }
    }
  }
}

/** Offset of the quote that closes the one at `start`, skipping escapes; no newline may intervene. */
function closingQuote(src: string, start: number, unterminated: string): number {
  const quote = src[start];
  let pos = start + 1;
  while (src[pos] !== quote) {
    if (src[pos] === '\\') pos++;
    if (pos >= src.length || src[pos] === '\n') fail(src, start, unterminated);
    pos++;
  }
  return pos;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'",
};

/** Go's strconv.Unquote for the body of a "..." or '...' literal. */
function unquote(src: string, body: string, pos: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      out += body[i];
      continue;
    }
    const e = body[++i];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(src, pos, 'invalid syntax');
      out += e === 'x' ? String.fromCharCode(parseInt(hex, 16)) : String.fromCodePoint(parseInt(hex, 16));
      i += n;
    } else if (e !== undefined && /[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) fail(src, pos, 'invalid syntax');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      fail(src, pos, 'invalid syntax');
    }
  }
  return out;
}
