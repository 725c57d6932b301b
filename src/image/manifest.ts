/**
 * Pure handling of manifest documents: which media types we ask a registry
 * for, parsing and validating a manifest or an index, and choosing the
 * manifest of one platform out of an index (Docker's and containerd's rules:
 * normalised names, arm variants that can run older ones, attestation
 * entries skipped).
 */
import * as os from 'node:os';
import { InvalidContentError, NotFoundError, UsageError } from '../errors';
import { INDEX_TYPES, MANIFEST_TYPES, MediaType, isIndexType, isManifestType } from './media-types';
import { Descriptor, ImageIndex, ImageManifest, Platform } from './oci-types';

/** Every manifest and index type berth can read, for the `Accept` header. */
export const ACCEPT_MANIFESTS: string[] = [
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.OciManifest,
  MediaType.DockerManifest,
];

const SCHEMA1_TYPES = [
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

export type ManifestDocument = { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The media type without parameters (`; charset=utf-8`), lower-cased. */
export function bareMediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Parses a manifest or index. `mediaType` is the Content-Type the registry
 * sent (or the descriptor's); when it is generic (application/json, empty)
 * the document's own `mediaType` field decides, then its shape.
 */
export function parseManifestDocument(body: Buffer, mediaType: string): ManifestDocument {
  const header = bareMediaType(mediaType);
  if (SCHEMA1_TYPES.includes(header)) throw schema1Error();
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new InvalidContentError(`parse manifest: invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isObject(doc)) throw new InvalidContentError('parse manifest: document is not a JSON object');
  if (doc.schemaVersion === 1) throw schema1Error();
  if (doc.schemaVersion !== 2) {
    throw new InvalidContentError(`parse manifest: unsupported schemaVersion \`${String(doc.schemaVersion)}\``);
  }
  if ('manifests' in doc && 'layers' in doc) {
    throw new InvalidContentError('parse manifest: document has both `manifests` and `layers`; it is neither a manifest nor an index');
  }
  const declared = typeof doc.mediaType === 'string' ? bareMediaType(doc.mediaType) : undefined;
  const specificHeader = isManifestType(header) || isIndexType(header);
  if (specificHeader && declared !== undefined && declared !== header) {
    throw new InvalidContentError(`parse manifest: media type \`${header}\` does not match the document's \`${declared}\``);
  }
  const type = specificHeader ? header : declared ?? inferType(doc);
  if (isIndexType(type)) return { kind: 'index', index: validateIndex(doc) };
  if (isManifestType(type)) return { kind: 'manifest', manifest: validateManifest(doc) };
  throw new InvalidContentError(`parse manifest: unsupported media type \`${type || header || 'none'}\``, {
    hint: `berth reads ${[...MANIFEST_TYPES, ...INDEX_TYPES].join(', ')}`,
  });
}

function schema1Error(): InvalidContentError {
  return new InvalidContentError('parse manifest: Docker image manifest schema 1 is not supported', {
    hint: 'schema 1 was deprecated in 2017; push the image again with a current Docker or build tool',
  });
}

function inferType(doc: Record<string, unknown>): string {
  if (Array.isArray(doc.manifests)) return MediaType.OciIndex;
  if (isObject(doc.config) && Array.isArray(doc.layers)) return MediaType.OciManifest;
  return '';
}

function validateManifest(doc: Record<string, unknown>): ImageManifest {
  if (!isObject(doc.config)) throw new InvalidContentError('parse manifest: missing `config` descriptor');
  if (!Array.isArray(doc.layers)) throw new InvalidContentError('parse manifest: missing `layers` array');
  validateDescriptor(doc.config, 'config');
  doc.layers.forEach((layer, i) => validateDescriptor(layer, `layers[${i}]`));
  return doc as unknown as ImageManifest;
}

function validateIndex(doc: Record<string, unknown>): ImageIndex {
  if (!Array.isArray(doc.manifests)) throw new InvalidContentError('parse index: missing `manifests` array');
  doc.manifests.forEach((entry, i) => validateDescriptor(entry, `manifests[${i}]`));
  return doc as unknown as ImageIndex;
}

/** Throws InvalidContentError unless `value` is a well-formed descriptor. */
export function validateDescriptor(value: unknown, where: string): asserts value is Descriptor {
  if (!isObject(value)) throw new InvalidContentError(`parse manifest: \`${where}\` is not a descriptor object`);
  if (typeof value.mediaType !== 'string' || value.mediaType === '') {
    throw new InvalidContentError(`parse manifest: \`${where}\` has no mediaType`);
  }
  if (typeof value.digest !== 'string' || !DIGEST_PATTERN.test(value.digest)) {
    throw new InvalidContentError(`parse manifest: \`${where}\` has an invalid digest \`${String(value.digest)}\``);
  }
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) {
    throw new InvalidContentError(`parse manifest: \`${where}\` has an invalid size \`${String(value.size)}\``);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- platforms

const KNOWN_OSES = ['linux', 'windows', 'darwin', 'freebsd', 'netbsd', 'openbsd', 'solaris', 'illumos', 'aix', 'plan9', 'js', 'wasip1'];

const ARCH_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
  x86: { architecture: '386' },
};

/** Canonical form: lower case, aliases resolved, default variants filled in (arm64 -> v8, arm -> v7). */
export function normalizePlatform(p: Platform): Platform {
  let osName = p.os.toLowerCase();
  if (osName === 'macos') osName = 'darwin';
  let architecture = p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  const alias = ARCH_ALIASES[architecture];
  if (alias) {
    architecture = alias.architecture;
    variant = variant ?? alias.variant;
  }
  if (variant && /^\d+$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'arm64' && (variant === undefined || variant === 'v8')) variant = 'v8';
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  const out: Platform = { os: osName, architecture };
  if (variant) out.variant = variant;
  return out;
}

/** `linux/amd64`, `linux/arm64/v8`, `amd64` (os linux), `linux` (host architecture). */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().split('/');
  if (parts.some((part) => part === '') || parts.length > 3) {
    throw new UsageError(`parse platform \`${s}\`: expected os/arch[/variant], e.g. linux/amd64`);
  }
  if (parts.length === 1) {
    const only = parts[0].toLowerCase();
    if (KNOWN_OSES.includes(only) || only === 'macos') {
      return normalizePlatform({ ...hostPlatform(), os: only });
    }
    return normalizePlatform({ os: 'linux', architecture: only });
  }
  return normalizePlatform({ os: parts[0], architecture: parts[1], variant: parts[2] });
}

/** The platform berth runs on, in OCI names. */
export function hostPlatform(): Platform {
  const osName = process.platform === 'win32' ? 'windows' : process.platform;
  const byNode: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: os.endianness() === 'LE' ? 'ppc64le' : 'ppc64',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
    mips: 'mips',
    mipsel: 'mipsle',
  };
  const architecture = byNode[process.arch] ?? process.arch;
  let variant: string | undefined;
  if (architecture === 'arm') {
    const armVersion = (process.config.variables as Record<string, unknown>).arm_version;
    if (armVersion !== undefined) variant = `v${String(armVersion)}`;
  }
  return normalizePlatform({ os: osName, architecture, variant });
}

/** `linux/arm64/v8` */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((part) => part).join('/');
}

/** Variants that can run on one another, oldest first: a v7 arm host runs v6 and v5 images. */
const VARIANT_LADDERS: Record<string, string[]> = {
  arm: ['v5', 'v6', 'v7', 'v8'],
  amd64: ['v1', 'v2', 'v3', 'v4'],
};

/**
 * How well an image of platform `have` fits `want`: undefined when it cannot
 * run there, else a rank where 0 is an exact match and higher is worse.
 */
function platformRank(have: Platform, want: Platform): number | undefined {
  if (have.os !== want.os || have.architecture !== want.architecture) return undefined;
  if (have.variant === want.variant) return 0;
  const ladder = VARIANT_LADDERS[want.architecture];
  if (!ladder) return undefined;
  const wantedStep = ladder.indexOf(want.variant ?? ladder[0]);
  const haveStep = ladder.indexOf(have.variant ?? ladder[0]);
  if (wantedStep < 0 || haveStep < 0 || haveStep > wantedStep) return undefined;
  return wantedStep - haveStep;
}

/** Entries that are not runnable images: buildkit attestations, unknown platforms. */
function isAttestation(entry: Descriptor): boolean {
  if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return entry.platform?.os === 'unknown' || entry.platform?.architecture === 'unknown';
}

/** The index entry that runs best on `wanted` (first in document order among equals). */
export function selectPlatform(index: ImageIndex, wanted: Platform): Descriptor {
  const want = normalizePlatform(wanted);
  let best: Descriptor | undefined;
  let bestRank = Infinity;
  for (const entry of index.manifests) {
    if (!entry.platform || isAttestation(entry)) continue;
    if (entry.mediaType && isIndexType(entry.mediaType)) continue;
    const rank = platformRank(normalizePlatform(entry.platform), want);
    if (rank !== undefined && rank < bestRank) {
      best = entry;
      bestRank = rank;
    }
  }
  if (!best) {
    throw new NotFoundError(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`, {
      hint: `available: ${availablePlatforms(index) || 'none'}; choose one with --platform`,
    });
  }
  return best;
}

function availablePlatforms(index: ImageIndex): string {
  return index.manifests
    .filter((entry) => entry.platform && !isAttestation(entry))
    .map((entry) => formatPlatform(normalizePlatform(entry.platform as Platform)))
    .join(', ');
}
