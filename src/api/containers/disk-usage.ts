/** Bytes a directory tree holds (Docker's SizeRw of a container's writable layer, a volume's size). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Sum of the sizes of the files and symlinks under `dir`, never following links; 0 when it is missing. */
export function directorySize(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      total += directorySize(full);
      continue;
    }
    try {
      total += fs.lstatSync(full).size;
    } catch {
      // removed while we walked: it holds nothing any more
    }
  }
  return total;
}
