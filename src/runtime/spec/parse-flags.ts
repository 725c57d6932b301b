/**
 * Pure parsers for `run`/`create` flag values, with the docker CLI's and
 * daemon's error messages (docker/cli opts/, docker/go-units, moby's
 * daemon checks). Mount-like flags (-v, --mount, --tmpfs, --device) live in
 * parse-mounts.ts.
 */
import { UsageError } from '../../errors/kinds';
import { validateName } from '../names';
import { envKeyWithNul } from '../../image/image-config';

/** Flag errors end `run`/`create` with Docker's 125. */
export function flagError(message: string): UsageError {
  return new UsageError(message, { exitCode: 125 });
}

/** --name: Docker's rule and message; returns the name without a leading '/'. */
export const parseContainerName = validateName;

/** Go's strconv.ParseFloat for the decimal forms people type ("64", "1.5", ".5", "1e3"). */
function parseGoFloat(text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw flagError(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
  }
  return Number(text);
}

const BINARY_UNITS: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/**
 * go-units RAMInBytes: `64m`, `1.5g`, `512`, `10 MiB`, `1kb`; units are
 * binary and case-insensitive; `b` alone means bytes.
 */
export function parseMemoryBytes(text: string): number {
  let num: string;
  let suffix: string;
  const space = text.indexOf(' ');
  if (space >= 0) {
    num = text.slice(0, space);
    suffix = text.slice(space + 1);
  } else {
    let last = -1;
    for (let i = text.length - 1; i >= 0; i--) {
      if ('0123456789.'.includes(text[i])) {
        last = i;
        break;
      }
    }
    if (last === -1) throw flagError(`invalid size: '${text}'`);
    num = text.slice(0, last + 1);
    suffix = text.slice(last + 1);
  }
  const size = parseGoFloat(num);
  if (size < 0) throw flagError(`invalid size: '${text}'`);
  if (suffix === '') return Math.trunc(size);
  const badSuffix = (): UsageError => flagError(`invalid suffix: '${suffix.toLowerCase()}'`);
  if (suffix.length > 3) throw flagError(`invalid suffix: '${suffix}'`);
  const lower = suffix.toLowerCase();
  if (lower[0] === 'b') {
    if (lower.length > 1) throw badSuffix();
    return Math.trunc(size);
  }
  const unit = BINARY_UNITS[lower[0]];
  if (unit === undefined) throw badSuffix();
  if ((lower.length === 2 && lower[1] !== 'b') || (lower.length === 3 && lower.slice(1) !== 'ib')) throw badSuffix();
  return Math.trunc(size * unit);
}

/** --memory-swap: a size, or -1 for unlimited swap. */
export function parseMemorySwap(text: string): number {
  return text === '-1' ? -1 : parseMemoryBytes(text);
}

/** A rational number as Go's big.Rat SetString reads it: "1.5", "3/2", "2e-1", "-1". */
function parseRational(text: string): { num: bigint; den: bigint } | undefined {
  const fraction = /^([+-]?\d+)\/(\d+)$/.exec(text);
  if (fraction) {
    const den = BigInt(fraction[2]);
    return den === 0n ? undefined : { num: BigInt(fraction[1]), den };
  }
  const decimal = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!decimal || (decimal[2] === '' && (decimal[3] ?? '') === '')) return undefined;
  const [, sign, whole, frac = '', exp = '0'] = decimal;
  let num = BigInt(`${whole}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (e >= 0) num *= 10n ** BigInt(e);
  else den *= 10n ** BigInt(-e);
  return { num: sign === '-' ? -num : num, den };
}

/** --cpus: a decimal number of CPUs as nano-CPUs (1.5 -> 1500000000), exact like Docker's big.Rat. */
export function parseCpus(text: string): number {
  const value = parseRational(text);
  if (!value) throw flagError(`failed to parse ${text} as a rational number`);
  const scaled = value.num * 1_000_000_000n;
  if (scaled % value.den !== 0n) throw flagError('value is too precise');
  return Number(scaled / value.den);
}

/** Go's strconv.ParseInt(text, 10, 64) with its error text. */
export function parseGoInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw flagError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) {
    throw flagError(`strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`);
  }
  return Number(value);
}

/** The --ulimit names Docker accepts (go-units; `as` is left out on purpose, as Docker does). */
export const ULIMIT_NAMES = [
  'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice',
  'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack',
] as const;
export type UlimitName = (typeof ULIMIT_NAMES)[number];

/** A parsed --ulimit; -1 means unlimited. */
export interface Ulimit {
  name: UlimitName;
  soft: number;
  hard: number;
}

/** --ulimit `name=soft[:hard]` (hard defaults to soft). */
export function parseUlimit(text: string): Ulimit {
  const eq = text.indexOf('=');
  if (eq < 0) throw flagError(`invalid ulimit argument: ${text}`);
  const name = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (!(ULIMIT_NAMES as readonly string[]).includes(name)) throw flagError(`invalid ulimit type: ${name}`);
  const colon = value.indexOf(':');
  let hard: number | undefined;
  let softText = value;
  if (colon >= 0) {
    hard = parseGoInt(value.slice(colon + 1));
    softText = value.slice(0, colon);
  }
  const soft = parseGoInt(softText);
  hard ??= soft;
  if (hard !== -1) {
    if (soft === -1) {
      throw flagError(`ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), hard: ${hard}`);
    }
    if (soft > hard) throw flagError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  }
  return { name: name as UlimitName, soft, hard };
}

export type LookupEnv = (key: string) => string | undefined;

/** -e `K=V` as given; -e `K` takes K from the caller's environment, or stays `K` (which unsets K). */
export function parseEnvFlag(text: string, lookup: LookupEnv): string {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (key === '') throw flagError(`invalid environment variable: ${text}`);
  const nul = envKeyWithNul([text]);
  if (nul !== undefined) throw flagError(`invalid environment variable \`${nul}\`: it holds a NUL byte`);
  if (eq >= 0) return text;
  const value = lookup(key);
  return value === undefined ? text : `${key}=${value}`;
}

/**
 * The lines of an --env-file: `K=V` kept verbatim (no quotes removed, as
 * Docker does), `K` alone taken from the caller's environment or dropped,
 * blank lines and `#` comments skipped. A NUL byte is refused: no process
 * could be given such a variable.
 */
export function parseEnvFile(content: string, fileName: string, lookup: LookupEnv): string[] {
  const fail = (reason: string): UsageError => flagError(`--env-file: invalid env file (${fileName}): ${reason}`);
  const out: string[] = [];
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const nul = envKeyWithNul([line]);
    if (nul !== undefined) throw fail(`variable \`${nul}\` holds a NUL byte`);
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') throw fail(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw fail(`variable '${key}' contains whitespaces`);
    if (eq >= 0) {
      out.push(line);
      continue;
    }
    const value = lookup(line);
    if (value !== undefined) out.push(`${key}=${value}`);
  }
  return out;
}

/** -u `name|uid[:group|gid]`, split; resolution against the image's /etc/passwd is user.ts's job. */
export function parseUserFlag(text: string): { user: string; group?: string } {
  const colon = text.indexOf(':');
  if (colon < 0) return { user: text };
  return { user: text.slice(0, colon), group: text.slice(colon + 1) };
}

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  name: RestartPolicyName;
  maximumRetryCount: number;
}

/** --restart `no|always|unless-stopped|on-failure[:N]` with the CLI's and daemon's checks. */
export function parseRestartPolicy(text: string): RestartPolicy {
  if (text === '') return { name: 'no', maximumRetryCount: 0 };
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const count = colon < 0 ? '' : text.slice(colon + 1);
  if (colon >= 0 && name === '') throw flagError('invalid restart policy format: no policy provided before colon');
  let retries = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) {
      throw flagError('invalid restart policy format: maximum retry count must be an integer');
    }
    retries = Number(count);
  }
  switch (name) {
    case 'no':
    case 'always':
    case 'unless-stopped':
      if (retries !== 0) {
        throw flagError(
          "invalid restart policy: maximum retry count can only be used with 'on-failure'" +
            (retries < 0 ? ' and cannot be negative' : ''),
        );
      }
      return { name, maximumRetryCount: 0 };
    case 'on-failure':
      if (retries < 0) throw flagError('invalid restart policy: maximum retry count cannot be negative');
      return { name, maximumRetryCount: retries };
    default:
      throw flagError(
        `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

export interface SecurityOptions {
  /** Undefined when not given (the daemon default, off, applies). */
  noNewPrivileges?: boolean;
  /** `systempaths=unconfined`: no masked or read-only paths. */
  unconfinedSystemPaths: boolean;
}

function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/**
 * --security-opt values berth understands: no-new-privileges[=|:true|false],
 * systempaths=unconfined, and the no-op `seccomp=unconfined`,
 * `apparmor=unconfined`, `label=disable` (berth loads no profiles). Other
 * profiles are refused rather than silently ignored.
 */
export function parseSecurityOpts(values: readonly string[]): SecurityOptions {
  const result: SecurityOptions = { unconfinedSystemPaths: false };
  for (const opt of values) {
    if (opt === 'no-new-privileges') {
      result.noNewPrivileges = true;
      continue;
    }
    if (opt === 'systempaths=unconfined') {
      result.unconfinedSystemPaths = true;
      continue;
    }
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : undefined;
    const at = sep === undefined ? -1 : opt.indexOf(sep);
    const key = at < 0 ? opt : opt.slice(0, at);
    const value = at < 0 ? '' : opt.slice(at + 1);
    if (at < 0 || value === '') throw flagError(`invalid --security-opt: ${JSON.stringify(opt)}`);
    switch (key) {
      case 'no-new-privileges': {
        const flag = parseGoBool(value);
        if (flag === undefined) throw flagError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        result.noNewPrivileges = flag;
        break;
      }
      case 'seccomp':
      case 'apparmor':
        if (value !== 'unconfined') {
          throw flagError(`--security-opt ${JSON.stringify(opt)}: ${key} profiles are not supported by berth`);
        }
        break;
      case 'label':
        if (value !== 'disable') {
          throw flagError(`--security-opt ${JSON.stringify(opt)}: SELinux labels are not supported by berth`);
        }
        break;
      default:
        throw flagError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return result;
}
