/**
 * Content digests (`algorithm:hex`) as the registry protocol uses them:
 * checked for shape before use, and computed incrementally so blobs are
 * verified while they stream.
 */
import { createHash } from 'node:crypto';
import { InvalidContentError } from '../../errors';

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}

/** Splits a digest, throwing InvalidContentError for unsupported algorithms or malformed hex. */
export function parseDigest(digest: string): ParsedDigest {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = HEX_LENGTH[algorithm];
  if (colon < 0 || length === undefined) {
    throw new InvalidContentError(`parse digest \`${digest}\`: unsupported algorithm (sha256 or sha512 expected)`);
  }
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    throw new InvalidContentError(`parse digest \`${digest}\`: expected ${length} lower-case hex digits`);
  }
  return { algorithm: algorithm as ParsedDigest['algorithm'], hex };
}

export function isDigest(ref: string): boolean {
  return /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(ref);
}

/** The digest of `data` in `algorithm`. */
export function digestOf(data: Uint8Array, algorithm: ParsedDigest['algorithm'] = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}
