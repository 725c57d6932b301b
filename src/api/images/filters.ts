/**
 * `images --filter KEY=VALUE`, as dockerd 20.10 reads it (daemon/images/images.go):
 *
 *   dangling=true|false   only untagged images, or only tagged ones
 *   label=KEY[=VALUE]     the image config has the label (every label filter must match)
 *   before=IMAGE          created before IMAGE (the last one given counts)
 *   since=IMAGE           created after IMAGE
 *   reference=PATTERN     a tag matches the glob PATTERN (Go's path.Match) as `name:tag` or
 *                         as `name`; only matching tags are listed (any pattern may match)
 *
 * Unknown keys and bad values are refused in Docker's words.
 */
import { UsageError } from '../../errors/kinds';
import { familiarName, familiarString, type ImageReference } from '../../image/reference';

export interface ImageFilter {
  dangling?: boolean;
  labels: string[];
  before?: string;
  since?: string;
  references: string[];
}

const KEYS = ['dangling', 'label', 'before', 'since', 'reference'];

export function parseImageFilters(args: readonly string[] = []): ImageFilter {
  const filter: ImageFilter = { labels: [], references: [] };
  const dangling: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) throw new UsageError('bad format of filter (expected name=value)');
    const key = arg.slice(0, eq).trim().toLowerCase();
    const value = arg.slice(eq + 1);
    if (!KEYS.includes(key)) throw new UsageError(`Invalid filter '${key}'`);
    if (key === 'dangling') dangling.push(value);
    else if (key === 'label') filter.labels.push(value);
    else if (key === 'before') filter.before = value;
    else if (key === 'since') filter.since = value;
    else filter.references.push(value);
  }
  if (dangling.length > 0) {
    // moby's ExactMatch: any value `true` means dangling only; otherwise every value must be `false`.
    if (dangling.includes('true')) filter.dangling = true;
    else if (dangling.every((v) => v === 'false')) filter.dangling = false;
    else throw new UsageError(`Invalid filter 'dangling=[${dangling.join(' ')}]'`);
  }
  return filter;
}

/** Go's path.Match: `*` and `?` never match `/`, `[...]` classes with ranges and `^` negation, `\` escapes. */
export function pathMatch(pattern: string, name: string): boolean {
  const syntax = (): UsageError => new UsageError('syntax error in pattern');
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) throw syntax();
      source += escapeRegExp(pattern[++i]);
    } else if (c !== '[') source += escapeRegExp(c);
    else {
      let j = i + 1;
      const negated = pattern[j] === '^';
      if (negated) j++;
      let body = '';
      const literal = (): string => {
        if (pattern[j] === '\\') j++;
        if (j >= pattern.length) throw syntax();
        return pattern[j++].replace(/[\\\]^[-]/, '\\$&');
      };
      while (pattern[j] !== ']' || body === '') {
        if (j >= pattern.length || (pattern[j] === ']' && body === '')) throw syntax();
        body += literal();
        if (pattern[j] === '-' && pattern[j + 1] !== ']') {
          j++;
          body += `-${literal()}`;
        }
      }
      source += `[${negated ? '^' : ''}${body}]`;
      i = j;
    }
  }
  return new RegExp(`${source}$`, 's').test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** distribution's FamiliarMatch: the pattern against `name:tag`, else against `name`. */
export function familiarMatch(pattern: string, ref: ImageReference): boolean {
  return pathMatch(pattern, familiarString(ref)) || pathMatch(pattern, familiarName(ref));
}

/** label=KEY or label=KEY=VALUE against an image's labels (moby's MatchKVList: every one must match). */
export function matchesLabels(labels: Record<string, string> | undefined, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    const key = eq < 0 ? w : w.slice(0, eq);
    if (!labels || !Object.prototype.hasOwnProperty.call(labels, key)) return false;
    return eq < 0 || labels[key] === w.slice(eq + 1);
  });
}
