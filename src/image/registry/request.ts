/**
 * The shape of one authenticated request to the registry, as the blob and
 * manifest operations hand it to the client, and how an unexpected answer
 * becomes an error (Docker's wording for denied pulls).
 */
import { AuthError, BerthError, isBerthError, RegistryError } from '../../errors';
import { describeResponse, isNetworkError, parseErrorBody, RegistryResponseError } from './errors';
import { BodySource, HttpResponse, readBody } from './transport';

export interface RegistryRequest {
  /** "fetch blob `sha256:..` from `host/repo`": the start of any error message. */
  action: string;
  method: string;
  /** A path under the registry's base URL, or an absolute URL (upload locations). */
  path?: string;
  url?: URL;
  /** Token scopes the request needs (`repository:NAME:pull`). */
  scopes: string[];
  headers?: Record<string, string>;
  body?: BodySource;
  followRedirects?: boolean;
}

export type SendRegistryRequest = (req: RegistryRequest) => Promise<HttpResponse>;

/** What the request was for, which decides the wording of a 401/403. */
export type Purpose = { kind: 'pull'; name: string } | { kind: 'push' } | { kind: 'login'; host: string };

/** The error for an answer with an unexpected status; reads (a bounded part of) its body. */
export async function responseFailure(res: HttpResponse, action: string, purpose: Purpose): Promise<BerthError> {
  const body = await readBody(res, 64 * 1024).catch(() => Buffer.alloc(0));
  const entries = parseErrorBody(body);
  const reason = describeResponse(res.status, body, entries);
  if (res.status === 401 || res.status === 403) {
    const authReason = entries.length > 0 ? reason : res.status === 401 ? 'unauthorized: authentication required' : 'denied: requested access to the resource is denied';
    if (purpose.kind === 'pull') {
      return new AuthError(
        `pull access denied for \`${purpose.name}\`, repository does not exist or may require 'berth login': ${authReason}`,
        { hint: 'check the name, or log in with `berth login`' },
      );
    }
    if (purpose.kind === 'login') return new AuthError(`login to \`${purpose.host}\`: ${authReason}`);
    return new AuthError(`${action}: ${authReason}`, { hint: 'log in with `berth login` to an account allowed to push there' });
  }
  return new RegistryResponseError(`${action}: ${reason}`, entries, { status: res.status });
}

/** True for failures worth another try: the connection broke, or the registry had a 5xx moment. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RegistryError) {
    if (err.status !== undefined) return err.status >= 500 || err.status === 429;
    return isNetworkError(err.cause);
  }
  return !isBerthError(err) && isNetworkError(err);
}
