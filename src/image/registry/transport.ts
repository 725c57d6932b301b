/**
 * One HTTP exchange with a registry or a blob store, on Node's http/https.
 * What it adds to Node: a connect timeout (TCP and TLS handshake) so an
 * unreachable host fails within seconds, an idle timeout while waiting for
 * bytes, one retry when a kept-alive socket turns out to be stale, and
 * redirects for GET/HEAD where the Authorization header is only ever sent to
 * the origin it was issued for (blob stores redirect to other hosts).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';

export interface TransportOptions {
  connectTimeoutMs: number;
  /** Longest silence while waiting for response bytes before the exchange is abandoned. */
  readTimeoutMs: number;
  userAgent: string;
  /** Skip TLS certificate verification (Docker does for insecure registries). */
  skipTlsVerify?: boolean;
  /** Extra trusted CA certificates (PEM). */
  ca?: string | Buffer;
}

/** A request body: a buffer, or a function giving a fresh stream (bodies may be sent twice). */
export type BodySource = Buffer | (() => Readable);

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: BodySource;
  /** `Authorization` value, sent only to `authorization.origin`. */
  authorization?: { origin: string; value: string };
  /** Follow 3xx for GET and HEAD (at most 10 hops). */
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Where the response came from, after redirects. */
  url: URL;
  body: http.IncomingMessage;
}

/** A timeout of ours, shaped like Node's network errors (`code`). */
export class TimeoutError extends Error {
  constructor(
    readonly code: 'ECONNECTTIMEOUT' | 'EREADTIMEOUT',
    readonly timeoutMs: number,
  ) {
    super(code === 'ECONNECTTIMEOUT' ? `connect timed out after ${timeoutMs} ms` : `no data for ${timeoutMs} ms`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

export class HttpTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: TransportOptions) {
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      rejectUnauthorized: !options.skipTlsVerify,
      // Unverified TLS needs no trust store, and loading Node's roots costs ~100 ms
      // (paid by every pull from a loopback registry, whose https probe then fails).
      ca: options.ca ?? (options.skipTlsVerify ? [] : undefined),
    });
  }

  /** Sends `req`, following redirects when asked; the caller must consume or discard the body. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let method = req.method;
    for (let hop = 0; ; hop++) {
      const res = await this.exchangeWithStaleRetry({ ...req, method, url });
      const location = res.headers.location;
      if (!req.followRedirects || !REDIRECTS.has(res.status) || !location || !['GET', 'HEAD'].includes(method)) {
        return res;
      }
      discard(res);
      if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      if (res.status === 303) method = 'GET';
    }
  }

  /** Frees the kept-alive sockets. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async exchangeWithStaleRetry(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.exchange(req);
    } catch (err) {
      // Node's advice: a kept-alive socket the server already closed fails at
      // once with ECONNRESET; the request never reached it, so send it again.
      if ((err as { reusedSocket?: boolean }).reusedSocket && isConnectionReset(err)) return this.exchange(req);
      throw err;
    }
  }

  private exchange(req: HttpRequest): Promise<HttpResponse> {
    const isHttps = req.url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, ...req.headers };
    if (req.authorization && req.authorization.origin === req.url.origin) {
      headers.authorization = req.authorization.value;
    }
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    const send = isHttps ? https.request : http.request;
    return new Promise<HttpResponse>((resolve, reject) => {
      const clientReq = send(req.url, {
        method: req.method,
        headers,
        agent: isHttps ? this.httpsAgent : this.httpAgent,
      });
      let response: http.IncomingMessage | undefined;
      const connectTimer = setTimeout(
        () => clientReq.destroy(new TimeoutError('ECONNECTTIMEOUT', this.options.connectTimeoutMs)),
        this.options.connectTimeoutMs,
      );
      clientReq.once('socket', (socket) => {
        if (clientReq.reusedSocket) clearTimeout(connectTimer);
        else socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      clientReq.setTimeout(this.options.readTimeoutMs, () => {
        const err = new TimeoutError('EREADTIMEOUT', this.options.readTimeoutMs);
        response?.destroy(err);
        clientReq.destroy(err);
      });
      clientReq.on('error', (err) => {
        clearTimeout(connectTimer);
        (err as { reusedSocket?: boolean }).reusedSocket = clientReq.reusedSocket;
        reject(err);
      });
      clientReq.once('response', (res) => {
        clearTimeout(connectTimer);
        response = res;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, url: req.url, body: res });
      });
      if (req.body === undefined) clientReq.end();
      else if (Buffer.isBuffer(req.body)) clientReq.end(req.body);
      else {
        const source = req.body();
        source.once('error', (err) => clientReq.destroy(err));
        source.pipe(clientReq);
      }
    });
  }
}

function isConnectionReset(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** The whole body, refusing more than `limit` bytes. */
export async function readBody(res: HttpResponse, limit = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) {
      res.body.destroy();
      throw new Error(`response body larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Drops the body so the socket can be reused. */
export function discard(res: HttpResponse): void {
  res.body.on('error', () => undefined);
  res.body.resume();
}

/** A header's single value. */
export function headerValue(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
