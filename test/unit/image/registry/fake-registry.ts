/**
 * A small in-process registry speaking the parts of the distribution (v2)
 * protocol the client uses, over real HTTP on loopback, with switches for
 * the failures the client must survive: auth schemes, redirects to a blob
 * store on another address, connections cut mid-blob, lying content.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeRegistryOptions {
  auth?: 'none' | 'basic' | 'bearer';
  /** username -> password */
  users?: Record<string, string>;
  /** Repositories anonymous tokens may not pull. */
  privateRepos?: string[];
  /** Which field the token service answers with. */
  tokenField?: 'token' | 'access_token';
  address?: string;
  /** Serve https with this key and certificate (PEM) instead of plain http. */
  tls?: { key: string; cert: string };
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Serves `data` honouring `Range: bytes=N-`. */
export function serveBlob(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  data: Buffer,
  digest: string,
  quirks: { ignoreRange?: boolean; omitLength?: boolean } = {},
): void {
  const range = quirks.ignoreRange ? null : /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
  const start = range ? Number(range[1]) : 0;
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    'content-length': data.length - start,
  };
  if (quirks.omitLength) delete headers['content-length'];
  if (range) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
  res.writeHead(range ? 206 : 200, headers);
  res.end(req.method === 'HEAD' ? undefined : data.subarray(start));
}

abstract class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  protected server: http.Server;
  port = 0;

  constructor(readonly address: string, tls?: { key: string; cert: string }) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) sendError(res, 500, 'UNKNOWN', String(err));
        else res.destroy();
      });
    };
    this.server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  }

  get host(): string {
    return `${this.address}:${this.port}`;
  }
  get baseUrl(): string {
    return `http://${this.host}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, this.address, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}

/** A bare blob store (S3 stand-in) that registries redirect to. */
export class BlobStoreServer extends LoopbackServer {
  readonly blobs = new Map<string, Buffer>();

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const digest = (req.url ?? '').split('?')[0].split('/').pop() ?? '';
    const data = this.blobs.get(digest);
    if (!data) return sendError(res, 404, 'BLOB_UNKNOWN', 'blob unknown');
    serveBlob(req, res, data, digest);
  }
}

interface TokenGrant {
  account?: string;
  scopes: string[];
}

export class FakeRegistry extends LoopbackServer {
  readonly blobs = new Map<string, Buffer>(); // `${repo}@${digest}`
  readonly manifests = new Map<string, { mediaType: string; body: Buffer }>(); // `${repo}@${digest}`
  readonly tags = new Map<string, string>(); // `${repo}:${tag}` -> digest
  readonly tokenRequests: RecordedRequest[] = [];
  private readonly uploads = new Map<string, { repo: string; data: Buffer }>();
  private readonly tokens = new Map<string, TokenGrant>();

  /** Send blobs from this store instead (a 307 to it). */
  redirectBlobsTo?: BlobStoreServer;
  /** Cut the connection after this many bytes of a blob, `cutTimes` times. */
  cutBlobAfter?: number;
  cutTimes = 1;
  /** Answer ranged requests with the whole blob (200). */
  ignoreRange = false;
  /** Send blobs chunked, without Content-Length. */
  omitLength = false;
  /** Serve these bytes in place of the stored blob (same headers as the real one unless they differ in size). */
  blobBodyOverride?: Buffer;
  /** The one blob that the cut, range and override switches above apply to (every blob when unset). */
  quirksOnlyFor?: string;
  /** Announce this digest in Docker-Content-Digest for manifests. */
  manifestDigestOverride?: string;

  constructor(private readonly options: FakeRegistryOptions = {}) {
    super(options.address ?? '127.0.0.1', options.tls);
  }

  addBlob(repo: string, data: Buffer): string {
    const digest = sha256(data);
    this.blobs.set(`${repo}@${digest}`, data);
    return digest;
  }

  addManifest(repo: string, tag: string | undefined, mediaType: string, body: Buffer): string {
    const digest = sha256(body);
    this.manifests.set(`${repo}@${digest}`, { mediaType, body });
    if (tag) this.tags.set(`${repo}:${tag}`, digest);
    return digest;
  }

  /** Requests to the registry API itself (not the token service). */
  get apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.url.startsWith('/v2/'));
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname === '/token') return this.handleToken(req, res, url);
    if (!url.pathname.startsWith('/v2/')) return sendError(res, 404, 'NOT_FOUND', 'not found');
    const route = parseRoute(url.pathname);
    const action = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    if (!this.authorized(req, res, route?.repo, action)) return;
    if (url.pathname === '/v2/') {
      res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
      return void res.end('{}');
    }
    if (!route) return sendError(res, 404, 'NOT_FOUND', 'no route');
    if (route.kind === 'manifests') return this.handleManifest(req, res, route.repo, route.rest);
    if (route.kind === 'blobs') return this.handleBlob(req, res, route.repo, route.rest);
    return this.handleUpload(req, res, url, route.repo, route.rest);
  }

  private authorized(req: http.IncomingMessage, res: http.ServerResponse, repo: string | undefined, action: string): boolean {
    const auth = this.options.auth ?? 'none';
    const header = req.headers.authorization ?? '';
    if (auth === 'basic') {
      if (this.checkBasic(header)) return true;
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="fake registry"' });
      return false;
    }
    if (auth === 'bearer') {
      const grant = this.tokens.get(header.replace(/^Bearer /, ''));
      const scope = repo ? `repository:${repo}:${action}` : undefined;
      if (grant && (!scope || grant.scopes.some((s) => s.startsWith(`repository:${repo}:`) && s.split(':')[2].split(',').includes(action)))) {
        return true;
      }
      const params = [`realm="${this.baseUrl}/token"`, 'service="fake, registry"'];
      if (scope) params.push(`scope="${scope}"`);
      if (grant) params.push('error="insufficient_scope"');
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': `Bearer ${params.join(',')}` });
      return false;
    }
    return true;
  }

  /** The account named by a valid Basic header; undefined for none or a wrong one. */
  private checkBasic(header: string): string | undefined {
    const match = /^Basic (.+)$/.exec(header);
    if (!match) return undefined;
    const text = Buffer.from(match[1], 'base64').toString();
    const [user, ...rest] = text.split(':');
    return this.options.users?.[user] === rest.join(':') ? user : undefined;
  }

  private handleToken(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    this.tokenRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    let account: string | undefined;
    if (req.headers.authorization) {
      account = this.checkBasic(req.headers.authorization);
      if (!account) return sendError(res, 401, 'UNAUTHORIZED', 'incorrect username or password');
    }
    const scopes = url.searchParams.getAll('scope').map((scope) => {
      const [type, repo, actions] = scope.split(':');
      const allowed = actions.split(',').filter((a) => {
        if (account) return true;
        return a === 'pull' && !this.options.privateRepos?.includes(repo);
      });
      return `${type}:${repo}:${allowed.join(',')}`;
    });
    const token = randomBytes(12).toString('hex');
    this.tokens.set(token, { account, scopes });
    const field = this.options.tokenField ?? 'token';
    const body = JSON.stringify({ [field]: token, expires_in: 300 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }

  private async handleManifest(req: http.IncomingMessage, res: http.ServerResponse, repo: string, ref: string): Promise<void> {
    if (req.method === 'PUT') {
      const body = await readAll(req);
      const digest = this.addManifest(repo, ref.startsWith('sha256:') ? undefined : ref, String(req.headers['content-type']), body);
      res.writeHead(201, { 'docker-content-digest': digest, location: `/v2/${repo}/manifests/${digest}` });
      return void res.end();
    }
    const digest = ref.startsWith('sha256:') ? ref : this.tags.get(`${repo}:${ref}`);
    const found = digest ? this.manifests.get(`${repo}@${digest}`) : undefined;
    if (!found || !digest) return sendError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
    res.writeHead(200, {
      'content-type': found.mediaType,
      'content-length': found.body.length,
      'docker-content-digest': this.manifestDigestOverride ?? digest,
    });
    res.end(req.method === 'HEAD' ? undefined : found.body);
  }

  private async handleBlob(req: http.IncomingMessage, res: http.ServerResponse, repo: string, digest: string): Promise<void> {
    const data = this.blobs.get(`${repo}@${digest}`);
    if (!data) return sendError(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
    if (this.redirectBlobsTo) {
      this.redirectBlobsTo.blobs.set(digest, data);
      res.writeHead(307, { location: `${this.redirectBlobsTo.baseUrl}/store/${digest}?sig=abc` });
      return void res.end();
    }
    if (this.quirksOnlyFor !== undefined && this.quirksOnlyFor !== digest) return serveBlob(req, res, data, digest);
    const body = this.blobBodyOverride ?? data;
    if (this.cutBlobAfter !== undefined && this.cutTimes > 0 && req.method === 'GET') {
      this.cutTimes--;
      const start = Number(/^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))?.[1] ?? 0);
      res.writeHead(start > 0 ? 206 : 200, {
        'content-length': body.length - start,
        ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      res.write(body.subarray(start, start + this.cutBlobAfter));
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.socket?.destroy();
      return;
    }
    serveBlob(req, res, body, digest, { ignoreRange: this.ignoreRange, omitLength: this.omitLength });
  }

  private async handleUpload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, repo: string, id: string): Promise<void> {
    const body = await readAll(req);
    if (req.method === 'POST') {
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount && from && this.blobs.has(`${from}@${mount}`)) {
        this.blobs.set(`${repo}@${mount}`, this.blobs.get(`${from}@${mount}`) as Buffer);
        res.writeHead(201, { location: `/v2/${repo}/blobs/${mount}`, 'docker-content-digest': mount });
        return void res.end();
      }
      const uuid = randomBytes(8).toString('hex');
      this.uploads.set(uuid, { repo, data: Buffer.alloc(0) });
      res.writeHead(202, { location: `/v2/${repo}/blobs/uploads/${uuid}?_state=0`, range: '0-0', 'docker-upload-uuid': uuid });
      return void res.end();
    }
    const upload = this.uploads.get(id);
    if (!upload) return sendError(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    if (req.method === 'DELETE') {
      this.uploads.delete(id);
      res.writeHead(204);
      return void res.end();
    }
    if (req.method === 'PATCH') {
      const range = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
      if (range && Number(range[1]) !== upload.data.length) {
        return sendError(res, 416, 'BLOB_UPLOAD_INVALID', 'range mismatch');
      }
      upload.data = Buffer.concat([upload.data, body]);
      res.writeHead(202, {
        location: `${this.baseUrl}/v2/${repo}/blobs/uploads/${id}?_state=${upload.data.length}`,
        range: `0-${upload.data.length - 1}`,
      });
      return void res.end();
    }
    if (req.method === 'PUT') {
      upload.data = Buffer.concat([upload.data, body]);
      const digest = url.searchParams.get('digest') ?? '';
      if (sha256(upload.data) !== digest) return sendError(res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
      this.uploads.delete(id);
      this.blobs.set(`${repo}@${digest}`, upload.data);
      res.writeHead(201, { location: `/v2/${repo}/blobs/${digest}`, 'docker-content-digest': digest });
      return void res.end();
    }
    sendError(res, 405, 'UNSUPPORTED', 'method not allowed');
  }
}

function parseRoute(pathname: string): { kind: 'manifests' | 'blobs' | 'uploads'; repo: string; rest: string } | undefined {
  const upload = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(pathname);
  if (upload) return { kind: 'uploads', repo: upload[1], rest: upload[2] };
  const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(pathname);
  if (!match) return undefined;
  return { kind: match[2] as 'manifests' | 'blobs', repo: match[1], rest: match[3] };
}
