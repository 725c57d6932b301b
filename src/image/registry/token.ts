/**
 * Bearer tokens from a registry's token service (distribution's token auth
 * spec): `GET realm?service=..&scope=..` anonymously or with Basic
 * credentials, or the OAuth2 refresh-token grant when the credential is an
 * identity token. Tokens are cached by scope; a token for `pull,push` also
 * serves a later `pull` of the same repository.
 */
import { AuthError } from '../../errors';
import { Challenge } from './challenge';
import type { Credential } from './credentials';
import { describeResponse, networkError } from './errors';
import { HttpTransport, readBody } from './transport';

/** `repository:library/busybox:pull,push` */
export function repositoryScope(repo: string, actions: string[]): string {
  return `repository:${repo}:${actions.join(',')}`;
}

export interface Token {
  value: string;
  /** Epoch milliseconds after which the token is not used again. */
  expiresAt: number;
}

/** Fetches a token for `scopes` from the realm named by a Bearer challenge. */
export async function requestToken(
  transport: HttpTransport,
  challenge: Challenge,
  scopes: string[],
  credential: Credential | undefined,
  clientId: string,
): Promise<Token> {
  const realmText = challenge.params.realm;
  let realm: URL;
  try {
    realm = new URL(realmText ?? '');
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new AuthError(`get registry token: challenge has an invalid realm \`${realmText ?? ''}\``);
  }
  const action = `get registry token from \`${realm.origin}${realm.pathname}\``;
  const useRefreshToken = credential?.username === '<token>';
  const params = new URLSearchParams();
  if (challenge.params.service) params.set('service', challenge.params.service);
  let res;
  try {
    if (useRefreshToken) {
      params.set('grant_type', 'refresh_token');
      params.set('refresh_token', credential!.password);
      params.set('client_id', clientId);
      if (scopes.length > 0) params.set('scope', scopes.join(' '));
      res = await transport.request({
        method: 'POST',
        url: realm,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(params.toString()),
      });
    } else {
      const url = new URL(realm);
      params.forEach((value, key) => url.searchParams.append(key, value));
      for (const scope of scopes) url.searchParams.append('scope', scope);
      if (credential) url.searchParams.set('account', credential.username);
      const basic = credential ? basicAuthorization(credential) : undefined;
      res = await transport.request({
        method: 'GET',
        url,
        followRedirects: true,
        authorization: basic ? { origin: realm.origin, value: basic } : undefined,
      });
    }
  } catch (err) {
    throw networkError(action, realm.host, err);
  }
  const body = await readBody(res, 1024 * 1024).catch((err) => {
    throw networkError(action, realm.host, err);
  });
  if (res.status === 401 || res.status === 403) {
    const reason = describeResponse(res.status, body);
    throw new AuthError(`${action}: ${credential ? reason : `${reason} (no credentials)`}`, {
      hint: credential ? 'check the username and password (berth login)' : 'log in first with `berth login`',
    });
  }
  if (res.status !== 200) throw new AuthError(`${action}: ${describeResponse(res.status, body)}`);
  return parseTokenBody(body, action);
}

function parseTokenBody(body: Buffer, action: string): Token {
  let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AuthError(`${action}: response is not JSON`);
  }
  const value = typeof doc.token === 'string' && doc.token ? doc.token : doc.access_token;
  if (typeof value !== 'string' || value === '') throw new AuthError(`${action}: response has no token`);
  // The spec: tokens live at least 60 s; renew 10 s early so a request never carries a just-expired one.
  const lifetime = typeof doc.expires_in === 'number' && doc.expires_in > 60 ? doc.expires_in : 60;
  return { value, expiresAt: Date.now() + (lifetime - 10) * 1000 };
}

export function basicAuthorization(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

interface ScopeParts {
  resource: string;
  actions: Set<string>;
}

function splitScope(scope: string): ScopeParts {
  const last = scope.lastIndexOf(':');
  if (last < 0) return { resource: scope, actions: new Set() };
  return { resource: scope.slice(0, last), actions: new Set(scope.slice(last + 1).split(',').filter(Boolean)) };
}

/** True when a token granted for `granted` also serves every scope in `wanted`. */
export function scopesCover(granted: string[], wanted: string[]): boolean {
  const have = granted.map(splitScope);
  return wanted.map(splitScope).every((w) =>
    have.some((h) => h.resource === w.resource && [...w.actions].every((a) => h.actions.has(a))),
  );
}

export class TokenCache {
  private readonly entries: { scopes: string[]; token: Token }[] = [];

  get(scopes: string[]): Token | undefined {
    const now = Date.now();
    const usable = this.entries.filter((e) => e.token.expiresAt > now);
    const exact = usable.find((e) => sameScopes(e.scopes, scopes));
    return (exact ?? usable.find((e) => scopes.length > 0 && scopesCover(e.scopes, scopes)))?.token;
  }

  put(scopes: string[], token: Token): void {
    this.drop(scopes);
    this.entries.push({ scopes: [...scopes], token });
  }

  /** Forgets every token that would have served `scopes`. */
  drop(scopes: string[]): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (sameScopes(e.scopes, scopes) || (scopes.length > 0 && scopesCover(e.scopes, scopes))) this.entries.splice(i, 1);
    }
  }
}

function sameScopes(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join(' ') === [...b].sort().join(' ');
}
