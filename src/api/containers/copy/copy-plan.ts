/**
 * Docker's `cp` path rules, pure (no filesystem): how `CONTAINER:PATH`
 * arguments split, how a path names "the entry" or "the content of a
 * directory" (a trailing `/.`), and where an archive of the source is
 * extracted so that the copy lands where Docker puts it (moby's
 * pkg/archive copy.go: SplitPathDirEntry, PreserveTrailingDotOrSeparator,
 * PrepareArchiveCopy).
 *
 * An archive of a source names its root entry by the source's base name
 * (`foo`, or `.` for "the content of"), its children `foo/a`, `./a`.
 * A plan extracts it into `dstDir`, renaming that first component to
 * `rename` when set.
 */
import * as path from 'node:path';
import { UsageError } from '../../../errors/kinds';
import { BerthError } from '../../../errors';

/** What is known about the source and the destination before copying. */
export interface CopyKinds {
  srcIsDir: boolean;
  destExists: boolean;
  destIsDir: boolean;
}

export interface CopyPlan {
  /** The directory the archive is extracted into (it must exist). */
  dstDir: string;
  /** The archive's first path component, as the archive names it. */
  archiveBase: string;
  /** The name it takes in dstDir; equal to archiveBase when nothing is renamed. */
  rename: string;
}

/** A copy that Docker refuses for the kinds of its paths (exit 1, Docker's messages). */
export class CopyRuleError extends BerthError {
  constructor(message: string) {
    super('copy-rule', message);
  }
}

/** `CONTAINER:PATH` or a local path: a `:` splits unless the argument is absolute or starts with `.` (docker/cli splitCpArg). */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0) return { path: arg };
  const container = arg.slice(0, colon);
  if (container.startsWith('.')) return { path: arg };
  return { container, path: arg.slice(colon + 1) };
}

export function hasTrailingSeparator(p: string): boolean {
  return p.endsWith('/');
}

/** Go's filepath.Base: trailing slashes ignored, `.` for empty. */
function goBase(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The path names the current directory, i.e. "the content of" (`.`, `./`, `a/.`). */
export function specifiesCurrentDir(p: string): boolean {
  return goBase(p) === '.';
}

/** [dir, base] of a path; `a/.` gives [`a`, `.`] (moby SplitPathDirEntry). */
export function splitPathDirEntry(p: string): [string, string] {
  let cleaned = path.posix.normalize(p);
  if (cleaned.length > 1 && cleaned.endsWith('/')) cleaned = cleaned.slice(0, -1);
  if (specifiesCurrentDir(p)) cleaned = cleaned === '.' ? './.' : `${cleaned}/.`;
  return [goDir(cleaned), goBase(cleaned)];
}

/** Go's filepath.Dir. */
function goDir(p: string): string {
  const slash = p.lastIndexOf('/');
  if (slash < 0) return '.';
  const dir = p.slice(0, slash);
  return dir === '' ? '/' : path.posix.normalize(dir);
}

/** An absolute form of `p` resolved from `base` that keeps a trailing `/` or `/.` (moby PreserveTrailingDotOrSeparator). */
export function absolutePath(p: string, base: string): string {
  let cleaned = path.posix.resolve(base, p);
  if (!specifiesCurrentDir(cleaned) && specifiesCurrentDir(p)) cleaned = `${cleaned.endsWith('/') ? cleaned : cleaned + '/'}.`;
  if (!hasTrailingSeparator(cleaned) && hasTrailingSeparator(p)) cleaned += '/';
  return cleaned;
}

/**
 * The name of the archive's root entry for a source path: its base name as
 * requested, `.` for "the content of". A followed symlink keeps its own name
 * (moby GetRebaseName), so this is never the name of the link's target.
 */
export function archiveBaseOf(src: string): string {
  const base = splitPathDirEntry(src)[1];
  return base === '/' ? '.' : base;
}

/** Where and under which name the archive of `src` is extracted for `dest` (moby PrepareArchiveCopy). */
export function resolveCopyPlan(src: string, dest: string, kinds: CopyKinds): CopyPlan {
  const archiveBase = archiveBaseOf(src);
  const [dstParent, dstBase] = splitPathDirEntry(dest);
  if (kinds.destExists && kinds.destIsDir) return { dstDir: dest, archiveBase, rename: archiveBase };
  if (kinds.destExists && kinds.srcIsDir) throw new CopyRuleError('cannot copy directory');
  if (kinds.destExists || kinds.srcIsDir) return { dstDir: dstParent, archiveBase, rename: dstBase };
  // A missing destination that says "directory" (`x/`, `x/.`) cannot be made from a file.
  if (hasTrailingSeparator(dest) || specifiesCurrentDir(dest)) throw new CopyRuleError('no such directory');
  return { dstDir: dstParent, archiveBase, rename: dstBase };
}

/** The archive entry name after the plan's rename of its first component. */
export function renamedEntry(name: string, plan: Pick<CopyPlan, 'archiveBase' | 'rename'>): string {
  const cleaned = name.replace(/^\/+/, '');
  if (plan.archiveBase === plan.rename) return cleaned;
  const first = cleaned.split('/')[0];
  if (first !== plan.archiveBase) return cleaned;
  return plan.rename + cleaned.slice(first.length);
}

export function assertTwoSides(src: { container?: string }, dest: { container?: string }): void {
  if (src.container !== undefined && dest.container !== undefined) throw new UsageError('copying between containers is not supported');
  if (src.container === undefined && dest.container === undefined) throw new UsageError('must specify at least one container source');
}
