import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { InvalidContentError } from '../errors/kinds';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(data: Uint8Array | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return 'sha256:' + hash.digest('hex');
}

/** Throws unless `digest` is a sha256 digest berth can store (the only algorithm used in practice). */
export function assertDigest(digest: string): string {
  if (!DIGEST_RE.test(digest)) throw new InvalidContentError(`invalid digest \`${digest}\`: want sha256:<64 hex>`);
  return digest;
}

export function digestHex(digest: string): string {
  return assertDigest(digest).slice('sha256:'.length);
}

/** OCI chain ID of a layer on top of the chain `parent`: chain(L0) = diff(L0); chain(Ln) = sha256(chain(Ln-1) + " " + diff(Ln)). */
export function chainIdOf(parent: string | undefined, diffId: string): string {
  return parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`);
}

/** Chain IDs of a whole stack of layers, bottom first. */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) out.push(chainIdOf(out[out.length - 1], diffId));
  return out;
}
