/**
 * Unpacks an image archive (docker-archive or OCI layout tarball, possibly
 * compressed) into a private directory so its pieces can be read in any
 * order (docker-archive writers put manifest.json last). Only regular files
 * and directories are created on disk; symlinks and hardlinks (skopeo's
 * legacy `<id>/layer.tar -> ../<hex>.tar`) are kept in a table and resolved
 * lexically inside the archive, so nothing in it can point outside. Entry
 * names with `..` components or a leading `/` are refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { decompressStream } from '../../storage/decompress';
import { InvalidContentError, NotFoundError, UnsafeEntryError } from '../../errors/kinds';

const MAX_LINK_HOPS = 40;

type EntryStream = NodeJS.ReadableStream & AsyncIterable<Buffer>;

/** `a/./b/` -> `a/b`; throws on `..`, absolute names and NUL bytes. */
export function archiveEntryName(name: string): string {
  if (name.includes('\0')) throw new UnsafeEntryError(`load archive: entry \`${name}\` has a NUL byte in its name`);
  if (name.startsWith('/')) throw new UnsafeEntryError(`load archive: entry \`${name}\` has an absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new UnsafeEntryError(`load archive: entry \`${name}\` escapes the archive`);
  return parts.join('/');
}

/** Lexical join of a link target with the directory of the link; throws when it climbs out. */
function resolveLinkTarget(linkName: string, target: string): string {
  const base = target.startsWith('/') ? [] : linkName.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (base.length === 0) throw new UnsafeEntryError(`load archive: link \`${linkName}\` -> \`${target}\` escapes the archive`);
      base.pop();
    } else {
      base.push(part);
    }
  }
  return base.join('/');
}

export class ExtractedArchive {
  private readonly symlinks = new Map<string, string>();
  private readonly hardlinks = new Map<string, string>();

  private constructor(readonly dir: string) {}

  /** Reads the whole archive from `source` into `dir` (which must exist and be empty). */
  static async extract(source: NodeJS.ReadableStream, dir: string): Promise<ExtractedArchive> {
    const archive = new ExtractedArchive(dir);
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      archive.take(header, stream as unknown as EntryStream).then(() => next(), (err: Error) => next(err));
    });
    await pipeline(decompressStream(source), extract);
    return archive;
  }

  private async take(header: tar.Header, stream: EntryStream): Promise<void> {
    const name = archiveEntryName(header.name);
    const drain = async () => {
      for await (const chunk of stream) void chunk;
    };
    if (name === '') return drain();
    switch (header.type) {
      case 'file':
      case 'contiguous-file': {
        const file = path.join(this.dir, name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await pipeline(stream, fs.createWriteStream(file, { flags: 'wx', mode: 0o644 }));
        return;
      }
      case 'directory':
        fs.mkdirSync(path.join(this.dir, name), { recursive: true });
        return drain();
      case 'symlink':
        this.symlinks.set(name, resolveLinkTarget(name, header.linkname));
        return drain();
      case 'link':
        this.hardlinks.set(name, archiveEntryName(header.linkname));
        return drain();
      default:
        // Devices, fifos: nothing an image archive needs.
        return drain();
    }
  }

  /** The archive-relative path `name` ends up at after following links, component by component. */
  private resolve(name: string): string {
    let current = archiveEntryName(name);
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const parts = current.split('/');
      let changed = false;
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join('/');
        const rest = parts.slice(i);
        const link = this.symlinks.get(prefix) ?? this.hardlinks.get(prefix);
        if (link === undefined) continue;
        current = [link, ...rest].filter((p) => p !== '').join('/');
        changed = true;
        break;
      }
      if (!changed) return current;
    }
    throw new InvalidContentError(`load archive: too many levels of links resolving \`${name}\``);
  }

  /** Path on disk of the regular file the archive names `name`; NotFoundError when there is none. */
  file(name: string): string {
    const resolved = this.resolve(name);
    const file = path.join(this.dir, resolved);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file);
    } catch {
      stat = undefined;
    }
    if (!stat?.isFile()) throw new NotFoundError(`load archive: \`${name}\` is not in the archive`);
    return file;
  }

  has(name: string): boolean {
    try {
      this.file(name);
      return true;
    } catch {
      return false;
    }
  }

  read(name: string): Buffer {
    return fs.readFileSync(this.file(name));
  }

  readJson<T>(name: string): T {
    try {
      return JSON.parse(this.read(name).toString('utf8')) as T;
    } catch (err) {
      if (err instanceof SyntaxError) throw new InvalidContentError(`load archive: \`${name}\` is not valid JSON: ${err.message}`);
      throw err;
    }
  }
}
