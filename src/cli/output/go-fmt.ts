/**
 * The parts of Go's fmt and strconv that Docker's output goes through:
 * how `--format` templates print values (%v), print/println/printf, and the
 * `%g` that go-units uses for sizes. Plain JS values stand in for Go's:
 * arrays print as slices `[a b]`, objects and Maps as maps `map[k:v]` with
 * sorted keys, null as `<nil>`.
 */
import { formatGoSpecial, GoAbsent, GoEmptyStruct, GoNil, structFields } from './go-values';

/** Digits of a non-negative finite number: `0.d1d2d3... x 10^point`, no trailing zeros. */
interface Decimal {
  digits: string;
  point: number;
}

/** Every significant digit of a positive double, exactly. */
function exactDecimal(x: number): Decimal {
  // toFixed prints exact digits; 100 fractional digits hold every double
  // above 2^-47 completely, far below anything we print.
  const text = x >= 1e21 ? BigInt(x).toString() : x.toFixed(100);
  return normalise(text);
}

/** The shortest digits that read back as the same double (Go's 'shortest'). */
function shortestDecimal(x: number): Decimal {
  const [mantissa, exponent] = x.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  return { digits: digits.replace(/0+$/, '') || '0', point: Number(exponent) + 1 };
}

function normalise(text: string): Decimal {
  const [intPart, fracPart = ''] = text.split('.');
  const all = (intPart === '0' ? '' : intPart) + fracPart;
  const stripped = all.replace(/^0+/, '');
  const point = (intPart === '0' ? 0 : intPart.length) - (all.length - stripped.length);
  return { digits: stripped.replace(/0+$/, ''), point };
}

/** Keep `keep` digits, rounding half to even on exact ties as strconv does. */
function roundDigits(d: Decimal, keep: number): Decimal {
  if (d.digits.length <= keep) return d;
  if (keep < 0) return { digits: '', point: d.point };
  const head = d.digits.slice(0, keep);
  const rest = d.digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const lastKept = head === '' ? 0 : head.charCodeAt(head.length - 1) - 48;
  const up = first > 5 || (first === 5 && (rest.length > 1 || lastKept % 2 === 1));
  if (!up) return { digits: head.replace(/0+$/, ''), point: d.point };
  const bumped = (BigInt(head || '0') + 1n).toString();
  if (bumped.length > head.length) return { digits: bumped.replace(/0+$/, ''), point: d.point + 1 };
  return { digits: bumped.padStart(head.length, '0').replace(/0+$/, ''), point: d.point };
}

function expForm(d: Decimal, fracDigits: number | undefined, upper: boolean): string {
  const digits = d.digits || '0';
  const exp = d.digits ? d.point - 1 : 0;
  let frac = digits.slice(1);
  if (fracDigits !== undefined) frac = frac.padEnd(fracDigits, '0').slice(0, fracDigits);
  const mantissa = frac ? `${digits[0]}.${frac}` : digits[0];
  const sign = exp < 0 ? '-' : '+';
  return `${mantissa}${upper ? 'E' : 'e'}${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function fixedForm(d: Decimal, fracDigits: number | undefined): string {
  const digits = d.digits;
  let intPart: string;
  let frac: string;
  if (d.point <= 0) {
    intPart = '0';
    frac = '0'.repeat(-d.point) + digits;
  } else {
    intPart = digits.slice(0, d.point).padEnd(d.point, '0');
    frac = digits.slice(d.point);
  }
  if (fracDigits !== undefined) frac = frac.padEnd(fracDigits, '0').slice(0, fracDigits);
  return frac ? `${intPart}.${frac}` : intPart;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return undefined;
}

function withSign(x: number, body: (abs: number) => string): string {
  return x < 0 || Object.is(x, -0) ? '-' + body(-x) : body(x);
}

/**
 * strconv.FormatFloat(x, 'g', precision, 64). Precision -1 means the
 * shortest form, which switches to an exponent from 1e+06 on, as Go's %v
 * does for a float64 (123456789.0 prints as 1.23456789e+08).
 */
export function formatGoG(x: number, precision = -1, upper = false): string {
  const s = special(x);
  if (s) return s;
  return withSign(x, (abs) => {
    if (abs === 0) return '0';
    const shortest = precision < 0;
    const prec = precision === 0 ? 1 : precision;
    const d = shortest ? shortestDecimal(abs) : roundDigits(exactDecimal(abs), prec);
    let eprec = shortest ? 6 : prec;
    if (!shortest && eprec > d.digits.length && d.digits.length >= d.point) eprec = d.digits.length;
    const exp = d.point - 1;
    if (exp < -4 || exp >= eprec) return expForm(d, undefined, upper);
    return fixedForm(d, undefined);
  });
}

/** %e / %E with `precision` fractional digits (default 6). */
export function formatGoE(x: number, precision = 6, upper = false): string {
  const s = special(x);
  if (s) return s;
  return withSign(x, (abs) => {
    if (abs === 0) return expForm({ digits: '', point: 0 }, precision, upper);
    return expForm(roundDigits(exactDecimal(abs), precision + 1), precision, upper);
  });
}

/** %f with `precision` fractional digits (default 6). */
export function formatGoF(x: number, precision = 6): string {
  const s = special(x);
  if (s) return s;
  return withSign(x, (abs) => {
    const d = abs === 0 ? { digits: '', point: 0 } : exactDecimal(abs);
    return fixedForm(roundDigits(d, d.point + precision), precision);
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Entries of a map-like value, keys sorted as Go's fmt sorts map keys. */
export function mapEntries(v: Map<unknown, unknown> | Record<string, unknown>): Array<[unknown, unknown]> {
  const entries: Array<[unknown, unknown]> = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return entries.sort(([a], [b]) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const sa = String(a);
    const sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

/** True for values Go would see as a map (plain objects and Maps). */
export function isMapLike(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  return v instanceof Map || isPlainObject(v);
}

/** Go's time.Time String() for a Date, in UTC: '2024-01-02 03:04:05.5 +0000 UTC'. */
function formatTime(d: Date): string {
  const iso = d.toISOString(); // 2024-01-02T03:04:05.500Z
  const [date, rest] = iso.split('T');
  const [clock, millis] = rest.slice(0, -1).split('.');
  const frac = millis.replace(/0+$/, '');
  return `${date} ${clock}${frac ? '.' + frac : ''} +0000 UTC`;
}

/**
 * A number as Go prints it with %v: safe integers as Go ints (the typed
 * fields Docker prints are int64), anything else as a float64 in shortest %g.
 */
export function formatNumber(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  return formatGoG(n);
}

/** Go's %v of one value. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  const special = formatGoSpecial(v);
  if (special !== undefined) return special;
  const fields = structFields(v);
  if (fields) {
    const record = v as Record<string, unknown>;
    return `{${fields.map((f) => formatValue(record[f] instanceof GoAbsent ? (record[f] as GoAbsent).zero : record[f])).join(' ')}}`;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return `<func ${v.name || 'anonymous'}>`;
  if (v instanceof Date) return formatTime(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    return `[${Array.from(v as ArrayLike<unknown>, formatValue).join(' ')}]`;
  }
  if (isMapLike(v)) {
    return `map[${mapEntries(v).map(([k, val]) => `${formatValue(k)}:${formatValue(val)}`).join(' ')}]`;
  }
  return String(v);
}

/** Go's type name for a value, used in fmt's complaints (%!d(string=x)). */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (v instanceof GoNil) return v.kind === 'slice' ? '[]string' : 'map[string]string';
  if (v instanceof GoEmptyStruct) return 'struct {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMapLike(v)) return 'map[string]interface {}';
  return typeof v;
}

/** fmt.Sprint: operands separated by a space when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

/** fmt.Sprintln: operands always separated by a space, then a newline. */
export function sprintln(args: unknown[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  sharp: boolean;
  width?: number;
  precision?: number;
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const length = [...text].length;
  if (length >= width) return text;
  if (spec.minus) return text + ' '.repeat(width - length);
  if (spec.zero && numeric) {
    const signed = /^[+-]/.test(text);
    const sign = signed ? text[0] : '';
    return sign + '0'.repeat(width - length) + text.slice(sign.length);
  }
  return ' '.repeat(width - length) + text;
}

function signed(text: string, spec: Spec): string {
  if (text.startsWith('-')) return text;
  if (spec.plus) return '+' + text;
  if (spec.space) return ' ' + text;
  return text;
}

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** strconv.Quote: printable runes as they are, Go's escapes for the rest (`\x1b`, `\u00a0`, `\U0001f000`). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === ' ' || (code !== 0xad && /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch))) out += ch;
    else if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function badVerb(verb: string, arg: unknown): string {
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function formatInteger(n: number, radix: number, spec: Spec, upper: boolean): string {
  let digits = Math.abs(n).toString(radix);
  if (upper) digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
  if (spec.sharp && radix === 16) digits = (upper ? '0X' : '0x') + digits;
  if (spec.sharp && radix === 8) digits = '0' + digits;
  return signed((n < 0 ? '-' : '') + digits, spec);
}

function formatOne(verb: string, arg: unknown, spec: Spec): string {
  switch (verb) {
    case 'v':
      return pad(typeof arg === 'number' ? signed(formatNumber(arg), spec) : formatValue(arg), spec, false);
    case 's': {
      let text = formatValue(arg);
      if (spec.precision !== undefined) text = [...text].slice(0, spec.precision).join('');
      return pad(text, spec, false);
    }
    case 'q':
      if (typeof arg === 'string') return pad(goQuote(arg), spec, false);
      if (typeof arg === 'number' && Number.isInteger(arg)) return pad(`'${String.fromCodePoint(arg)}'`, spec, false);
      if (Array.isArray(arg)) return pad(`[${arg.map((a) => formatOne('q', a, {} as Spec)).join(' ')}]`, spec, false);
      return badVerb(verb, arg);
    case 't':
      return typeof arg === 'boolean' ? pad(String(arg), spec, false) : badVerb(verb, arg);
    case 'd':
    case 'b':
    case 'o':
      if (typeof arg === 'number' && Number.isInteger(arg)) {
        return pad(formatInteger(arg, verb === 'd' ? 10 : verb === 'b' ? 2 : 8, spec, false), spec, true);
      }
      if (typeof arg === 'bigint') return pad(signed(arg.toString(verb === 'd' ? 10 : verb === 'b' ? 2 : 8), spec), spec, true);
      if (Array.isArray(arg)) return `[${arg.map((a) => formatOne(verb, a, { ...spec, width: undefined })).join(' ')}]`;
      return badVerb(verb, arg);
    case 'x':
    case 'X': {
      const upper = verb === 'X';
      if (typeof arg === 'number' && Number.isInteger(arg)) return pad(formatInteger(arg, 16, spec, upper), spec, true);
      if (typeof arg === 'string') {
        const hex = Buffer.from(arg, 'utf8').toString('hex');
        return pad(upper ? hex.toUpperCase() : hex, spec, false);
      }
      return badVerb(verb, arg);
    }
    case 'c':
      return typeof arg === 'number' && Number.isInteger(arg) ? pad(String.fromCodePoint(arg), spec, false) : badVerb(verb, arg);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (typeof arg !== 'number') return badVerb(verb, arg);
      const lower = verb.toLowerCase();
      const text =
        lower === 'e' ? formatGoE(arg, spec.precision ?? 6, verb === 'E')
        : lower === 'f' ? formatGoF(arg, spec.precision ?? 6)
        : formatGoG(arg, spec.precision ?? -1, verb === 'G');
      return pad(signed(text, spec), spec, true);
    }
    default:
      return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
  }
}

/** fmt.Sprintf with the common verbs: v s q t d b o x X c e E f F g G and %%. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  const nextInt = (): number | undefined => {
    if (format[i] === '*') {
      i++;
      const value = args[argIndex++];
      return typeof value === 'number' ? Math.trunc(value) : undefined;
    }
    const start = i;
    while (i < format.length && format[i] >= '0' && format[i] <= '9') i++;
    return i > start ? Number(format.slice(start, i)) : undefined;
  };
  while (i < format.length) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    i++;
    const spec: Spec = { minus: false, plus: false, space: false, zero: false, sharp: false };
    for (; i < format.length && '-+ 0#'.includes(format[i]); i++) {
      const flag = format[i];
      if (flag === '-') spec.minus = true;
      else if (flag === '+') spec.plus = true;
      else if (flag === ' ') spec.space = true;
      else if (flag === '0') spec.zero = true;
      else spec.sharp = true;
    }
    spec.width = nextInt();
    if (format[i] === '.') {
      i++;
      spec.precision = nextInt() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argIndex++], spec);
  }
  if (argIndex < args.length) {
    const extra = args.slice(argIndex).map((a) => `${goTypeName(a)}=${formatValue(a)}`);
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
