// Fake overlayfs layer trees for unit tests: plain files and directories
// with fixed times, and "copy-up" of a lower entry into an upper dir as
// overlayfs does it (same mode and mtime). Whiteouts (0/0 char devices)
// and trusted.* xattrs need root: the integration tests cover those.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const T0 = new Date('2024-01-01T00:00:00Z');

/** Creates `entries` under `root`: a key ending in `/` is a directory, any other a file with that content. */
export function makeTree(root: string, entries: Record<string, string>): void {
  fs.mkdirSync(root, { recursive: true });
  for (const [name, content] of Object.entries(entries)) {
    const target = path.join(root, name);
    if (name.endsWith('/')) fs.mkdirSync(target, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  settle(root);
}

/** Sets every time under `root` (the root included) to T0, deepest first. */
export function settle(root: string): void {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const child = path.join(root, entry.name);
    if (entry.isDirectory()) settle(child);
    else if (!entry.isSymbolicLink()) fs.utimesSync(child, T0, T0);
  }
  fs.utimesSync(root, T0, T0);
}

/** overlayfs copy-up: the lower entry (and its parents) appear in upper with the same mode and times. */
export function copyUp(lower: string, upper: string, rel: string): void {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const sub = parts.slice(0, i).join('/');
    const from = path.join(lower, sub);
    const to = path.join(upper, sub);
    const stat = fs.lstatSync(from);
    if (stat.isDirectory()) {
      if (!fs.existsSync(to)) fs.mkdirSync(to);
    } else if (!fs.existsSync(to)) {
      fs.copyFileSync(from, to);
    }
    fs.chmodSync(to, stat.mode & 0o7777);
    fs.utimesSync(to, stat.atime, stat.mtime);
  }
}
