/**
 * Credentials saved by `berth login`, in Docker's config.json shape
 * (`{"auths": {"<host>": {"auth": base64("user:password")}}}`) so the file
 * reads the same to anyone who knows Docker's. Written 0600, atomically.
 * Docker Hub's are kept under `docker.io`; Docker's own key for it,
 * `https://index.docker.io/v1/`, is read too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../../sys/atomic-file';
import { StoreError } from '../../errors';

export interface Credential {
  username: string;
  /** A password, or an identity token when `username` is `<token>`. */
  password: string;
}

interface AuthFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  [other: string]: unknown;
}

const DOCKER_HUB_KEY = 'docker.io';
const DOCKER_HUB_LEGACY_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'];

/** The key a host's credentials are stored under: `docker.io` for Docker Hub, else `host[:port]`. */
export function credentialKey(host: string): string {
  const bare = host.replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase();
  return DOCKER_HUB_ALIASES.includes(bare) ? DOCKER_HUB_KEY : bare;
}

export class CredentialStore {
  constructor(private readonly file: string) {}

  get(host: string): Credential | undefined {
    const auths = this.read().auths ?? {};
    for (const key of this.keysFor(host)) {
      const entry = auths[key];
      if (entry) return decodeEntry(entry, key, this.file);
    }
    return undefined;
  }

  set(host: string, credential: Credential): void {
    const doc = this.read();
    const auths = (doc.auths ??= {});
    const key = credentialKey(host);
    delete auths[key === DOCKER_HUB_KEY ? DOCKER_HUB_LEGACY_KEY : key];
    auths[key] = { auth: Buffer.from(`${credential.username}:${credential.password}`).toString('base64') };
    this.write(doc);
  }

  /** Forgets the host's credentials; false when there were none. */
  remove(host: string): boolean {
    const doc = this.read();
    const auths = doc.auths ?? {};
    let removed = false;
    for (const key of this.keysFor(host)) {
      if (key in auths) {
        delete auths[key];
        removed = true;
      }
    }
    if (removed) this.write(doc);
    return removed;
  }

  private write(doc: AuthFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeJsonAtomic(this.file, doc, { mode: 0o600 });
  }

  private keysFor(host: string): string[] {
    const key = credentialKey(host);
    return key === DOCKER_HUB_KEY ? [DOCKER_HUB_KEY, DOCKER_HUB_LEGACY_KEY] : [key];
  }

  private read(): AuthFile {
    let doc: unknown;
    try {
      doc = readJsonIfExists<unknown>(this.file);
    } catch (err) {
      throw new StoreError(`read credentials \`${this.file}\`: ${(err as Error).message}`, { cause: err });
    }
    if (doc === undefined) return {};
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new StoreError(`read credentials \`${this.file}\`: not a JSON object`);
    }
    return doc as AuthFile;
  }
}

function decodeEntry(entry: NonNullable<AuthFile['auths']>[string], key: string, file: string): Credential {
  if (entry.identitytoken) return { username: '<token>', password: entry.identitytoken };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new StoreError(`read credentials for \`${key}\` in \`${file}\`: malformed auth entry`);
    return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  throw new StoreError(`read credentials for \`${key}\` in \`${file}\`: entry has no auth`);
}
