/**
 * The Dockerfile instructions `import --change` (and later `commit
 * --change`) accept, applied to an image's runtime config as Docker does:
 *
 *   CMD ENTRYPOINT   JSON array form, or shell form -> ["/bin/sh", "-c", text]
 *   ENV LABEL        key=value pairs (quotes allowed), or legacy `key value`
 *   EXPOSE           port[-port][/proto] ...   (proto defaults to tcp)
 *   VOLUME           JSON array form, or space-separated paths
 *   USER WORKDIR STOPSIGNAL   one value (a relative WORKDIR joins the previous one)
 *
 * Pure: no I/O, so the rules are unit-tested directly.
 */
import * as path from 'node:path';
import { UsageError } from '../errors';
import { ContainerConfig } from './oci-types';

export const CHANGE_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL'] as const;

function changeError(change: string, reason: string): UsageError {
  return new UsageError(`apply change \`${change}\`: ${reason}`, {
    hint: `supported instructions: ${CHANGE_INSTRUCTIONS.join(', ')}`,
  });
}

/** A JSON array of strings, or undefined when `text` is not one (then it is shell form). */
function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return undefined;
  return value as string[];
}

/**
 * Splits on unquoted whitespace, keeping quotes and escapes in the words
 * (they are removed per value by `unquote`), as Docker's parser does.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === undefined && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    word += c;
    if (c === '\\' && quote !== "'" && i + 1 < text.length) {
      word += text[++i];
    } else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = undefined;
    }
  }
  if (quote !== undefined) throw new UsageError(`parse \`${text}\`: unmatched ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push(word);
  return words;
}

/** Removes shell quoting: `"a b"` -> `a b`, `'x'` -> `x`, `a\ b` -> `a b`. */
export function unquote(word: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (c === '\\' && i + 1 < word.length) {
      const next = word[++i];
      // Inside double quotes only \" \\ \$ and \` are escapes.
      out += quote === '"' && !'"\\$`'.includes(next) ? c + next : next;
    } else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === quote) {
      quote = undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** `k=v k2="v 2"` or legacy `k some value`, as [key, value] pairs. */
function keyValues(instruction: string, rest: string, change: string): Array<[string, string]> {
  const words = splitWords(rest);
  if (words.length === 0) throw changeError(change, `${instruction} needs at least one argument`);
  if (!words[0].includes('=')) {
    if (words.length < 2) throw changeError(change, `${instruction} needs a value for \`${words[0]}\``);
    const key = unquote(words[0]);
    const value = rest.trim().slice(words[0].length).trim();
    return [[key, unquote(value)]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) throw changeError(change, `${instruction} expects key=value, got \`${word}\``);
    return [unquote(word.slice(0, eq)), unquote(word.slice(eq + 1))];
  });
}

function exposedPorts(rest: string, change: string): string[] {
  const ports: string[] = [];
  for (const word of splitWords(rest).map(unquote)) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
    if (!m) throw changeError(change, `invalid port \`${word}\``);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    const proto = (m[3] ?? 'tcp').toLowerCase();
    if (first < 1 || last > 65535 || last < first) throw changeError(change, `invalid port range \`${word}\``);
    for (let p = first; p <= last; p++) ports.push(`${p}/${proto}`);
  }
  if (ports.length === 0) throw changeError(change, 'EXPOSE needs at least one port');
  return ports;
}

function commandLine(rest: string): string[] {
  return jsonArray(rest) ?? ['/bin/sh', '-c', rest];
}

/** Applies one instruction to `config` (mutated) and returns it. */
export function applyChange(config: ContainerConfig, change: string): ContainerConfig {
  const trimmed = change.trim();
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (!m) throw changeError(change, 'empty instruction');
  const instruction = m[1].toUpperCase();
  const rest = (m[2] ?? '').trim();
  if (!(CHANGE_INSTRUCTIONS as readonly string[]).includes(instruction)) {
    throw changeError(change, `\`${m[1]}\` is not a valid change instruction`);
  }
  if (rest === '') throw changeError(change, `${instruction} needs an argument`);
  switch (instruction) {
    case 'CMD':
      config.Cmd = commandLine(rest);
      break;
    case 'ENTRYPOINT':
      config.Entrypoint = commandLine(rest);
      break;
    case 'ENV': {
      const env = [...(config.Env ?? [])];
      for (const [key, value] of keyValues('ENV', rest, change)) {
        const at = env.findIndex((e) => e.split('=')[0] === key);
        if (at >= 0) env[at] = `${key}=${value}`;
        else env.push(`${key}=${value}`);
      }
      config.Env = env;
      break;
    }
    case 'LABEL': {
      const labels = { ...(config.Labels ?? {}) };
      for (const [key, value] of keyValues('LABEL', rest, change)) labels[key] = value;
      config.Labels = labels;
      break;
    }
    case 'EXPOSE': {
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const port of exposedPorts(rest, change)) ports[port] = {};
      config.ExposedPorts = ports;
      break;
    }
    case 'VOLUME': {
      const paths = jsonArray(rest) ?? splitWords(rest).map(unquote);
      if (paths.length === 0 || paths.some((p) => p === '')) throw changeError(change, 'VOLUME needs non-empty paths');
      const volumes = { ...(config.Volumes ?? {}) };
      for (const p of paths) volumes[p] = {};
      config.Volumes = volumes;
      break;
    }
    case 'USER':
      config.User = unquote(rest);
      break;
    case 'WORKDIR': {
      const dir = unquote(rest);
      config.WorkingDir = path.posix.resolve('/', config.WorkingDir ?? '/', dir);
      break;
    }
    case 'STOPSIGNAL':
      config.StopSignal = unquote(rest);
      break;
  }
  return config;
}

/** The config after every change, in order, starting from `base` (not mutated). */
export function applyChanges(changes: readonly string[], base: ContainerConfig = {}): ContainerConfig {
  const config: ContainerConfig = JSON.parse(JSON.stringify(base)) as ContainerConfig;
  for (const change of changes) applyChange(config, change);
  return config;
}
