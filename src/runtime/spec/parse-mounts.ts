/**
 * Parsers for the flags that put something at a path in the container:
 * -v/--volume, --mount and --tmpfs (--device: parse-device.ts), with the messages of the
 * docker CLI (opts/mount.go, container/opts.go) and of moby's Linux mount
 * parser (daemon/volume/mounts/linux_parser.go).
 *
 *   -v      [SOURCE:]TARGET[:MODE]    SOURCE absolute = bind, a name = named volume, none = anonymous volume
 *           MODE = comma list of at most one each of: ro|rw, z|Z, [r]private|[r]shared|[r]slave, nocopy,
 *                  consistent|cached|delegated
 *   --mount type=bind|volume|tmpfs,source=..,target=..,readonly,bind-propagation=..,tmpfs-size=..,...
 *   --tmpfs TARGET[:OPTIONS]
 */
import * as path from 'node:path';
import { flagError, parseMemoryBytes } from './parse-flags';

export type Propagation = 'private' | 'rprivate' | 'shared' | 'rshared' | 'slave' | 'rslave';
const PROPAGATIONS: readonly string[] = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

/** A -v or --mount request before the caller resolves named volumes to host paths. */
export interface MountRequest {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path for binds, volume name for named volumes, '' for anonymous volumes and tmpfs. */
  source: string;
  target: string;
  readonly: boolean;
  /** Binds only; Docker's default is rprivate. */
  propagation?: Propagation;
  /** Binds: bind-recursive=disabled (plain MS_BIND). */
  nonRecursive?: boolean;
  /** Binds: create the source directory when missing (-v does, --mount does only with bind-create-src). */
  createSource?: boolean;
  /** Volumes: do not copy the image's content into a new volume. */
  noCopy?: boolean;
  /** tmpfs: size in bytes and octal mode, as --mount tmpfs-size/tmpfs-mode give them. */
  tmpfsSize?: number;
  tmpfsMode?: number;
}

function validateTarget(target: string, fail: (reason: string) => Error): string {
  if (target === '') throw fail('field Target must not be empty');
  const clean = path.posix.normalize(target.replace(/\\/g, '/'));
  if (clean === '/' || clean === '//') throw fail("invalid specification: destination can't be '/'");
  if (!path.posix.isAbsolute(target.replace(/\\/g, '/'))) {
    throw fail(`invalid mount path: '${target}' mount path must be absolute`);
  }
  return cleanPath(target);
}

/** Go's path.Clean for absolute paths. */
export function cleanPath(p: string): string {
  const normal = path.posix.normalize(p);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

const MODE_GROUPS: readonly (readonly string[])[] = [
  ['ro', 'rw'],
  ['z', 'Z'],
  PROPAGATIONS,
  ['nocopy'],
  ['consistent', 'cached', 'delegated', 'default'],
];

function validVolumeMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = MODE_GROUPS.map(() => 0);
  for (const option of mode.split(',')) {
    const group = MODE_GROUPS.findIndex((values) => values.includes(option));
    if (group < 0) return false;
    counts[group]++;
  }
  return counts.every((n) => n <= 1);
}

/** Why `name` cannot name a local volume (moby daemon/volume/local), or undefined when it can. */
export function volumeNameProblem(name: string): string | undefined {
  if (name.length < 2) return 'volume name is too short, names should be at least two alphanumeric characters';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
    return (
      `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. ` +
      'If you intended to pass a host directory, use absolute path'
    );
  }
  return undefined;
}

function validateVolumeName(name: string): void {
  const problem = volumeNameProblem(name);
  if (problem !== undefined) throw flagError(problem);
}

/**
 * -v `[SOURCE:]TARGET[:MODE]`. A relative SOURCE starting with '.' is made
 * absolute against `cwd` (the CLI does so), any other non-absolute SOURCE
 * is a volume name.
 */
export function parseVolumeFlag(spec: string, cwd: string): MountRequest {
  const invalid = (): Error => flagError(`invalid volume specification: '${spec}'`);
  const parts = splitN(spec, ':', 4);
  if (parts[0] === '') throw invalid();
  let source = '';
  let target: string;
  let mode = '';
  switch (parts.length) {
    case 1:
      target = parts[0];
      break;
    case 2:
      // `/foo:rw` is a target plus a mode, which an anonymous volume cannot take.
      if (validVolumeMode(parts[1])) throw invalid();
      [source, target] = parts;
      break;
    case 3:
      [source, target, mode] = parts;
      break;
    default:
      throw invalid();
  }
  if (!validVolumeMode(mode)) throw flagError(`invalid mode: ${mode}`);
  if (!path.posix.isAbsolute(source) && source.startsWith('.')) source = path.posix.resolve(cwd, source);
  const options = mode === '' ? [] : mode.split(',');
  const type = path.posix.isAbsolute(source) ? 'bind' : 'volume';
  const fail = (reason: string): Error =>
    flagError(`invalid volume specification: '${spec}': invalid mount config for type "${type}": ${reason}`);
  const propagation = options.find((o) => PROPAGATIONS.includes(o)) as Propagation | undefined;
  if (type === 'bind' && options.includes('nocopy')) throw fail('field VolumeOptions must not be specified');
  if (type === 'volume' && propagation !== undefined) throw fail('field BindOptions must not be specified');
  const cleanTarget = validateTarget(target, fail);
  const readonly = options.includes('ro');
  if (type === 'bind') {
    return {
      type,
      source: cleanPath(source),
      target: cleanTarget,
      readonly,
      propagation: propagation ?? 'rprivate',
      createSource: true,
    };
  }
  if (source !== '') validateVolumeName(source);
  const request: MountRequest = { type, source, target: cleanTarget, readonly };
  if (options.includes('nocopy')) request.noCopy = true;
  return request;
}

function splitN(text: string, sep: string, n: number): string[] {
  const parts = text.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** One CSV record as Go's encoding/csv reads it (fields may be double-quoted, "" is a quote). */
function splitCsv(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw flagError('parse error on line 1: extraneous or missing " in quoted-field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',') {
        throw flagError('parse error on line 1: extraneous or missing " in quoted-field');
      }
    } else {
      const comma = text.indexOf(',', i);
      field = text.slice(i, comma < 0 ? text.length : comma);
      if (field.includes('"')) throw flagError('parse error on line 1: bare " in non-quoted-field');
      i = comma < 0 ? text.length : comma;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

function parseBoolValue(key: string, value: string, hasValue: boolean): boolean {
  if (!hasValue) return true;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw flagError(
    `invalid value for '${key}': invalid boolean value (${JSON.stringify(value)}): ` +
      'must be one of "true", "1", "false", or "0" (default "true")',
  );
}

const KEYS_WITHOUT_VALUE = ['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive', 'bind-create-src'];

/** --mount `key=value,...` (type defaults to volume), with the CLI's and daemon's checks. */
export function parseMountFlag(text: string, cwd: string): MountRequest {
  const value = text.trim();
  if (value === '') throw flagError('value is empty');
  let type = 'volume';
  let source = '';
  let target = '';
  let readonly = false;
  const bind: Partial<MountRequest> = {};
  const volume: Partial<MountRequest> = {};
  const tmpfs: Partial<MountRequest> = {};
  let usedBind = false;
  let usedVolume = false;
  let usedTmpfs = false;
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const hasValue = eq >= 0;
    let key = hasValue ? field.slice(0, eq) : field;
    const val = hasValue ? field.slice(eq + 1) : '';
    if (key.trim() !== key) {
      throw flagError(`invalid option '${key.trim()}' in '${field}': option should not have whitespace`);
    }
    if (hasValue) {
      if (val.trim() === '') throw flagError(`invalid value for '${key}': value is empty`);
      if (val.trim() !== val) throw flagError(`invalid value for '${key}' in '${field}': value should not have whitespace`);
    }
    key = key.toLowerCase();
    if (!hasValue && !KEYS_WITHOUT_VALUE.includes(key)) {
      throw flagError(`invalid field '${field}' must be a key=value pair`);
    }
    switch (key) {
      case 'type':
        type = val.toLowerCase();
        break;
      case 'source':
      case 'src':
        source = !path.posix.isAbsolute(val) && val.startsWith('.') ? path.posix.resolve(cwd, val) : val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        target = val;
        break;
      case 'readonly':
      case 'ro':
        readonly = parseBoolValue(key, val, hasValue);
        break;
      case 'consistency':
        break;
      case 'bind-propagation':
        usedBind = true;
        bind.propagation = val.toLowerCase() as Propagation;
        break;
      case 'bind-nonrecursive':
        throw flagError('bind-nonrecursive is deprecated, use bind-recursive=disabled instead');
      case 'bind-recursive':
        usedBind = true;
        if (val === 'disabled') bind.nonRecursive = true;
        else if (val !== 'enabled' && val !== 'writable' && val !== 'readonly') {
          throw flagError(`invalid value for ${key}: ${val} (must be "enabled", "disabled", "writable", or "readonly")`);
        }
        break;
      case 'bind-create-src':
        usedBind = true;
        bind.createSource = parseBoolValue(key, val, hasValue);
        break;
      case 'volume-nocopy':
        usedVolume = true;
        volume.noCopy = parseBoolValue(key, val, hasValue);
        break;
      case 'volume-driver':
      case 'volume-opt':
      case 'volume-label':
      case 'volume-subpath':
        throw flagError(`--mount option '${key}' is not supported by berth`);
      case 'tmpfs-size': {
        usedTmpfs = true;
        try {
          tmpfs.tmpfsSize = parseMemoryBytes(val);
        } catch {
          throw flagError(`invalid value for ${key}: ${val}`);
        }
        break;
      }
      case 'tmpfs-mode':
        usedTmpfs = true;
        if (!/^[0-7]+$/.test(val) || parseInt(val, 8) > 0xffffffff) throw flagError(`invalid value for ${key}: ${val}`);
        tmpfs.tmpfsMode = parseInt(val, 8);
        break;
      default:
        throw flagError(`unknown option '${key}' in '${field}'`);
    }
  }
  const mixes: [boolean, string, string][] = [
    [usedBind, 'bind', 'bind-*'],
    [usedVolume, 'volume', 'volume-*'],
    [usedTmpfs, 'tmpfs', 'tmpfs-*'],
  ];
  for (const [used, owner, options] of mixes) {
    if (used && type !== owner) throw flagError(`cannot mix '${options}' options with mount type '${type}'`);
  }
  const fail = (reason: string): Error => flagError(`invalid mount config for type ${JSON.stringify(type)}: ${reason}`);
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') throw fail('mount type unknown');
  const cleanTarget = validateTarget(target, fail);
  if (type === 'bind') {
    if (source === '') throw fail('field Source must not be empty');
    if (bind.propagation !== undefined && !PROPAGATIONS.includes(bind.propagation)) {
      throw fail(`invalid propagation mode: ${bind.propagation}`);
    }
    if (!path.posix.isAbsolute(source)) throw fail(`invalid mount path: '${source}' mount path must be absolute`);
    return {
      type,
      source: cleanPath(source),
      target: cleanTarget,
      readonly,
      propagation: bind.propagation ?? 'rprivate',
      ...(bind.nonRecursive ? { nonRecursive: true } : {}),
      createSource: bind.createSource ?? false,
    };
  }
  if (type === 'tmpfs') {
    if (source !== '') throw fail('field Source must not be specified');
    return { type, source: '', target: cleanTarget, readonly, ...tmpfs };
  }
  if (source !== '') validateVolumeName(source);
  return { type, source, target: cleanTarget, readonly, ...(volume.noCopy ? { noCopy: true } : {}) };
}

/** mount(8) option names moby's MergeTmpfsOptions knows; those sharing a flag override each other. */
const TMPFS_FLAG_KEYS: Record<string, string> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'nosuid', nosuid: 'nosuid', dev: 'nodev', nodev: 'nodev',
  exec: 'noexec', noexec: 'noexec', sync: 'sync', async: 'sync', dirsync: 'dirsync', remount: 'remount',
  mand: 'mand', nomand: 'mand', atime: 'noatime', noatime: 'noatime', diratime: 'nodiratime',
  nodiratime: 'nodiratime', relatime: 'relatime', norelatime: 'relatime', strictatime: 'strictatime',
  nostrictatime: 'strictatime',
};
const TMPFS_DATA_KEYS = ['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol'];

/**
 * The options of a tmpfs mount: Docker's defaults (noexec,nosuid,nodev,
 * rprivate) then the user's, merged so the last of each kind wins.
 */
export function tmpfsMountOptions(userOptions: readonly string[]): string[] {
  const options = ['noexec', 'nosuid', 'nodev', 'rprivate', ...userOptions];
  const seen = new Set<string>();
  const merged: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const option = options[i];
    if (option === 'defaults') continue;
    let key: string;
    if (PROPAGATIONS.includes(option) || ['bind', 'rbind', 'unbindable', 'runbindable'].includes(option)) {
      key = 'propagation';
    } else if (TMPFS_FLAG_KEYS[option] !== undefined) {
      key = TMPFS_FLAG_KEYS[option];
    } else {
      const name = option.split('=')[0];
      if (!option.includes('=') || !TMPFS_DATA_KEYS.includes(name)) {
        throw flagError(`invalid tmpfs option ${JSON.stringify(name)}`);
      }
      key = `data:${name}`;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    merged.unshift(option);
  }
  return merged;
}

export interface TmpfsRequest {
  target: string;
  /** Merged mount options, ready for the spec. */
  options: string[];
}

/** --tmpfs `TARGET[:OPTIONS]`. */
export function parseTmpfsFlag(text: string): TmpfsRequest {
  const colon = text.indexOf(':');
  const target = colon < 0 ? text : text.slice(0, colon);
  const data = colon < 0 ? '' : text.slice(colon + 1);
  const cleanTarget = validateTarget(target, (reason) => flagError(reason));
  return { target: cleanTarget, options: tmpfsMountOptions(data === '' ? [] : data.split(',')) };
}

/** Options of a --mount type=tmpfs (moby ConvertTmpfsOptions, then the tmpfs defaults). */
export function tmpfsRequestOptions(request: MountRequest): string[] {
  const raw: string[] = [];
  if (request.readonly) raw.push('ro');
  if (request.tmpfsMode) raw.push(`mode=${request.tmpfsMode.toString(8)}`);
  if (request.tmpfsSize) raw.push(`size=${tmpfsSizeText(request.tmpfsSize)}`);
  return tmpfsMountOptions(raw);
}

/** Largest unit that divides the size evenly, as moby writes it: 64m, 1g, 1000. */
function tmpfsSizeText(size: number): string {
  for (const [unit, bytes] of [['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const) {
    if (size % bytes === 0) return `${size / bytes}${unit}`;
  }
  return String(size);
}
