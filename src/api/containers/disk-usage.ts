/** Bytes a directory tree holds (Docker's SizeRw of a container's writable layer, a volume's size). */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Sum of the sizes of the files and symlinks under `dir`, never following links; 0 when it is missing.
 * With `hardLinksOnce`, a file with several names counts once (Docker's count for a volume).
 */
export function directorySize(dir: string, options: { hardLinksOnce?: boolean } = {}): number {
  const seen = options.hardLinksOnce ? new Set<string>() : undefined;
  const walk = (current: string): number => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return 0;
    }
    let total = 0;
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        total += walk(full);
        continue;
      }
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(full);
      } catch {
        continue; // removed while we walked: it holds nothing any more
      }
      if (seen) {
        const key = `${stat.dev}:${stat.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += stat.size;
    }
    return total;
  };
  return walk(dir);
}
