/**
 * Lexical cleaning of tar entry names, the first of two safety nets (the
 * second is resolving every parent through openat2 with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS, see tree-writer.ts). Like Docker, a leading `/` is
 * stripped and the entry stays inside the layer (`/../x` is `x`); `..` that
 * climbs above the root of a relative name is an error.
 */
import { UnsafeEntryError } from '../errors';

/**
 * The root-relative form of a tar entry name: no leading `/`, no `.` or
 * empty components, `..` folded; `''` is the layer root itself. Throws
 * UnsafeEntryError when the name climbs above the root or contains a NUL.
 */
export function cleanEntryPath(name: string, entry: string = name): string {
  if (name.includes('\0')) throw new UnsafeEntryError(`unpack layer: entry \`${entry}\` has a NUL byte in its path`);
  // A rooted name folds `..` at the root away, as path cleaning of `/..` does.
  const rooted = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0 && rooted) continue;
      if (parts.length === 0) throw new UnsafeEntryError(`unpack layer: entry \`${entry}\` escapes the layer directory`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

/** [parent, base] of a cleaned non-root path; the root's parent is `''`. */
export function splitEntryPath(cleaned: string): [string, string] {
  const slash = cleaned.lastIndexOf('/');
  return slash < 0 ? ['', cleaned] : [cleaned.slice(0, slash), cleaned.slice(slash + 1)];
}

/** Depth of a cleaned path: `''` is 0, `a` is 1, `a/b` is 2. */
export function entryDepth(cleaned: string): number {
  if (cleaned === '') return 0;
  let depth = 1;
  for (let i = 0; i < cleaned.length; i++) if (cleaned.charCodeAt(i) === 47) depth++;
  return depth;
}
