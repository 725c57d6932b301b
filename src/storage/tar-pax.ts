/**
 * PAX records, binary-safe. tar-stream decodes every PAX value as UTF-8,
 * which mangles binary xattrs such as `security.capability` (file
 * capabilities). We decode PAX headers ourselves: `SCHILY.xattr.*` values stay
 * Buffers, every other value is a string as tar-stream expects.
 */
import type { Extract } from 'tar-stream';
import type { Timespec } from '../sys/fs-at';

export const PAX_XATTR_PREFIX = 'SCHILY.xattr.';

export type PaxRecords = Record<string, string | Buffer>;

/** Parses `<len> <key>=<value>\n` records; malformed trailing data ends the parse. */
export function decodePaxRecords(buf: Buffer): PaxRecords {
  const records: PaxRecords = {};
  let offset = 0;
  while (offset < buf.length) {
    const space = buf.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number.parseInt(buf.toString('latin1', offset, space), 10);
    if (!(length > 0) || offset + length > buf.length) break;
    const record = buf.subarray(space + 1, offset + length - 1); // without the trailing newline
    const equals = record.indexOf(0x3d);
    if (equals >= 0) {
      const key = record.toString('utf8', 0, equals);
      const value = record.subarray(equals + 1);
      records[key] = key.startsWith(PAX_XATTR_PREFIX) ? Buffer.from(value) : value.toString('utf8');
    }
    offset += length;
  }
  return records;
}

/** xattrs of an entry's PAX records, as [name, value] pairs. */
export function paxXattrs(pax: Record<string, unknown> | null | undefined): Array<[string, Buffer]> {
  const xattrs: Array<[string, Buffer]> = [];
  if (!pax) return xattrs;
  for (const key of Object.keys(pax)) {
    if (!key.startsWith(PAX_XATTR_PREFIX)) continue;
    const value = pax[key];
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
    xattrs.push([key.slice(PAX_XATTR_PREFIX.length), bytes]);
  }
  return xattrs;
}

/** A PAX time, `<seconds>[.<fraction>]`, exactly (no float rounding). */
export function paxTime(value: unknown): Timespec | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return undefined;
  const sec = Number(match[2]);
  const nsec = Number((match[3] ?? '').slice(0, 9).padEnd(9, '0'));
  if (match[1] !== '-') return { sec, nsec };
  return nsec === 0 ? { sec: -sec, nsec: 0 } : { sec: -sec - 1, nsec: 1_000_000_000 - nsec };
}

export function paxId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

interface ExtractInternals {
  _header: { type: string } | null;
  _pax: PaxRecords | null;
  _paxGlobal: PaxRecords | null;
  _decodeLongHeader(buf: Buffer): void;
}

/**
 * Makes `extract` keep xattr values binary. It replaces tar-stream's
 * (internal) PAX decoding on this instance only; if a future tar-stream lacks
 * that hook, values fall back to UTF-8 strings, which paxXattrs still reads.
 */
export function keepBinaryPaxXattrs(extract: Extract): void {
  const internals = extract as unknown as ExtractInternals;
  const original = internals._decodeLongHeader;
  if (typeof original !== 'function') return;
  internals._decodeLongHeader = function decodeLongHeader(this: ExtractInternals, buf: Buffer): void {
    const type = this._header?.type;
    if (type === 'pax-header') {
      this._pax = { ...(this._paxGlobal ?? {}), ...decodePaxRecords(buf) };
    } else if (type === 'pax-global-header') {
      this._paxGlobal = decodePaxRecords(buf);
    } else {
      original.call(this, buf);
    }
  };
}
