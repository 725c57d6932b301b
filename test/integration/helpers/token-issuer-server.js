// The token server behind registry.ts's `auth: 'token'` mode, run as its own
// node process so that tests may block their event loop (spawnSync of berth or
// skopeo) while the registry asks it for tokens. Plain JavaScript because it
// is started with `node` directly, outside ts-jest.
//
// Usage: node token-issuer-server.js CONFIG.json
//   CONFIG: { port, keyPath, service, issuer, username, password, anonymousPull, requestLog }
// Prints `listening` once it accepts connections; appends one JSON line per
// token request to requestLog.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const privateKey = crypto.createPrivateKey(fs.readFileSync(config.keyPath));
const keyId = libtrustKeyId(crypto.createPublicKey(privateKey));

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      reply(res, 500, { errors: [{ code: 'INTERNAL', message: String(err) }] });
    }
  });
});
server.listen(config.port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

function handle(req, res, body) {
  const url = new URL(req.url || '/', 'http://token.invalid');
  if (url.pathname !== '/token') return reply(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
  const form = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
  const creds = credentialsOf(req, form);
  const scopes = form.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
  const record = { username: creds ? creds.username : undefined, service: form.get('service'), scopes, method: req.method };
  fs.appendFileSync(config.requestLog, JSON.stringify(record) + '\n');
  if (creds && (creds.username !== config.username || creds.password !== config.password)) {
    res.setHeader('WWW-Authenticate', 'Basic realm="berth-test-token-issuer"');
    return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
  }
  const requested = scopes.map(parseScope).filter(Boolean);
  let granted = [];
  if (creds) granted = requested;
  else if (config.anonymousPull) granted = requested.map((a) => ({ ...a, actions: a.actions.filter((x) => x === 'pull') }));
  const token = signToken(creds ? creds.username : '', granted);
  return reply(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
}

function reply(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

// Basic header (GET flow), or the OAuth2 password grant's form fields (POST flow).
function credentialsOf(req, form) {
  const header = req.headers.authorization;
  if (header && header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (req.method === 'POST' && form.get('grant_type') === 'password') {
    return { username: form.get('username') || '', password: form.get('password') || '' };
  }
  return null;
}

// `repository:host:5000/ns/app:pull,push` -> { type, name, actions }: the
// name runs from the first colon to the last.
function parseScope(scope) {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return null;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}

function signToken(subject, access) {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId };
  const claims = { iss: config.issuer, sub: subject, aud: config.service, iat: now - 5, nbf: now - 5, exp: now + 300, jti: crypto.randomUUID(), access };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(crypto.sign('sha256', Buffer.from(input), privateKey))}`;
}

function b64url(data) {
  return Buffer.from(data).toString('base64url');
}

// The key id distribution looks trusted keys up by (libtrust's format): the
// SHA-256 of the DER public key, first 240 bits, base32 without padding, in
// groups of four characters joined by `:`.
function libtrustKeyId(publicKey) {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const digest = crypto.createHash('sha256').update(der).digest().subarray(0, 30);
  return base32(digest).match(/.{1,4}/g).join(':');
}

function base32(data) {
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
