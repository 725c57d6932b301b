/**
 * Functions available in `--format` templates: Go's text/template builtins
 * (and/or/not are evaluated lazily by the executor) plus Docker's additions
 * (json, split, join, title, lower, upper, pad, truncate), and the header
 * variants Docker uses so a table header keeps the column name intact.
 */
import { formatValue, isMapLike, sprint, sprintf, sprintln } from './go-fmt';
import { GoNil } from './go-values';

/** An error raised while executing a template; the executor adds the position. */
export class ExecError extends Error {}

export interface TemplateFunction {
  min: number;
  /** Infinity for variadic functions. */
  max: number;
  call: (args: unknown[]) => unknown;
}

/** Go's notion of truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null || v instanceof GoNil) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return (v as ArrayLike<unknown>).length > 0;
  if (v instanceof Map) return v.size > 0;
  if (isMapLike(v)) return Object.keys(v).length > 0;
  return true;
}

function typeName(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (Array.isArray(v)) return 'slice';
  if (isMapLike(v)) return 'map';
  return typeof v;
}

function expectString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) throw new ExecError('invalid value; expected string');
  throw new ExecError(`wrong type for value; expected string; got ${typeName(v)}`);
}

function expectInt(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new ExecError(`wrong type for value; expected int; got ${typeName(v)}`);
}

/** The rows of list commands (`ps`, `images`, ...), whose `{{json .}}` is their MarshalJSON in Docker. */
const FORMATTER_ROWS = new WeakSet<object>();

/** Marks list rows: Docker's row contexts marshal themselves with json.Marshal, which escapes `<`, `>` and `&`. */
export function asFormatterRows<T extends object>(rows: T[]): T[] {
  for (const row of rows) FORMATTER_ROWS.add(row);
  return rows;
}

/**
 * Go's `json` in Docker: encoding/json without HTML escaping, no trailing
 * newline; a list row is HTML-escaped all the same (see asFormatterRows).
 */
export function toJson(v: unknown): string {
  const text = JSON.stringify(v, (_key, value: unknown) => {
    if (value instanceof Map) return Object.fromEntries(value);
    if (typeof value === 'bigint') return Number(value);
    return value;
  });
  const escaped = typeof v === 'object' && v !== null && FORMATTER_ROWS.has(v)
    ? (text ?? 'null').replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
    : (text ?? 'null');
  return escaped.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** strings.Title's word boundary: ASCII other than [0-9A-Za-z_], and Unicode spaces. */
function isSeparator(ch: string): boolean {
  if ((ch.codePointAt(0) as number) <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** strings.Title: upper-case the first letter of every word. */
function title(s: string): string {
  let out = '';
  let previous = ' ';
  for (const ch of s) {
    out += isSeparator(previous) ? ch.toUpperCase() : ch;
    previous = ch;
  }
  return out;
}

function length(v: unknown): number {
  if (v instanceof GoNil) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return (v as ArrayLike<unknown>).length;
  if (v instanceof Map) return v.size;
  if (isMapLike(v)) return Object.keys(v).length;
  throw new ExecError(`error calling len: len of type ${typeName(v)}`);
}

function indexOne(item: unknown, key: unknown): unknown {
  if (item === undefined || item === null) throw new ExecError('error calling index: index of untyped nil');
  if (Array.isArray(item) || typeof item === 'string' || ArrayBuffer.isView(item)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) {
      throw new ExecError(`error calling index: cannot index slice/array with type ${typeName(key)}`);
    }
    const list = typeof item === 'string' ? Buffer.from(item, 'utf8') : (item as ArrayLike<unknown>);
    if (key < 0 || key >= list.length) throw new ExecError(`error calling index: index out of range: ${key}`);
    return list[key];
  }
  if (item instanceof Map) return item.get(key);
  if (isMapLike(item)) {
    const record = item as Record<string, unknown>;
    return Object.prototype.hasOwnProperty.call(record, String(key)) ? record[String(key)] : undefined;
  }
  throw new ExecError(`error calling index: can't index item of type ${typeName(item)}`);
}

function sliceOf(item: unknown, bounds: unknown[]): unknown {
  if (typeof item !== 'string' && !Array.isArray(item)) {
    throw new ExecError(`error calling slice: can't slice item of type ${typeName(item)}`);
  }
  const [from = 0, to = item.length] = bounds.map(expectInt);
  if (from < 0 || to > item.length || from > to) {
    throw new ExecError(`error calling slice: index out of range: ${from > to ? from : to}`);
  }
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(from, to).toString('utf8');
  return item.slice(from, to);
}

type Basic = 'string' | 'number' | 'boolean' | 'nil';

function basicKind(v: unknown): Basic | undefined {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return typeof v as Basic;
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (!ka || !kb) throw new ExecError('error calling eq: non-comparable type');
  if (ka === 'nil' || kb === 'nil') return ka === kb;
  if (ka !== kb) throw new ExecError('error calling eq: incompatible types for comparison');
  return a === b;
}

function less(name: string, a: unknown, b: unknown): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if ((ka !== 'string' && ka !== 'number') || (kb !== 'string' && kb !== 'number')) {
    throw new ExecError(`error calling ${name}: invalid type for comparison`);
  }
  if (ka !== kb) throw new ExecError(`error calling ${name}: incompatible types for comparison`);
  return (a as number | string) < (b as number | string);
}

const escapeHtml = (s: string): string =>
  s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c] as string);

const f = (min: number, max: number, call: (args: unknown[]) => unknown): TemplateFunction => ({ min, max, call });

/** The functions of every template (Docker's basicFunctions over Go's builtins). */
export const BASE_FUNCTIONS: Record<string, TemplateFunction> = {
  // Evaluated lazily by the executor; these bodies are the eager fallback.
  and: f(1, Infinity, (args) => args.find((a) => !isTrue(a)) ?? args[args.length - 1]),
  or: f(1, Infinity, (args) => args.find((a) => isTrue(a)) ?? args[args.length - 1]),
  not: f(1, 1, ([a]) => !isTrue(a)),
  len: f(1, 1, ([a]) => length(a)),
  index: f(1, Infinity, ([item, ...keys]) => keys.reduce(indexOne, item)),
  slice: f(1, 4, ([item, ...bounds]) => sliceOf(item, bounds)),
  print: f(0, Infinity, (args) => sprint(args)),
  println: f(0, Infinity, (args) => sprintln(args)),
  printf: f(1, Infinity, ([format, ...args]) => sprintf(expectString(format), args)),
  eq: f(1, Infinity, ([a, ...bs]) => {
    if (bs.length === 0) throw new ExecError('error calling eq: missing argument for comparison');
    return bs.some((b) => equal(a, b));
  }),
  ne: f(2, 2, ([a, b]) => !equal(a, b)),
  lt: f(2, 2, ([a, b]) => less('lt', a, b)),
  le: f(2, 2, ([a, b]) => less('le', a, b) || equal(a, b)),
  gt: f(2, 2, ([a, b]) => !less('gt', a, b) && !equal(a, b)),
  ge: f(2, 2, ([a, b]) => !less('ge', a, b)),
  html: f(0, Infinity, (args) => escapeHtml(sprint(args))),
  urlquery: f(0, Infinity, (args) => encodeURIComponent(sprint(args)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)),
  json: f(1, 1, ([v]) => toJson(v)),
  split: f(2, 2, ([s, sep]) => {
    const text = expectString(s);
    const by = expectString(sep);
    return by === '' ? Array.from(text) : text.split(by);
  }),
  join: f(2, 2, ([list, sep]) => {
    if (!Array.isArray(list)) throw new ExecError(`wrong type for value; expected []string; got ${typeName(list)}`);
    return list.map(formatValue).join(expectString(sep));
  }),
  title: f(1, 1, ([s]) => title(expectString(s))),
  lower: f(1, 1, ([s]) => expectString(s).toLowerCase()),
  upper: f(1, 1, ([s]) => expectString(s).toUpperCase()),
  pad: f(3, 3, ([s, prefix, suffix]) => {
    const text = expectString(s);
    return text === '' ? text : ' '.repeat(expectInt(prefix)) + text + ' '.repeat(expectInt(suffix));
  }),
  truncate: f(2, 2, ([s, n]) => {
    const text = expectString(s);
    const limit = expectInt(n);
    return text.length < limit ? text : text.slice(0, limit);
  }),
};

const identity = (min: number, max: number): TemplateFunction => f(min, max, ([v]) => formatValue(v));

/**
 * Docker's HeaderFunctions: in a table header the column name passes
 * through json/split/join/title/lower/upper/truncate unchanged. berth also
 * lets `index` pass the name through, so `{{index .Labels "x"}}` gets a header.
 */
export const HEADER_FUNCTIONS: Record<string, TemplateFunction> = {
  ...BASE_FUNCTIONS,
  json: identity(1, 1),
  split: identity(2, 2),
  join: identity(2, 2),
  title: identity(1, 1),
  lower: identity(1, 1),
  upper: identity(1, 1),
  truncate: identity(2, 2),
  index: identity(1, Infinity),
};
