// A minimal Docker token server (the `auth: token` scheme of distribution):
// checks Basic credentials, grants the scopes it is asked for, and signs JWTs
// with an RSA key whose self-signed certificate the registry trusts. The server
// runs in its own process (token-issuer-server.js) so a test that blocks in
// spawnSync does not starve it.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

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
  /** Every request received so far, in order (read afresh on each access). */
  readonly requests: TokenRequest[];
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

const SERVICE = 'berth-test-registry';
const ISSUER = 'berth-test-token-issuer';
const SERVER_SCRIPT = path.join(__dirname, 'token-issuer-server.js');

export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = path.join(opts.dir, 'token-key.pem');
  const certPath = path.join(opts.dir, 'token-cert.pem');
  const requestLog = path.join(opts.dir, 'token-requests.jsonl');
  const configPath = path.join(opts.dir, 'token-issuer.json');
  fs.writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const openssl = spawnSync(
    'openssl',
    ['req', '-x509', '-new', '-key', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${ISSUER}`],
    { encoding: 'utf8' },
  );
  if (openssl.status !== 0) {
    throw new Error(`create certificate \`${certPath}\`: openssl failed: ${openssl.stderr}`);
  }
  fs.writeFileSync(requestLog, '');
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      port: opts.port,
      keyPath,
      service: SERVICE,
      issuer: ISSUER,
      username: opts.username,
      password: opts.password,
      anonymousPull: opts.anonymousPull ?? false,
      requestLog,
    }),
  );
  const child = spawn(process.execPath, [SERVER_SCRIPT, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForListening(child);

  return {
    realm: `http://127.0.0.1:${opts.port}/token`,
    service: SERVICE,
    issuer: ISSUER,
    certPath,
    get requests(): TokenRequest[] {
      return fs
        .readFileSync(requestLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as TokenRequest);
    },
    stop: () => stopChild(child),
  };
}

function waitForListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(new Error('start token issuer: not listening after 10 s')), 10_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => fail(new Error(`start token issuer: exited with ${code}: ${stderr.trim()}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
