/**
 * Pushing one blob (distribution spec "push"): `POST .../blobs/uploads/`
 * opens an upload session, then either one `PUT ?digest=` carries the whole
 * file (monolithic, the default) or `PATCH` requests carry it in chunks with
 * `Content-Range` and a final empty `PUT ?digest=` closes it. Each answer's
 * `Location` is where the next request goes. The registry verifies the digest.
 */
import * as fs from 'node:fs';
import { DigestMismatchError, RegistryError } from '../../errors';
import { responseFailure, SendRegistryRequest } from './request';
import { discard, headerValue, HttpResponse } from './transport';
import { repositoryScope } from './token';

export interface BlobUpload {
  repo: string;
  desc: { digest: string; size: number };
  file: string;
  /** `host/repo`, for messages. */
  name: string;
  /** Bytes per PATCH; undefined for one monolithic PUT. */
  chunkSize?: number;
}

export async function uploadBlob(send: SendRegistryRequest, job: BlobUpload): Promise<void> {
  const action = `push blob \`${job.desc.digest}\` to \`${job.name}\``;
  const scopes = [repositoryScope(job.repo, ['pull', 'push'])];
  const stat = await fs.promises.stat(job.file);
  if (stat.size !== job.desc.size) {
    throw new DigestMismatchError(`${action}: file \`${job.file}\` has ${stat.size} bytes, the descriptor says ${job.desc.size}`);
  }
  if (job.chunkSize !== undefined && (!Number.isSafeInteger(job.chunkSize) || job.chunkSize <= 0)) {
    throw new RangeError(`chunkSize must be a positive integer, got ${job.chunkSize}`);
  }
  const started = await send({ action, method: 'POST', path: `/v2/${job.repo}/blobs/uploads/`, scopes, body: Buffer.alloc(0) });
  if (started.status !== 202) throw await responseFailure(started, action, { kind: 'push' });
  let location = nextLocation(started, action);
  discard(started);

  if (job.chunkSize !== undefined) {
    for (let offset = 0; offset < job.desc.size; offset += job.chunkSize) {
      const end = Math.min(offset + job.chunkSize, job.desc.size); // exclusive
      const res = await send({
        action,
        method: 'PATCH',
        url: location,
        scopes,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(end - offset),
          'content-range': `${offset}-${end - 1}`,
        },
        body: () => fs.createReadStream(job.file, { start: offset, end: end - 1 }),
      });
      if (res.status !== 202) throw await responseFailure(res, action, { kind: 'push' });
      checkReceived(res, end, action);
      location = nextLocation(res, action);
      discard(res);
    }
  }

  const finish = new URL(location);
  finish.searchParams.append('digest', job.desc.digest);
  const monolithic = job.chunkSize === undefined;
  const res = await send({
    action,
    method: 'PUT',
    url: finish,
    scopes,
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(monolithic ? job.desc.size : 0),
    },
    body: monolithic ? () => fs.createReadStream(job.file) : Buffer.alloc(0),
  });
  if (res.status !== 201) throw await responseFailure(res, action, { kind: 'push' });
  const stored = headerValue(res, 'docker-content-digest');
  discard(res);
  if (stored && stored !== job.desc.digest) {
    throw new DigestMismatchError(`${action}: registry stored it as \`${stored}\``);
  }
}

/** The upload session's next URL, relative to the answer it came in. */
function nextLocation(res: HttpResponse, action: string): URL {
  const location = headerValue(res, 'location');
  if (!location) {
    discard(res);
    throw new RegistryError(`${action}: registry answered ${res.status} without a Location header`, { status: res.status });
  }
  return new URL(location, res.url);
}

/** The registry's `Range: 0-N` must say it has every byte sent so far. */
function checkReceived(res: HttpResponse, end: number, action: string): void {
  const range = headerValue(res, 'range');
  if (range === undefined) return;
  const match = /^(?:bytes=)?0-(\d+)$/.exec(range.trim());
  if (match && Number(match[1]) + 1 !== end) {
    discard(res);
    throw new RegistryError(`${action}: registry holds bytes \`${range}\` after receiving ${end}`, { status: res.status });
  }
}
