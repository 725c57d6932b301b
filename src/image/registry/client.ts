/**
 * A client for one registry host speaking the distribution (v2) API: pings
 * it to learn its scheme and how it authenticates, then fetches and pushes
 * manifests and blobs for repositories on it. It takes a host and
 * repository paths as they are on the wire (`library/busybox`); parsing
 * user references is reference.ts's job.
 *
 * Scheme: https always first; for insecure hosts (loopback or
 * --insecure-registry), a TLS or connection failure falls back to plain
 * http once, and the choice is kept for the client's life.
 */
import { DigestMismatchError, InvalidContentError, NotFoundError } from '../../errors';
import { ACCEPT_MANIFESTS, bareMediaType } from '../manifest';
import { isIndexType, isManifestType } from '../media-types';
import { Authenticator } from './auth';
import { BlobDownload, downloadBlob } from './blob-download';
import { uploadBlob } from './blob-upload';
import type { Credential } from './credentials';
import { digestOf, isDigest, parseDigest } from './digest';
import { isNetworkError, networkError, parseErrorBody } from './errors';
import { RegistryRequest, responseFailure } from './request';
import { repositoryScope } from './token';
import { discard, headerValue, HttpResponse, HttpTransport, readBody } from './transport';

export interface RegistryClientOptions {
  /** `registry-1.docker.io`, `127.0.0.1:5000` */
  host: string;
  /** Plain http allowed after https fails, and TLS certificates not verified. */
  insecure: boolean;
  credentials?: Credential;
  /** Default 10000: an unreachable registry fails within seconds. */
  connectTimeoutMs?: number;
  /** Longest silence while a response is awaited or streams; default 60000. */
  readTimeoutMs?: number;
  userAgent?: string;
  /** Tries per blob download (default 3) and the first backoff delay (default 500 ms, doubling). */
  blobTries?: number;
  retryDelayMs?: number;
  /** The domain users write (`docker.io`), for messages; defaults to `host`. */
  displayDomain?: string;
  /** Extra trusted CA certificates (PEM). */
  ca?: string | Buffer;
}

export interface ManifestResult {
  mediaType: string;
  digest: string;
  body: Buffer;
}

const MANIFEST_LIMIT = 4 * 1024 * 1024;

export class RegistryClient {
  readonly host: string;
  private readonly options: RegistryClientOptions;
  private readonly transport: HttpTransport;
  private readonly auth: Authenticator;
  private base?: Promise<URL>;

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.host = options.host;
    const userAgent = options.userAgent ?? 'berth/0.1';
    this.transport = new HttpTransport({
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      readTimeoutMs: options.readTimeoutMs ?? 60_000,
      userAgent,
      skipTlsVerify: options.insecure,
      ca: options.ca,
    });
    this.auth = new Authenticator(this.transport, options.credentials, 'berth');
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.transport.close();
  }

  /** Checks that the registry answers and that our credentials (if any) are accepted. */
  async ping(): Promise<void> {
    const base = await this.endpoint();
    if (!this.auth.challenged) return;
    const action = `login to \`${this.host}\``;
    const res = await this.send({ action, method: 'GET', url: new URL('/v2/', base), scopes: [] });
    if (res.status !== 200) throw await responseFailure(res, action, { kind: 'login', host: this.host });
    discard(res);
  }

  async getManifest(repo: string, ref: string, accept: string[] = ACCEPT_MANIFESTS): Promise<ManifestResult> {
    const name = this.displayName(repo, ref);
    const action = `fetch manifest \`${name}\``;
    const res = await this.send({
      action,
      method: 'GET',
      path: `/v2/${repo}/manifests/${ref}`,
      scopes: [repositoryScope(repo, ['pull'])],
      headers: { accept: accept.join(', ') },
      followRedirects: true,
    });
    if (res.status !== 200) throw await this.manifestFailure(res, action, repo, ref);
    const body = await readBody(res, MANIFEST_LIMIT).catch((err) => {
      throw isNetworkError(err) ? networkError(action, this.host, err) : new InvalidContentError(`${action}: ${(err as Error).message}`);
    });
    const digest = verifyManifestDigest(body, ref, headerValue(res, 'docker-content-digest'), action);
    return { mediaType: manifestMediaType(headerValue(res, 'content-type'), body), digest, body };
  }

  /** Digest, type and size of a manifest without its body; undefined when it does not exist. */
  async headManifest(repo: string, ref: string): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    const action = `check manifest \`${this.displayName(repo, ref)}\``;
    const res = await this.send({
      action,
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${ref}`,
      scopes: [repositoryScope(repo, ['pull'])],
      headers: { accept: ACCEPT_MANIFESTS.join(', ') },
      followRedirects: true,
    });
    if (res.status === 404) {
      discard(res);
      return undefined;
    }
    if (res.status !== 200) throw await this.manifestFailure(res, action, repo, ref);
    discard(res);
    const digest = headerValue(res, 'docker-content-digest');
    const size = Number(headerValue(res, 'content-length'));
    if (!digest || !isDigest(digest) || !Number.isSafeInteger(size)) {
      // Some registries leave the digest out of HEAD answers: fetch and compute it.
      const full = await this.getManifest(repo, ref);
      return { digest: full.digest, mediaType: full.mediaType, size: full.body.length };
    }
    if (isDigest(ref) && digest !== ref) throw new DigestMismatchError(`${action}: registry answered digest \`${digest}\``);
    return { digest, mediaType: bareMediaType(headerValue(res, 'content-type')), size };
  }

  /** Streams a blob into `destFile`, verified while it streams; resumes after a broken connection. */
  async fetchBlob(
    repo: string,
    desc: { digest: string; size: number },
    destFile: string,
    options: Pick<BlobDownload, 'onProgress' | 'onChunk'> = {},
  ): Promise<void> {
    if (!Number.isSafeInteger(desc.size) || desc.size < 0) {
      throw new InvalidContentError(`fetch blob \`${desc.digest}\`: invalid size \`${desc.size}\``);
    }
    await downloadBlob((req) => this.send(req), {
      repo,
      desc,
      destFile,
      ...options,
      name: this.displayName(repo),
      host: this.host,
      maxTries: this.options.blobTries ?? 3,
      retryDelayMs: this.options.retryDelayMs ?? 500,
    });
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    parseDigest(digest);
    const action = `check blob \`${digest}\` in \`${this.displayName(repo)}\``;
    const res = await this.send({
      action,
      method: 'HEAD',
      path: `/v2/${repo}/blobs/${digest}`,
      scopes: [repositoryScope(repo, ['pull'])],
      followRedirects: true,
    });
    discard(res);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await responseFailure(res, action, { kind: 'pull', name: this.displayName(repo) });
  }

  /** Asks the registry to link a blob of `fromRepo` into `repo`; true when it did (201). */
  async mountBlob(repo: string, digest: string, fromRepo: string): Promise<boolean> {
    parseDigest(digest);
    const action = `mount blob \`${digest}\` from \`${fromRepo}\` into \`${this.displayName(repo)}\``;
    const query = new URLSearchParams({ mount: digest, from: fromRepo });
    const res = await this.send({
      action,
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/?${query.toString()}`,
      scopes: [repositoryScope(repo, ['pull', 'push']), repositoryScope(fromRepo, ['pull'])],
      body: Buffer.alloc(0),
    });
    if (res.status === 201) {
      discard(res);
      return true;
    }
    if (res.status !== 202) throw await responseFailure(res, action, { kind: 'push' });
    // Not mounted: the registry opened an ordinary upload session instead; close it.
    discard(res);
    const location = headerValue(res, 'location');
    if (location) {
      await this.send({ action, method: 'DELETE', url: new URL(location, res.url), scopes: [repositoryScope(repo, ['pull', 'push'])] })
        .then(discard)
        .catch(() => undefined);
    }
    return false;
  }

  async uploadBlob(repo: string, desc: { digest: string; size: number }, file: string, opts: { chunkSize?: number } = {}): Promise<void> {
    parseDigest(desc.digest);
    await uploadBlob((req) => this.send(req), { repo, desc, file, name: this.displayName(repo), chunkSize: opts.chunkSize });
  }

  /** Uploads a manifest under a tag or its digest; returns its digest. */
  async putManifest(repo: string, ref: string, mediaType: string, body: Buffer): Promise<string> {
    const action = `push manifest \`${this.displayName(repo, ref)}\``;
    const computed = digestOf(body);
    if (isDigest(ref) && digestOf(body, parseDigest(ref).algorithm) !== ref) {
      throw new DigestMismatchError(`${action}: the manifest does not hash to \`${ref}\``);
    }
    const res = await this.send({
      action,
      method: 'PUT',
      path: `/v2/${repo}/manifests/${ref}`,
      scopes: [repositoryScope(repo, ['pull', 'push'])],
      headers: { 'content-type': mediaType },
      body,
    });
    if (res.status !== 201 && res.status !== 200) throw await responseFailure(res, action, { kind: 'push' });
    discard(res);
    const stored = headerValue(res, 'docker-content-digest');
    if (stored && isDigest(stored) && stored.startsWith('sha256:') && stored !== computed) {
      throw new DigestMismatchError(`${action}: registry stored it as \`${stored}\`, expected \`${computed}\``);
    }
    return isDigest(ref) ? ref : computed;
  }

  /** `127.0.0.1:5000/x:tag`, or Docker Hub's short form `busybox:tag`. */
  displayName(repo: string, ref?: string): string {
    const domain = this.options.displayDomain ?? this.host;
    let name = `${domain}/${repo}`;
    if (domain === 'docker.io') name = repo.startsWith('library/') && repo.split('/').length === 2 ? repo.slice(8) : repo;
    if (ref === undefined) return name;
    return isDigest(ref) ? `${name}@${ref}` : `${name}:${ref}`;
  }

  private async manifestFailure(res: HttpResponse, action: string, repo: string, ref: string): Promise<Error> {
    if (res.status === 404) {
      const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
      const detail = parseErrorBody(body)[0]?.message ?? 'manifest unknown';
      return new NotFoundError(`manifest for \`${this.displayName(repo, ref)}\` not found: ${detail}`);
    }
    return responseFailure(res, action, { kind: 'pull', name: this.displayName(repo) });
  }

  /** The registry's base URL (scheme and host), found once by pinging `/v2/`. */
  private endpoint(): Promise<URL> {
    if (!this.base) {
      this.base = this.probe();
      this.base.catch(() => {
        this.base = undefined; // a later call may find the registry up again
      });
    }
    return this.base;
  }

  private async probe(): Promise<URL> {
    const schemes = this.options.insecure ? ['https', 'http'] : ['https'];
    for (let i = 0; ; i++) {
      const base = new URL(`${schemes[i]}://${this.host}/`);
      try {
        const res = await this.transport.request({ method: 'GET', url: new URL('/v2/', base) });
        discard(res);
        if (res.status === 401) this.auth.learn(res.headers['www-authenticate']);
        return base;
      } catch (err) {
        if (i + 1 < schemes.length && isNetworkError(err)) continue;
        throw networkError(`ping registry \`${this.host}\``, this.host, err);
      }
    }
  }

  /** Sends a request with the authorization it needs, renewing it once after a 401. */
  private async send(req: RegistryRequest): Promise<HttpResponse> {
    const base = await this.endpoint();
    const url = req.url ?? new URL(req.path ?? '/', base);
    let authorization = await this.auth.authorization(req.scopes);
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await this.transport.request({
          method: req.method,
          url,
          headers: req.headers,
          body: req.body,
          followRedirects: req.followRedirects,
          authorization: authorization ? { origin: base.origin, value: authorization } : undefined,
        });
      } catch (err) {
        throw networkError(req.action, this.host, err);
      }
      if (res.status !== 401 || attempt > 0) return res;
      const sent = authorization;
      if (!(await this.auth.renewAfterUnauthorized(res.headers['www-authenticate'], req.scopes, sent))) return res;
      discard(res);
      authorization = await this.auth.authorization(req.scopes);
    }
  }
}

/** The digest of a fetched manifest, checked against what was asked for and what the registry claims. */
function verifyManifestDigest(body: Buffer, ref: string, claimed: string | undefined, action: string): string {
  if (isDigest(ref)) {
    const actual = digestOf(body, parseDigest(ref).algorithm);
    if (actual !== ref) throw new DigestMismatchError(`${action}: content hashes to \`${actual}\``);
    return ref;
  }
  if (claimed && isDigest(claimed)) {
    const { algorithm } = parseDigest(claimed);
    const actual = digestOf(body, algorithm);
    if (actual !== claimed) throw new DigestMismatchError(`${action}: registry claims \`${claimed}\`, content hashes to \`${actual}\``);
    return claimed;
  }
  return digestOf(body);
}

/** The Content-Type when it names a manifest type, else the document's own mediaType field. */
function manifestMediaType(contentType: string | undefined, body: Buffer): string {
  const header = bareMediaType(contentType);
  if (isManifestType(header) || isIndexType(header) || header.startsWith('application/vnd.docker.distribution.manifest.v1')) return header;
  try {
    const declared = (JSON.parse(body.toString('utf8')) as { mediaType?: unknown }).mediaType;
    if (typeof declared === 'string') return declared;
  } catch {
    // not JSON: parseManifestDocument will say so
  }
  return header;
}
