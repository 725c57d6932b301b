/**
 * login / logout: credentials for a registry, checked by pinging its /v2/
 * with them before they are saved to the data root's auth.json (Docker's
 * config.json shape). The server defaults to Docker Hub, stored as
 * `docker.io`; `http://host:port/` and `host:port` name the same registry.
 */
import { Settings } from '../../config/settings';
import { Store } from '../../image/store/store';
import { registryHost } from '../../image/reference';
import { RegistryClient } from '../../image/registry/client';
import { Credential, CredentialStore, credentialKey } from '../../image/registry/credentials';
import { isInsecure } from './endpoints';
import { UsageError } from '../../errors/kinds';

export const DEFAULT_LOGIN_SERVER = 'docker.io';

export interface LoginOptions {
  server?: string;
  username: string;
  password: string;
}

/** The credential key of `server` (`docker.io` for Docker Hub and its aliases). */
export function loginServer(server: string | undefined): string {
  const key = credentialKey(server && server.trim() !== '' ? server.trim() : DEFAULT_LOGIN_SERVER);
  if (key === '') throw new UsageError(`login: \`${server}\` is not a registry address`);
  return key;
}

/** Validates the credentials against the registry, then saves them; returns the server key. */
export async function login(settings: Settings, store: Store, options: LoginOptions): Promise<string> {
  const server = loginServer(options.server);
  if (options.username === '') throw new UsageError('login: username is empty');
  if (options.password === '') throw new UsageError('login: password is empty');
  const host = registryHost(server);
  const credential: Credential = { username: options.username, password: options.password };
  const client = new RegistryClient({ host, insecure: isInsecure(host, settings), credentials: credential, displayDomain: server });
  try {
    await client.ping();
  } finally {
    client.close();
  }
  await store.locked(() => new CredentialStore(store.layout.authFile).set(server, credential));
  return server;
}

/** Forgets the server's credentials; false when there were none. */
export async function logout(store: Store, server?: string): Promise<{ server: string; removed: boolean }> {
  const key = loginServer(server);
  const removed = await store.locked(() => new CredentialStore(store.layout.authFile).remove(key));
  return { server: key, removed };
}
