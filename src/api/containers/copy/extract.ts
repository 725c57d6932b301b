/**
 * Writes copy entries under a destination directory inside a root (a
 * container's root, or the host's `/`) with the tree writer
 * (storage/tree-writer.ts): each parent is resolved by the kernel with
 * RESOLVE_IN_ROOT from the root's fd (a symlink in the container, even
 * `/x -> /etc` or `../../..`, stays inside the container), each entry is
 * made relative to its parent's fd, and its owner, mode, xattrs and times
 * are set through an fd of the entry itself, so a running container that
 * swaps it for a symlink meanwhile changes nothing outside (CVE-2018-15664).
 * Like Docker's extraction, a directory never replaces a non-directory nor
 * the other way round; other entries replace what is there; directories merge.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { close } from '../../../sys/fs-at';
import { openInRoot } from '../../../sys/in-root';
import { BerthError, NotFoundError, UnsafeEntryError } from '../../../errors';
import type { TreeEntry } from '../../../storage/tree-entry';
import { Ownership, TreeWriter } from '../../../storage/tree-writer';
import { TAR_END, tarSizeOf } from '../../../storage/tar-writer';
import { CopyPlan, renamedEntry } from './copy-plan';

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

const OWNERSHIP: Record<CopyOwnership, Ownership> = { root: { uid: 0, gid: 0 }, archive: 'entry', creator: 'creator' };

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

/** Extracts `entries` under the plan's directory; returns the size of the equivalent tar archive (what Docker reports). */
export function extractEntries(entries: Iterable<TreeEntry>, target: ExtractTarget): number {
  const { rootFd, plan } = target;
  const dstFd = openInRoot(rootFd, plan.dstDir);
  if (dstFd === undefined) throw new NotFoundError(target.describe(plan.dstDir));
  const isDir = fs.fstatSync(dstFd).isDirectory();
  close(dstFd);
  if (!isDir) throw new BerthError('copy', 'extraction point is not a directory');
  const dstRel = entryRel(plan.dstDir, plan.dstDir);
  const inRoot = (name: string): string => {
    const rel = entryRel(renamedEntry(name, plan), name);
    return dstRel === '' || rel === '' ? dstRel + rel : `${dstRel}/${rel}`;
  };
  const writer = new TreeWriter(rootFd, {
    resolve: 'in-root',
    ownership: OWNERSHIP[target.ownership],
    conflicts: 'same-kind',
    verb: 'copy',
    display: (p) => `/${p}`,
  });
  let bytes = TAR_END.length;
  try {
    for (const entry of entries) {
      bytes += tarSizeOf(entry);
      const where = inRoot(entry.name);
      // The destination directory itself (`cp dir/. C:/x`): Docker leaves it as it is.
      if (where === dstRel) {
        if (entry.type !== 'directory') {
          throw new BerthError('copy', `cannot overwrite directory "${path.posix.join('/', where)}" with non-directory "${entry.name}"`);
        }
        continue;
      }
      writer.write(where, entry.type === 'link' ? { ...entry, linkname: inRoot(entry.linkname ?? '') } : entry, entry.name);
    }
    writer.finish();
  } finally {
    writer.close();
  }
  return bytes;
}
