/**
 * Downloading one blob to a file, verified while it streams: every byte is
 * counted against the descriptor's size and fed to a running hash as it is
 * written. A broken connection is retried (with backoff) from where it
 * stopped, with a `Range` request, keeping the hash; a registry that ignores
 * the range and sends the whole blob again restarts the file and the hash.
 * Content that does not match is deleted, never left for someone to trust.
 * A consumer may also take the bytes as they arrive (`onChunk`, awaited, so
 * it sets the pace): the pull unpacks a layer while it downloads.
 */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DigestMismatchError, NotFoundError, RegistryError, isBerthError } from '../../errors';
import { parseDigest, ParsedDigest } from './digest';
import { StreamHash } from '../stream-hash';
import { networkError } from './errors';
import { isRetryable, RegistryRequest, responseFailure, SendRegistryRequest } from './request';
import { discard, headerValue, HttpResponse } from './transport';
import { repositoryScope } from './token';

export interface BlobDownload {
  repo: string;
  desc: { digest: string; size: number };
  destFile: string;
  /** `host/repo`, for messages. */
  name: string;
  host: string;
  onProgress?: (bytesDone: number) => void;
  /**
   * Each chunk once written to `destFile`, with its offset in the blob; the
   * download waits for the returned promise. Offsets run on without a gap
   * across resumed connections; a registry that ignores the range starts
   * again at 0. Not yet verified: the digest is known only at the end. Must
   * not throw.
   */
  onChunk?: (chunk: Buffer, offset: number) => Promise<void> | void;
  maxTries: number;
  retryDelayMs: number;
}

/** The connection ended before the whole blob arrived: worth resuming. */
class ShortReadError extends Error {
  readonly code = 'ECONNABORTED';
}

export async function downloadBlob(send: SendRegistryRequest, job: BlobDownload): Promise<void> {
  const { algorithm } = parseDigest(job.desc.digest);
  const action = `fetch blob \`${job.desc.digest}\` from \`${job.name}\``;
  const file = await fs.promises.open(job.destFile, 'w');
  const state: DownloadState = { written: 0, hasher: new StreamHash(algorithm) };
  let done = false;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await fetchOnce(send, job, action, file, state, algorithm);
        break;
      } catch (err) {
        if (!isRetryable(err) || attempt >= job.maxTries) {
          throw isBerthError(err) ? err : networkError(action, job.host, err);
        }
        await sleep(job.retryDelayMs * 2 ** (attempt - 1));
      }
    }
    const actual = await state.hasher.digest();
    if (actual !== job.desc.digest) {
      throw new DigestMismatchError(`${action}: digest mismatch: content hashes to \`${actual}\``);
    }
    done = true;
  } finally {
    state.hasher.dispose();
    await file.close();
    if (!done) await fs.promises.rm(job.destFile, { force: true });
  }
}

type DownloadState = { written: number; hasher: StreamHash };

async function fetchOnce(
  send: SendRegistryRequest,
  job: BlobDownload,
  action: string,
  file: fs.promises.FileHandle,
  state: DownloadState,
  algorithm: ParsedDigest['algorithm'],
): Promise<void> {
  const size = job.desc.size;
  const req: RegistryRequest = {
    action,
    method: 'GET',
    path: `/v2/${job.repo}/blobs/${job.desc.digest}`,
    scopes: [repositoryScope(job.repo, ['pull'])],
    followRedirects: true,
    headers: state.written > 0 ? { range: `bytes=${state.written}-` } : {},
  };
  const res = await send(req);
  if (res.status === 404) {
    discard(res);
    throw new NotFoundError(`${action}: blob unknown to registry`);
  }
  const resumed = res.status === 206 && rangeStart(res) === state.written;
  if (res.status !== 200 && !resumed) {
    if (res.status === 206) discard(res);
    throw res.status === 206
      ? new RegistryError(`${action}: registry answered range \`${headerValue(res, 'content-range')}\` for offset ${state.written}`, { status: 502 })
      : await responseFailure(res, action, { kind: 'pull', name: job.name });
  }
  if (!resumed && state.written > 0) {
    // The whole blob again: start the file and the hash over.
    await file.truncate(0);
    state.written = 0;
    state.hasher.dispose();
    state.hasher = new StreamHash(algorithm);
  }
  const announced = headerValue(res, 'content-length');
  if (announced !== undefined && Number(announced) !== size - state.written) {
    discard(res);
    throw sizeMismatch(action, size, state.written + Number(announced));
  }
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (state.written + chunk.length > size) {
      res.body.destroy();
      throw sizeMismatch(action, size, state.written + chunk.length);
    }
    await file.write(chunk, 0, chunk.length, state.written);
    state.hasher.update(chunk);
    if (job.onChunk) await job.onChunk(chunk, state.written);
    state.written += chunk.length;
    job.onProgress?.(state.written);
  }
  if (state.written < size) throw new ShortReadError(`connection closed after ${state.written} of ${size} bytes`);
}

function sizeMismatch(action: string, expected: number, got: number): DigestMismatchError {
  return new DigestMismatchError(`${action}: size mismatch: expected ${expected} bytes, registry sends at least ${got}`);
}

/** The first byte of a 206 answer (`Content-Range: bytes 100-199/200`). */
function rangeStart(res: HttpResponse): number | undefined {
  const match = /^bytes (\d+)-/.exec(headerValue(res, 'content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}
