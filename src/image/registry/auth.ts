/**
 * Which `Authorization` a request to the registry carries. The registry says
 * how it wants to be authenticated in the challenge of its `/v2/` answer (or
 * of any 401): Bearer means a token per scope from its token service, Basic
 * means the stored credentials on every request, none means nothing.
 */
import { Challenge, findChallenge, parseChallenges } from './challenge';
import type { Credential } from './credentials';
import { basicAuthorization, requestToken, TokenCache } from './token';
import { HttpTransport } from './transport';

export class Authenticator {
  private challenges: Challenge[] = [];
  private readonly tokens = new TokenCache();
  /** Requests for a token already in flight, so parallel blob fetches share one. */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly transport: HttpTransport,
    private readonly credential: Credential | undefined,
    private readonly clientId: string,
  ) {}

  get hasCredential(): boolean {
    return this.credential !== undefined;
  }

  /** Remembers the challenges of a 401 answer (from `/v2/` or any resource). */
  learn(wwwAuthenticate: string | string[] | undefined): Challenge[] {
    const found = parseChallenges(wwwAuthenticate).filter((c) => c.scheme === 'bearer' || c.scheme === 'basic');
    if (found.length > 0) this.challenges = found;
    return found;
  }

  /** True when the registry asked for authentication of any kind. */
  get challenged(): boolean {
    return this.challenges.length > 0;
  }

  /** The `Authorization` value for a request needing `scopes`, or undefined when none is needed or possible. */
  async authorization(scopes: string[]): Promise<string | undefined> {
    const bearer = findChallenge(this.challenges, 'bearer');
    if (bearer) return `Bearer ${await this.token(bearer, scopes)}`;
    if (findChallenge(this.challenges, 'basic') && this.credential) return basicAuthorization(this.credential);
    return undefined;
  }

  /**
   * After a 401: learns its challenge, drops the token that failed, and says
   * whether a retry could carry a different authorization than `sent`.
   */
  async renewAfterUnauthorized(wwwAuthenticate: string | string[] | undefined, scopes: string[], sent: string | undefined): Promise<boolean> {
    const fresh = this.learn(wwwAuthenticate);
    const bearer = findChallenge(fresh, 'bearer');
    const extra = bearer?.params.scope ? bearer.params.scope.split(' ').filter(Boolean) : [];
    this.tokens.drop(scopes);
    const wanted = [...new Set([...scopes, ...extra])];
    const next = await this.authorization(wanted);
    return next !== undefined && next !== sent;
  }

  private async token(challenge: Challenge, scopes: string[]): Promise<string> {
    const cached = this.tokens.get(scopes);
    if (cached) return cached.value;
    const key = [...scopes].sort().join(' ');
    let inFlight = this.pending.get(key);
    if (!inFlight) {
      inFlight = requestToken(this.transport, challenge, scopes, this.credential, this.clientId)
        .then((token) => {
          this.tokens.put(scopes, token);
          return token.value;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, inFlight);
    }
    return inFlight;
  }
}
