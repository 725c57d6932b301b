/**
 * Image references, parsed exactly as Docker parses them (the grammar of
 * github.com/distribution/reference, plus Docker Hub normalisation).
 *
 *   reference          := name [ ":" tag ] [ "@" digest ]
 *   name               := [domain '/'] remote-name
 *   domain             := host [':' port-number]
 *   host               := domain-name | IPv4address | '[' IPv6address ']'
 *   domain-name        := domain-component ['.' domain-component]*
 *   domain-component   := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   IPv6address        := /[a-fA-F0-9:]+/          (no zone, no IPv4-mapped form)
 *   port-number        := /[0-9]+/
 *   remote-name        := path-component ['/' path-component]*
 *   path-component     := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric      := /[a-z0-9]+/
 *   separator          := /[_.]|__|[-]+/           (one '.', one or two '_', any '-'s)
 *   tag                := /[\w][\w.-]{0,127}/
 *   digest             := digest-algorithm ":" digest-hex
 *   digest-algorithm   := component [ /[-_+.]/ component ]*
 *   component          := /[A-Za-z][A-Za-z0-9]{0,}/
 *   digest-hex         := /[0-9a-fA-F]{32,}/       (then checked per algorithm:
 *                                                   sha256 = 64, sha384 = 96,
 *                                                   sha512 = 128 lower-case hex)
 *   identifier         := /[a-f0-9]{64}/           (an image id, never a name)
 *
 * The whole name (domain included) is at most 255 characters. The optional
 * domain is matched greedily, so the strict parse of `foo/bar` has domain
 * `foo`; only normalisation decides that `foo` is a Docker Hub namespace.
 */
import { InvalidReferenceError } from '../errors';

export interface ImageReference {
  /** 'docker.io', '127.0.0.1:5000', 'localhost', 'quay.io'; '' when a strict parse found none. */
  domain: string;
  /** 'library/busybox', 'docker/whalesay', 'ns/repo'. */
  path: string;
  /** 'latest' after normalisation when neither tag nor digest was given. */
  tag?: string;
  /** 'sha256:<64 hex>'. */
  digest?: string;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const LOCALHOST = 'localhost';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const NAME_TOTAL_LENGTH_MAX = 255;

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(
  `^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const IMAGE_ID_PREFIX_RE = /^(?:sha256:)?[a-f0-9]{12,64}$/;

/** Hex length of each digest algorithm Docker can verify (go-digest's registry). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(input: string, reason?: string): InvalidReferenceError {
  const what = reason ? `${reason}: \`${input}\`` : `\`${input}\``;
  return new InvalidReferenceError(`invalid reference format: ${what}`);
}

/** Why a digest is unusable (go-digest's wording), or undefined when it is fine. */
function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon === digest.length - 1) return 'invalid checksum digest format';
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    return DIGEST_RE.test(digest)
      ? 'unsupported digest algorithm'
      : 'invalid checksum digest format';
  }
  if (hex.length !== length) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(hex)) return 'invalid checksum digest format';
  return undefined;
}

/** True for a digest Docker would accept: `sha256:` and 64 lower-case hex digits (or sha384/sha512). */
export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s) && digestProblem(s) === undefined;
}

/** True for a full or abbreviated image id (12 to 64 hex digits, optionally `sha256:`-prefixed). */
export function looksLikeImageId(s: string): boolean {
  return IMAGE_ID_PREFIX_RE.test(s);
}

/** Docker's reference.Parse: the grammar above, no defaults applied. */
export function parseReference(input: string): ImageReference {
  return parseStrict(input, input);
}

/** The strict parse; `shown` is the spelling that error messages quote. */
function parseStrict(input: string, shown: string): ImageReference {
  if (shown === '') {
    throw new InvalidReferenceError('invalid reference format: repository name must have at least one component');
  }
  const match = REFERENCE_RE.exec(input);
  if (!match) {
    const lowered = REFERENCE_RE.exec(input.toLowerCase());
    if (lowered) {
      const name = input.slice(0, lowered[1].length);
      throw new InvalidReferenceError(`invalid reference format: repository name (${name}) must be lowercase`);
    }
    throw invalid(shown);
  }
  const [, name, tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(shown, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem) throw invalid(shown, problem);
  }
  const parts = NAME_RE.exec(name);
  const ref: ImageReference = { domain: parts?.[1] ?? '', path: parts?.[2] ?? name };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/**
 * Split a familiar name into domain and remainder as Docker does: the first
 * component is a domain when it is `localhost`, contains `.` or `:`, or has
 * upper-case letters (namespaces cannot); otherwise the name lives on Docker
 * Hub, where single-component names are official images under `library/`.
 */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash === -1) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === LOCALHOST || /[.:]/.test(first) || first.toLowerCase() !== first) {
    [domain, remainder] = [first, rest];
  } else if (first === LEGACY_DEFAULT_DOMAIN) {
    [domain, remainder] = [DEFAULT_DOMAIN, rest];
  } else {
    [domain, remainder] = [DEFAULT_DOMAIN, name];
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}

/**
 * Docker's ParseNormalizedNamed followed by TagNameOnly:
 * `busybox` -> docker.io/library/busybox:latest. A reference with a digest
 * gets no default tag; one with both tag and digest keeps both.
 */
export function normalizeReference(input: string): ImageReference {
  if (IDENTIFIER_RE.test(input)) {
    throw new InvalidReferenceError(
      `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
      { hint: 'use the image id directly, or a name such as `repo:tag`' },
    );
  }
  const [domain, remainder] = splitDockerDomain(input);
  const colon = remainder.indexOf(':');
  const remote = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remote.toLowerCase() !== remote) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  // Errors quote the user's spelling, not the expanded docker.io/library/ form.
  const ref = parseStrict(`${domain}/${remainder}`, input);
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = DEFAULT_TAG;
  return ref;
}

/** The repository part of a reference: 'docker.io/library/busybox'. */
export function repositoryName(ref: ImageReference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

function withTagAndDigest(name: string, ref: ImageReference): string {
  let out = name;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Full canonical form: 'docker.io/library/busybox:latest' or '...@sha256:...'. */
export function formatReference(ref: ImageReference): string {
  return withTagAndDigest(repositoryName(ref), ref);
}

/** Docker's FamiliarName: docker.io and an official image's `library/` are dropped. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** Docker's FamiliarString: 'busybox:latest', 'user/repo@sha256:...'. */
export function familiarString(ref: ImageReference): string {
  return withTagAndDigest(familiarName(ref), ref);
}

/** The host that serves the registry API for a reference domain. */
export function registryHost(domain: string): string {
  return domain === DEFAULT_DOMAIN || domain === LEGACY_DEFAULT_DOMAIN ? DOCKER_HUB_API_HOST : domain;
}

/** Host part of a domain, without port and brackets: '[::1]:5000' -> '::1'. */
function hostOf(domain: string): string {
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    return close === -1 ? domain : domain.slice(1, close);
  }
  const colons = domain.split(':').length - 1;
  if (colons === 1) return domain.slice(0, domain.indexOf(':'));
  return domain; // bare IPv6 (several colons) or no port
}

/** a.b.c.d with decimal octets, no leading zeros (as Go's net.ParseIP). */
function isDottedQuad(s: string): boolean {
  const octets = s.split('.');
  return octets.length === 4 && octets.every((o) => /^(?:0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
}

/** Expand an IPv6 address to its eight 16-bit groups, or undefined if malformed. */
function ipv6Groups(host: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(host)) return undefined;
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!isDottedQuad(piece)) return undefined;
        const o = piece.split('.').map(Number);
        groups.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        groups.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  if (head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * True when the registry is on this machine: `localhost`, 127.0.0.0/8 or
 * ::1 (also IPv4-mapped 127.x), with or without a port. Docker talks plain
 * HTTP to these without `insecure-registries` configuration; berth does the
 * same. No name is resolved.
 */
export function isLoopbackRegistry(domain: string): boolean {
  const host = hostOf(domain);
  if (host.toLowerCase() === LOCALHOST) return true;
  if (isDottedQuad(host)) return host.startsWith('127.');
  const groups = ipv6Groups(host);
  if (!groups) return false;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  return mapped && groups[6] >> 8 === 127;
}
