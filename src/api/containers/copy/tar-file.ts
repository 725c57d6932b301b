/**
 * Copy entries to and from a tar file, synchronously: inside a private mount
 * namespace nothing may be asynchronous, so a stream (`cp - C:DIR`,
 * `cp C:SRC -`) is first saved to, or later sent from, a temporary file.
 * Headers are written by storage/tar-writer.ts; reading understands ustar,
 * PAX (`x`, `g`) and GNU long names (`L`, `K`), the formats `tar` and Docker
 * produce.
 */
import * as fs from 'node:fs';
import { TAR_END, TarEntryType, encodeTarHeader, tarPadding } from '../../../storage/tar-writer';
import { decodePaxRecords, paxId, paxTime, paxXattrs } from '../../../storage/tar-pax';
import { InvalidContentError } from '../../../errors/kinds';
import { CopyEntry } from './copy-entries';

const BLOCK = 512;
const CHUNK = 1 << 20;

/** Bytes one entry takes in a tar archive (headers plus padded content). */
export function tarSizeOf(entry: CopyEntry): number {
  return encodeTarHeader(tarEntryOf(entry)).length + entry.size + tarPadding(entry.size).length;
}

/** The size of the two zero blocks that end an archive. */
export const TAR_END_SIZE = TAR_END.length;

function tarEntryOf(entry: CopyEntry): Parameters<typeof encodeTarHeader>[0] {
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

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done);
}

/** Writes `entries` as a tar archive to `fd`; returns the archive's size. */
export function writeTar(entries: Iterable<CopyEntry>, fd: number): number {
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

const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'character-device', '4': 'block-device', '5': 'directory', '6': 'fifo',
};

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

/** An octal field, or GNU base-256 when the high bit is set. */
function number(block: Buffer, offset: number, length: number): number {
  if (block[offset] & 0x80) {
    let value = block[offset] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + block[offset + i];
    return value;
  }
  const digits = text(block, offset, length).trim();
  return digits === '' ? 0 : Number.parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === number(block, 148, 8);
}

/**
 * The entries of the tar file open at `fd`, read with positioned reads (the
 * file is ours, not a stream). A regular file's content must be read before
 * the next entry is asked for, or it is skipped.
 */
export function* readTar(fd: number, what: string): Generator<CopyEntry> {
  const block = Buffer.alloc(BLOCK);
  let position = 0;
  let pax: Record<string, string | Buffer> = {};
  let globalPax: Record<string, string | Buffer> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  const readAt = (buffer: Buffer, at: number): number => fs.readSync(fd, buffer, 0, buffer.length, at);
  const payload = (size: number, at: number): Buffer => {
    const buffer = Buffer.alloc(size);
    if (readAt(buffer, at) !== size) throw new InvalidContentError(`read ${what}: the tar archive is truncated`);
    return buffer;
  };
  for (;;) {
    const got = readAt(block, position);
    if (got === 0 || (got === BLOCK && block.every((b) => b === 0))) return;
    if (got !== BLOCK || !checksumOk(block)) throw new InvalidContentError(`read ${what}: not a tar archive (bad header at byte ${position})`);
    const flag = String.fromCharCode(block[156]);
    const records = { ...globalPax, ...pax };
    const size = typeof records.size === 'string' ? Number(records.size) : number(block, 124, 12);
    const dataAt = position + BLOCK;
    position = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x' || flag === 'g') {
      const decoded = decodePaxRecords(payload(size, dataAt));
      if (flag === 'x') pax = decoded;
      else globalPax = { ...globalPax, ...decoded };
      continue;
    }
    if (flag === 'L' || flag === 'K') {
      const value = payload(size, dataAt).toString('utf8').replace(/\0+$/, '');
      if (flag === 'L') longName = value;
      else longLink = value;
      continue;
    }
    const type = TYPES[flag];
    const prefix = block.toString('latin1', 257, 262) === 'ustar' ? text(block, 345, 155) : '';
    const name = String(records.path ?? longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100)));
    const linkname = String(records.linkpath ?? longLink ?? text(block, 157, 100));
    pax = {};
    longName = undefined;
    longLink = undefined;
    if (type === undefined) continue; // other GNU and vendor types: nothing to create
    const entry: CopyEntry = {
      name: name.replace(/\/+$/, '') || '.',
      type,
      mode: number(block, 100, 8) & 0o7777,
      uid: paxId(records.uid) ?? number(block, 108, 8),
      gid: paxId(records.gid) ?? number(block, 116, 8),
      mtime: paxTime(records.mtime) ?? { sec: number(block, 136, 12), nsec: 0 },
      size: type === 'file' ? size : 0,
    };
    if (type === 'link' || type === 'symlink') entry.linkname = linkname;
    const xattrs = paxXattrs(records);
    if (xattrs.length > 0) entry.xattrs = xattrs;
    if (type === 'character-device' || type === 'block-device') {
      entry.devmajor = number(block, 329, 8);
      entry.devminor = number(block, 337, 8);
    }
    if (type === 'file') {
      entry.content = function* content(): Generator<Buffer> {
        const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
        for (let done = 0; done < size; ) {
          const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size - done), dataAt + done);
          if (n === 0) throw new InvalidContentError(`read ${what}: the tar archive is truncated`);
          done += n;
          yield buffer.subarray(0, n);
        }
      };
    }
    yield entry;
  }
}
