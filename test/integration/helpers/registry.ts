// A real registry for integration tests: Debian's `docker-registry` (distribution
// 2.8) on a free loopback port, storing blobs in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort } from './ports';
import { startTokenIssuer, type TokenIssuer, type TokenRequest } from './token-issuer';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** Root of the registry's filesystem storage (`docker/registry/v2/...` lies under it). */
  storageDir: string;
  stop(): Promise<void>;
  /** Credentials that the `htpasswd` and `token` modes accept. */
  username?: string;
  password?: string;
  /** `token` mode: where clients get tokens, and every request the issuer received so far. */
  tokenRealm?: string;
  readonly tokenRequests?: TokenRequest[];
}

export interface StartRegistryOptions {
  auth?: RegistryAuth;
  /** `token` mode: let anonymous clients pull (default: they are granted nothing). */
  anonymousPull?: boolean;
}

const USERNAME = 'berth';
const PASSWORD = 'berth-secret';
const READY_TIMEOUT_MS = 20_000;

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? 'none';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
  const storageDir = path.join(dir, 'storage');
  fs.mkdirSync(storageDir);
  let issuer: TokenIssuer | undefined;
  let child: ChildProcess | undefined;
  const cleanup = async (): Promise<void> => {
    if (child) await terminate(child);
    if (issuer) await issuer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const port = await freeLoopbackPort();
    const host = `127.0.0.1:${port}`;
    let authSection = '';
    if (auth === 'htpasswd') {
      const htpasswdPath = path.join(dir, 'htpasswd');
      fs.writeFileSync(htpasswdPath, bcryptHtpasswdLine(USERNAME, PASSWORD));
      authSection = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${htpasswdPath}\n`;
    } else if (auth === 'token') {
      issuer = await startTokenIssuer({
        dir,
        port: await freeLoopbackPort(),
        username: USERNAME,
        password: PASSWORD,
        anonymousPull: opts.anonymousPull,
      });
      authSection =
        `auth:\n  token:\n    realm: ${issuer.realm}\n    service: ${issuer.service}\n` +
        `    issuer: ${issuer.issuer}\n    rootcertbundle: ${issuer.certPath}\n`;
    }
    const configPath = path.join(dir, 'config.yml');
    fs.writeFileSync(
      configPath,
      'version: 0.1\n' +
        'log:\n  level: warn\n  accesslog:\n    disabled: true\n' +
        `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: true\n` +
        `http:\n  addr: ${host}\n  secret: berth-test-${port}\n` +
        authSection,
    );
    const logPath = path.join(dir, 'registry.log');
    const logFd = fs.openSync(logPath, 'a');
    child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    await waitUntilServing(host, child, logPath);

    const registry: TestRegistry = { host, storageDir, stop: cleanup };
    if (auth !== 'none') {
      registry.username = USERNAME;
      registry.password = PASSWORD;
    }
    if (issuer) {
      const tokenIssuer = issuer;
      registry.tokenRealm = tokenIssuer.realm;
      Object.defineProperty(registry, 'tokenRequests', { enumerable: true, get: () => tokenIssuer.requests });
    }
    return registry;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function bcryptHtpasswdLine(user: string, password: string): string {
  const result = spawnSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`create htpasswd entry for \`${user}\`: ${result.stderr || result.error}`);
  }
  return result.stdout.trim() + '\n';
}

/** Polls GET /v2/ until it answers (200 without auth, 401 with). */
async function waitUntilServing(host: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`start docker-registry on \`${host}\`: exited early: ${readTail(logPath)}`);
    }
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`start docker-registry on \`${host}\`: no answer within ${READY_TIMEOUT_MS} ms: ${readTail(logPath)}`);
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
