/**
 * The two archives made from a container's layers, as tar items for
 * host-tar.ts, in name order with each directory before its content:
 *
 *   commit  the writable layer as an image layer: every upper entry, the
 *           overlayfs whiteout (0/0 char device) written back as
 *           `dir/.wh.name`, an opaque directory followed by
 *           `dir/.wh..wh..opq`; the runtime's mount points left out
 *   export  the merged filesystem (upper over the image layers), what the
 *           container sees at `/` (its mounts aside)
 */
import { isOverlayWhiteout, tarPathForOpaqueDir, tarPathForWhiteout } from './whiteout';
import {
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
import { HardlinkTracker, TarItem, itemFromStat } from './host-tar';
import * as fs from 'node:fs';

/** The writable layer `upper` (over `lowerDirs`, top-most first) as layer tar items. */
export function* upperLayerItems(upper: string, lowerDirs: readonly string[]): Generator<TarItem> {
  yield* upperDirItems(upper, '', lowerDirs, new HardlinkTracker());
}

function* upperDirItems(upper: string, rel: string, lowerLayers: readonly string[], links: HardlinkTracker): Generator<TarItem> {
  for (const name of sortedNames(inLayer(upper, rel))) {
    const child = joinRel(rel, name);
    const stat = lstatIfExists(inLayer(upper, child));
    if (stat === undefined) continue; // removed meanwhile (a container committed without pausing)
    const lower = topEntry(lowerLayers, child);
    if (isOverlayWhiteout(stat)) {
      // A whiteout of nothing in the image changes nothing: Docker's layers carry none.
      if (lower !== undefined) yield { entry: markerEntry(tarPathForWhiteout(child), stat, 0o600) };
      continue;
    }
    if (isRuntimeEntry(upper, lowerLayers, child, stat)) continue;
    const item = itemFromStat(upper, child, stat, links);
    if (item === undefined) continue;
    yield item;
    if (!stat.isDirectory()) continue;
    const opaque = isOpaqueDir(inLayer(upper, child));
    if (opaque) yield { entry: markerEntry(tarPathForOpaqueDir(child), stat, Number(stat.mode) & 0o777) };
    const childLowers = !opaque && lower !== undefined && lower.stat.isDirectory() ? contributingLayers(lowerLayers, child) : [];
    yield* upperDirItems(upper, child, childLowers, links);
  }
}

/** An empty regular file standing for a whiteout or an opaque marker, as Docker writes them. */
function markerEntry(name: string, stat: fs.BigIntStats, mode: number): TarItem['entry'] {
  return { name, type: 'file', mode, uid: Number(stat.uid), gid: Number(stat.gid), size: 0, mtime: Number(stat.mtimeMs / 1000n) };
}

/** The merged view of `layers` (the writable layer first, then the image's) as tar items. */
export function* mergedItems(layers: readonly string[]): Generator<TarItem> {
  yield* mergedDirItems(contributingLayers(layers, ''), '', new HardlinkTracker());
}

function* mergedDirItems(layers: readonly string[], rel: string, links: HardlinkTracker): Generator<TarItem> {
  for (const name of mergedNames(layers, rel)) {
    const child = joinRel(rel, name);
    const entry = topEntry(layers, child);
    if (entry === undefined) continue;
    const item = itemFromStat(entry.layer, child, entry.stat, links);
    if (item === undefined) continue;
    yield item;
    if (entry.stat.isDirectory()) yield* mergedDirItems(contributingLayers(layers, child), child, links);
  }
}
