/**
 * Writing tar archives ourselves: ustar blocks, with a PAX header before
 * them when a value does not fit (long names, big ids or sizes) and for
 * xattrs (`SCHILY.xattr.*`), whose values stay binary (tar-stream's packer
 * would encode them as UTF-8 text and mangle `security.capability`).
 * Headers are pure; writeTar() writes tree entries to an fd synchronously
 * (`cp CONTAINER:SRC -` runs where nothing asynchronous may).
 */
import * as fs from 'node:fs';
import { PAX_XATTR_PREFIX } from './tar-pax';
import type { TreeEntry, TreeEntryType } from './tree-entry';

export type TarEntryType = TreeEntryType;

export interface TarEntry {
  /** Layer-relative path without a leading `/` or `./`; directories end with `/`. */
  name: string;
  type: TarEntryType;
  /** Permission bits (with setuid/setgid/sticky). */
  mode: number;
  uid: number;
  gid: number;
  /** Content bytes (regular files only). */
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Symlink target, or the earlier entry a hardlink names. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Array<[string, Buffer]>;
}

const BLOCK = 512;
const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  'character-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
};

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

/** Zero bytes that round `size` bytes of content up to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The header block(s) of `entry`: a PAX header first when needed, then the ustar block. */
export function encodeTarHeader(entry: TarEntry): Buffer {
  const pax = paxRecords(entry);
  const header = ustarBlock(entry);
  if (pax.length === 0) return header;
  const body = Buffer.concat(pax);
  const paxHeader = ustarBlock({ name: '././@PaxHeader', type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: entry.mtime });
  paxHeader[156] = 'x'.charCodeAt(0);
  writeChecksum(paxHeader);
  return Buffer.concat([paxHeader, body, tarPadding(body.length), header]);
}

/** The tar header of a tree entry (whole-second mtime, as Docker's archives). */
function tarEntryOf(entry: TreeEntry): TarEntry {
  return {
    name: entry.type === 'directory' ? `${entry.name}/` : entry.name,
    type: entry.type,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: entry.mtime.sec,
    linkname: entry.linkname,
    devmajor: entry.devmajor,
    devminor: entry.devminor,
    xattrs: entry.xattrs,
  };
}

/** Bytes one entry takes in a tar archive (headers plus padded content). */
export function tarSizeOf(entry: TreeEntry): number {
  return encodeTarHeader(tarEntryOf(entry)).length + entry.size + tarPadding(entry.size).length;
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done);
}

/** Writes `entries` as a tar archive to `fd`; returns the archive's size. */
export function writeTar(entries: Iterable<TreeEntry>, fd: number): number {
  let bytes = 0;
  for (const entry of entries) {
    const header = encodeTarHeader(tarEntryOf(entry));
    writeAll(fd, header);
    bytes += header.length;
    if (entry.type !== 'file' || entry.content === undefined) continue;
    for (const chunk of entry.content()) writeAll(fd, chunk);
    const padding = tarPadding(entry.size);
    writeAll(fd, padding);
    bytes += entry.size + padding.length;
  }
  writeAll(fd, TAR_END);
  return bytes + TAR_END.length;
}

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

function paxRecords(entry: TarEntry): Buffer[] {
  const records: Buffer[] = [];
  if (Buffer.byteLength(entry.name) > 100) records.push(paxRecord('path', Buffer.from(entry.name)));
  if (entry.linkname !== undefined && Buffer.byteLength(entry.linkname) > 100) records.push(paxRecord('linkpath', Buffer.from(entry.linkname)));
  if (entry.uid > MAX_OCTAL_7) records.push(paxRecord('uid', Buffer.from(String(entry.uid))));
  if (entry.gid > MAX_OCTAL_7) records.push(paxRecord('gid', Buffer.from(String(entry.gid))));
  if (entry.size > MAX_OCTAL_11) records.push(paxRecord('size', Buffer.from(String(entry.size))));
  for (const [name, value] of entry.xattrs ?? []) records.push(paxRecord(`${PAX_XATTR_PREFIX}${name}`, value));
  return records;
}

/** One `<length> <key>=<value>\n` record; the length counts its own digits. */
export function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(key) + value.length + 3; // ' ', '=', '\n'
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`), value, Buffer.from('\n')]);
}

function ustarBlock(entry: TarEntry): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, entry.name);
  writeOctal(block, 100, 8, entry.mode & 0o7777);
  writeOctal(block, 108, 8, entry.uid > MAX_OCTAL_7 ? 0 : entry.uid);
  writeOctal(block, 116, 8, entry.gid > MAX_OCTAL_7 ? 0 : entry.gid);
  writeOctal(block, 124, 12, entry.size > MAX_OCTAL_11 ? 0 : entry.size);
  writeOctal(block, 136, 12, Math.max(0, Math.min(entry.mtime, MAX_OCTAL_11)));
  block[156] = TYPEFLAG[entry.type].charCodeAt(0);
  writeString(block, 157, 100, entry.linkname ?? '');
  block.write('ustar\u000000', 257, 'latin1');
  writeOctal(block, 329, 8, entry.devmajor ?? 0);
  writeOctal(block, 337, 8, entry.devminor ?? 0);
  writeChecksum(block);
  return block;
}

/** Writes what fits (a longer value travels in the PAX header). */
function writeString(block: Buffer, offset: number, length: number, value: string): void {
  Buffer.from(value).copy(block, offset, 0, length);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

function writeChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
}
