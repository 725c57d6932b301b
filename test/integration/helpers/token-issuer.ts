// A minimal Docker token server (the `auth: token` scheme of distribution):
// checks Basic credentials, grants the scopes it is asked for, and signs a JWT
// with an RSA key whose self-signed certificate the registry trusts.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

export interface TokenRequest {
  /** `Basic` user name, or undefined for an anonymous request. */
  username?: string;
  service: string | null;
  scopes: string[];
  method: string;
}

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate file for the registry's `rootcertbundle`. */
  certPath: string;
  /** Every request received, in order (tests assert on the scopes asked for). */
  requests: TokenRequest[];
  stop(): Promise<void>;
}

export interface TokenIssuerOptions {
  dir: string;
  port: number;
  username: string;
  password: string;
  /** Grant `pull` to requests without credentials (default: grant nothing). */
  anonymousPull?: boolean;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

const SERVICE = 'berth-test-registry';
const ISSUER = 'berth-test-token-issuer';

export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = path.join(opts.dir, 'token-key.pem');
  const certPath = path.join(opts.dir, 'token-cert.pem');
  fs.writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const openssl = spawnSync(
    'openssl',
    ['req', '-x509', '-new', '-key', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${ISSUER}`],
    { encoding: 'utf8' },
  );
  if (openssl.status !== 0) {
    throw new Error(`create certificate \`${certPath}\`: openssl failed: ${openssl.stderr}`);
  }
  const keyId = libtrustKeyId(publicKey);
  const requests: TokenRequest[] = [];

  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', 'http://token.invalid');
        if (url.pathname !== '/token') return reply(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
        const form = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
        const creds = credentialsOf(req, form);
        const scopes = form.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
        requests.push({ username: creds?.username, service: form.get('service'), scopes, method: req.method ?? 'GET' });
        if (creds && (creds.username !== opts.username || creds.password !== opts.password)) {
          res.setHeader('WWW-Authenticate', 'Basic realm="berth-test-token-issuer"');
          return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
        }
        const access = scopes.map(parseScope).filter((a): a is Access => a !== null);
        const granted = creds ? access : opts.anonymousPull ? access.map((a) => ({ ...a, actions: a.actions.filter((x) => x === 'pull') })) : [];
        const token = signToken(privateKey, keyId, creds?.username ?? '', granted);
        return reply(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
      })
      .catch((err: unknown) => reply(res, 500, { errors: [{ code: 'INTERNAL', message: String(err) }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });

  return {
    realm: `http://127.0.0.1:${opts.port}/token`,
    service: SERVICE,
    issuer: ISSUER,
    certPath,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Basic header (GET flow), or the OAuth2 password grant's form fields (POST flow). */
function credentialsOf(req: http.IncomingMessage, form: URLSearchParams): { username: string; password: string } | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (req.method === 'POST' && form.get('grant_type') === 'password') {
    return { username: form.get('username') ?? '', password: form.get('password') ?? '' };
  }
  return null;
}

/** `repository:library/busybox:pull,push` -> access entry (the name may hold colons for ports). */
function parseScope(scope: string): Access | null {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return null;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signToken(key: crypto.KeyObject, keyId: string, subject: string, access: Access[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId };
  const claims = {
    iss: ISSUER,
    sub: subject,
    aud: SERVICE,
    iat: now - 5,
    nbf: now - 5,
    exp: now + 300,
    jti: crypto.randomUUID(),
    access,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * The key id distribution looks trusted keys up by (libtrust's format): the
 * SHA-256 of the DER public key, first 240 bits, base32 without padding, in
 * groups of four characters joined by `:`.
 */
function libtrustKeyId(publicKey: crypto.KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const digest = crypto.createHash('sha256').update(der).digest().subarray(0, 30);
  const encoded = base32(digest);
  return encoded.match(/.{1,4}/g)!.join(':');
}

function base32(data: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
