/**
 * Creates copy entries under a destination directory inside a root (a
 * container's root, or the host's `/`), through file descriptors: each
 * parent is resolved by the kernel with RESOLVE_IN_ROOT from the root's fd
 * (a symlink in the container, even `/x -> /etc` or `../../..`, stays inside
 * the container), and the entry is made relative to that parent's fd with
 * the *at calls and O_NOFOLLOW. Like Docker's extraction, a directory never
 * replaces a non-directory nor the other way round; other entries replace
 * what is there; directories merge.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AT_SYMLINK_NOFOLLOW, O_CLOEXEC, O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY, S_IFBLK, S_IFCHR, S_IFIFO, Timespec,
  close, fchmodat, fchownat, linkat, makedev, mkdirat, mknodat, openat, symlinkat, unlinkat, utimensat,
} from '../../../sys/fs-at';
import { ensureInRoot, openInRoot } from '../../../sys/in-root';
import { BerthError, NotFoundError, UnsafeEntryError } from '../../../errors';
import { CopyEntry, reopenDirectory, viaFd } from './copy-entries';
import { CopyPlan, renamedEntry } from './copy-plan';
import { TAR_END_SIZE, tarSizeOf } from './tar-file';
import { applyXattrs } from './copy-xattrs';

/** Whose files the copies are: root (Docker's default into a container), the archive's ids (`-a`), or left as created (local copies). */
export type CopyOwnership = 'root' | 'archive' | 'creator';

export interface ExtractTarget {
  rootFd: number;
  /** The plan: the directory to extract into (absolute in the root) and the rename of the archive's first component. */
  plan: Pick<CopyPlan, 'dstDir' | 'archiveBase' | 'rename'>;
  ownership: CopyOwnership;
  /** How paths are named in errors, e.g. the container's name. */
  describe: (p: string) => string;
}

const EEXIST = 17;

/** Root-relative cleaned form of an entry name; `..` climbing out of the destination is refused. */
function entryRel(name: string, original: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new UnsafeEntryError(`copy \`${original}\`: the entry climbs out of the destination directory`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

function lstatAt(dirFd: number, name: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(viaFd(dirFd, name), { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Extracts `entries` under the plan's directory; returns the size of the equivalent tar archive (what Docker reports). */
export function extractEntries(entries: Iterable<CopyEntry>, target: ExtractTarget): number {
  const { rootFd, plan } = target;
  const dstFd = openInRoot(rootFd, plan.dstDir);
  if (dstFd === undefined) throw new NotFoundError(target.describe(plan.dstDir));
  const isDir = fs.fstatSync(dstFd).isDirectory();
  close(dstFd);
  if (!isDir) throw new BerthError('copy', 'extraction point is not a directory');
  const dirTimes: Array<[string, Timespec]> = [];
  let cachedParent: { rel: string; fd: number } | undefined;
  const parentFd = (rel: string): number => {
    if (cachedParent?.rel === rel) return cachedParent.fd;
    if (cachedParent) close(cachedParent.fd);
    const pathFd = ensureInRoot(rootFd, path.posix.join(plan.dstDir, rel), 'dir');
    try {
      cachedParent = { rel, fd: reopenDirectory(pathFd) };
    } finally {
      close(pathFd);
    }
    return cachedParent.fd;
  };
  let bytes = TAR_END_SIZE;
  try {
    for (const entry of entries) {
      bytes += tarSizeOf(entry);
      const rel = entryRel(renamedEntry(entry.name, plan), entry.name);
      const where = path.posix.join(plan.dstDir, rel);
      // The destination directory itself (`cp dir/. C:/x`): Docker leaves it as it is.
      if (rel === '') {
        if (entry.type !== 'directory') throw new BerthError('copy', `cannot overwrite directory "${where}" with non-directory "${entry.name}"`);
        continue;
      }
      const slash = rel.lastIndexOf('/');
      const dirFd = parentFd(slash < 0 ? '' : rel.slice(0, slash));
      const base = rel.slice(slash + 1);
      create(dirFd, base, entry, where, target);
      if (entry.type === 'directory') dirTimes.push([where, entry.mtime]);
    }
  } finally {
    if (cachedParent) close(cachedParent.fd);
  }
  // Times last and deepest first: creating entries inside a directory changes its mtime.
  for (const [where, mtime] of dirTimes.reverse()) {
    const fd = openInRoot(rootFd, where);
    if (fd === undefined) continue;
    try {
      fs.utimesSync(viaFd(fd), mtime.sec, mtime.sec);
    } finally {
      close(fd);
    }
  }
  return bytes;
}

function create(dirFd: number, base: string, entry: CopyEntry, where: string, target: ExtractTarget): void {
  const existing = lstatAt(dirFd, base);
  if (existing?.isDirectory() && entry.type !== 'directory') {
    throw new BerthError('copy', `cannot overwrite directory "${where}" with non-directory "${entry.name}"`);
  }
  if (existing && !existing.isDirectory() && entry.type === 'directory') {
    throw new BerthError('copy', `cannot overwrite non-directory "${where}" with directory "${entry.name}"`);
  }
  if (existing && !existing.isDirectory()) unlinkat(dirFd, base, 0, `\`${where}\``);
  const subject = `\`${where}\``;
  switch (entry.type) {
    case 'directory':
      if (!existing) {
        try {
          mkdirat(dirFd, base, 0o700, subject);
        } catch (err) {
          if (!(err instanceof Error && (err as { errno?: number }).errno === EEXIST)) throw err;
        }
      }
      break;
    case 'file': {
      const fd = openat(dirFd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600, subject);
      try {
        for (const chunk of entry.content?.() ?? []) {
          for (let done = 0; done < chunk.length; ) done += fs.writeSync(fd, chunk, done, chunk.length - done);
        }
      } finally {
        close(fd);
      }
      break;
    }
    case 'symlink':
      symlinkat(entry.linkname ?? '', dirFd, base, subject);
      break;
    case 'link': {
      const linkRel = entryRel(renamedEntry(entry.linkname ?? '', target.plan), entry.linkname ?? '');
      const linkFd = openInRoot(target.rootFd, path.posix.join(target.plan.dstDir, linkRel), O_NOFOLLOW);
      if (linkFd === undefined) throw new NotFoundError(`copy \`${entry.name}\`: its hardlink target \`${entry.linkname}\` is not in the archive before it`);
      try {
        linkat(linkFd, '', dirFd, base, 0x1000 /* AT_EMPTY_PATH */, subject);
      } finally {
        close(linkFd);
      }
      return; // a hardlink shares its target's metadata
    }
    default: {
      const kind = entry.type === 'block-device' ? S_IFBLK : entry.type === 'fifo' ? S_IFIFO : S_IFCHR;
      mknodat(dirFd, base, kind | (entry.mode & 0o7777), makedev(entry.devmajor ?? 0, entry.devminor ?? 0), subject);
    }
  }
  applyMetadata(dirFd, base, entry, target.ownership);
}

function applyMetadata(dirFd: number, base: string, entry: CopyEntry, ownership: CopyOwnership): void {
  const subject = `\`${entry.name}\``;
  if (ownership !== 'creator') {
    const [uid, gid] = ownership === 'root' ? [0, 0] : [entry.uid, entry.gid];
    fchownat(dirFd, base, uid, gid, AT_SYMLINK_NOFOLLOW, subject);
  }
  // After chown, which clears file capabilities; before chmod, as Docker's extraction.
  if (entry.xattrs) applyXattrs(dirFd, base, entry.xattrs, entry.name);
  // After chown, which clears setuid/setgid bits; Linux cannot chmod a symlink.
  if (entry.type !== 'symlink') fchmodat(dirFd, base, entry.mode & 0o7777, 0, subject);
  if (entry.type !== 'directory') utimensat(dirFd, base, entry.mtime, entry.mtime, AT_SYMLINK_NOFOLLOW, subject);
}
