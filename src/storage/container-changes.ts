/**
 * `diff`: the changes of a container's writable layer against its image,
 * as Docker 20.10 reports them (its "naive" diff, which compares the
 * merged container tree with the merged image tree):
 *
 *   A /path   absent from the image
 *   C /path   present in the image with another type, mode, owner, device,
 *             or (not for directories) size, mtime or file capability; and
 *             every directory above a change
 *   D /path   present in the image, deleted (a whiteout; or, below an
 *             opaque directory, an image entry the container no longer has)
 *
 * Only paths in the writable layer can differ, so the walk follows it.
 * Docker lists each directory's A/C entries (each followed by its own
 * subtree) in map order, then its D entries; berth sorts both by name, so
 * the output is stable. The runtime's own mount points are left out
 * (overlay-view.ts isRuntimeEntry).
 */
import * as fs from 'node:fs';
import { isOverlayWhiteout } from './whiteout';
import {
  LayerEntry,
  contributingLayers,
  inLayer,
  isOpaqueDir,
  isRuntimeEntry,
  joinRel,
  lstatIfExists,
  mergedNames,
  sortedNames,
  topEntry,
} from './overlay-view';
import { lgetxattr } from '../sys/fs-at';

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  kind: ChangeKind;
  /** Absolute path inside the container (`/etc/profile`). */
  path: string;
}

/** Docker's archive.Change JSON (Kind 0 = modified, 1 = added, 2 = deleted). */
export function dockerChangeKind(kind: ChangeKind): number {
  return kind === 'C' ? 0 : kind === 'A' ? 1 : 2;
}

/** Changes of `upper` over the image layers `lowerDirs` (top-most first). */
export function containerChanges(upper: string, lowerDirs: readonly string[]): Change[] {
  const changes: Change[] = [];
  walkDir(upper, '', lowerDirs, false, changes);
  return changes;
}

/**
 * Appends the changes inside directory `rel` (present in upper).
 * `lowerLayers` contribute to `rel` in the image; `hidesLower` is set when
 * `rel` or a directory above it is opaque in upper, so image entries missing
 * from upper are deletions.
 */
function walkDir(upper: string, rel: string, lowerLayers: readonly string[], hidesLower: boolean, changes: Change[]): void {
  const upperNames = sortedNames(inLayer(upper, rel));
  const deleted: string[] = [];
  for (const name of upperNames) {
    const child = joinRel(rel, name);
    const stat = fs.lstatSync(inLayer(upper, child), { bigint: true });
    const lower = topEntry(lowerLayers, child);
    if (isOverlayWhiteout(stat)) {
      if (lower !== undefined) deleted.push(child);
      continue;
    }
    if (isRuntimeEntry(upper, lowerLayers, child, stat)) continue;
    if (!stat.isDirectory()) {
      if (lower === undefined) changes.push(change('A', child));
      else if (entryDiffers(lower, inLayer(upper, child), stat)) changes.push(change('C', child));
      continue;
    }
    const at = changes.length;
    let recorded = true;
    if (lower === undefined) changes.push(change('A', child));
    else if (metadataDiffers(lower.stat, stat)) changes.push(change('C', child));
    else recorded = false;
    const childLowers = lower !== undefined && lower.stat.isDirectory() ? contributingLayers(lowerLayers, child) : [];
    const childHides = hidesLower || isOpaqueDir(inLayer(upper, child));
    walkDir(upper, child, childLowers, childHides, changes);
    // A directory holding changes is listed before them, even when unchanged itself.
    if (!recorded && changes.length > at) changes.splice(at, 0, change('C', child));
  }
  if (hidesLower && lowerLayers.length > 0) {
    const inUpper = new Set(upperNames);
    for (const name of mergedNames(lowerLayers, rel)) if (!inUpper.has(name)) deleted.push(joinRel(rel, name));
  }
  for (const path of deleted.sort()) changes.push(change('D', path));
}

function change(kind: ChangeKind, rel: string): Change {
  return { kind, path: `/${rel}` };
}

/** Type, permissions, owner and device: what Docker compares for directories. */
function metadataDiffers(a: fs.BigIntStats, b: fs.BigIntStats): boolean {
  return a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid || a.rdev !== b.rdev;
}

/** For non-directories Docker also compares size, mtime (whole seconds when either lacks nanoseconds) and file capabilities. */
function entryDiffers(lower: LayerEntry, upperPath: string, stat: fs.BigIntStats): boolean {
  if (metadataDiffers(lower.stat, stat) || lower.stat.size !== stat.size) return true;
  if (!sameTime(lower.stat.mtimeNs, stat.mtimeNs)) return true;
  return !sameBytes(capability(lower.path), capability(upperPath));
}

function sameTime(a: bigint, b: bigint): boolean {
  const billion = 1_000_000_000n;
  if (a / billion !== b / billion) return false;
  const an = a % billion;
  const bn = b % billion;
  return an === bn || an === 0n || bn === 0n;
}

function capability(path: string): Buffer | undefined {
  return lstatIfExists(path)?.isSymbolicLink() ? undefined : lgetxattr(path, 'security.capability');
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return (a === undefined && b === undefined) || (a !== undefined && b !== undefined && a.equals(b));
}
