/**
 * export: the container's merged filesystem (writable layer over its image
 * layers, whiteouts and opaque directories applied) as one tar, merged on
 * the host side (storage/layer-tars.ts) without mounting anything. Volumes
 * and other mounts are not part of it, as with Docker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ContainerState } from '../../runtime/state';
import { tarStream } from '../../storage/host-tar';
import { mergedItems } from '../../storage/layer-tars';

function layersOf(state: ContainerState, lowerDirs: readonly string[]): string[] {
  const upper = `${state.bundle}/upper`;
  return fs.existsSync(upper) ? [upper, ...lowerDirs] : [...lowerDirs];
}

/** Streams the archive to `output` (left open: it may be stdout). */
export async function exportToStream(state: ContainerState, lowerDirs: readonly string[], output: NodeJS.WritableStream): Promise<void> {
  await pipeline(tarStream(mergedItems(layersOf(state, lowerDirs))), output, { end: false });
}

/** `export -o FILE`: written beside FILE and renamed over it when whole. */
export async function exportToFile(state: ContainerState, lowerDirs: readonly string[], file: string): Promise<void> {
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.berth-${process.pid}`);
  try {
    await pipeline(tarStream(mergedItems(layersOf(state, lowerDirs))), fs.createWriteStream(temp, { mode: 0o644 }));
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
