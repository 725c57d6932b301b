/**
 * Turning what went wrong on the wire into berth's typed errors: the
 * registry's JSON error body (`{"errors":[{"code":"MANIFEST_UNKNOWN",...}]}`)
 * and Node's network errors, each named by host with a remedy where there
 * is one.
 */
import { STATUS_CODES } from 'node:http';
import { RegistryError, BerthErrorOptions, isBerthError } from '../../errors';

export interface RegistryErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

/** A registry answered with an error status; `entries` holds its JSON error list. */
export class RegistryResponseError extends RegistryError {
  readonly entries: RegistryErrorEntry[];
  constructor(message: string, entries: RegistryErrorEntry[], options: BerthErrorOptions & { status: number }) {
    super(message, options);
    this.entries = entries;
  }
  hasCode(code: string): boolean {
    return this.entries.some((e) => e.code === code);
  }
}

/** The error list of a registry's JSON body; empty when the body is not one. */
export function parseErrorBody(body: Buffer): RegistryErrorEntry[] {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: unknown; details?: unknown };
    if (!Array.isArray(doc.errors)) return [];
    return doc.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({
        code: typeof e.code === 'string' ? e.code : 'UNKNOWN',
        message: typeof e.message === 'string' ? e.message : undefined,
        detail: e.detail,
      }));
  } catch {
    return [];
  }
}

/** `manifest unknown: manifest unknown`, as Docker prints an errcode. */
export function describeEntry(entry: RegistryErrorEntry): string {
  const codeText = entry.code.toLowerCase().replace(/_/g, ' ');
  return entry.message ? `${codeText}: ${entry.message}` : codeText;
}

/** The reason part of a message for an error response: the registry's own words when it gave any. */
export function describeResponse(status: number, body: Buffer, entries = parseErrorBody(body)): string {
  if (entries.length > 0) return entries.map(describeEntry).join('; ');
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
  const statusText = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  return text ? `HTTP ${statusText}: ${text}` : `HTTP ${statusText}`;
}

/** A RegistryResponseError for an unexpected status: "`action`: reason". */
export function responseError(action: string, status: number, body: Buffer): RegistryResponseError {
  const entries = parseErrorBody(body);
  return new RegistryResponseError(`${action}: ${describeResponse(status, body, entries)}`, entries, { status });
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed by peer',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'temporary failure in name resolution',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'address not available',
};

/** True for failures of the connection itself (worth a retry or a fallback), not of the content. */
export function isNetworkError(err: unknown): boolean {
  if (isBerthError(err)) return false;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return (
    code in NETWORK_REASONS ||
    code === 'ECONNECTTIMEOUT' ||
    code === 'EREADTIMEOUT' ||
    code === 'EPROTO' ||
    code === 'ECONNABORTED' ||
    code === 'HPE_INVALID_CONSTANT' ||
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('HPE_') ||
    isCertificateError(code)
  );
}

function isCertificateError(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** RegistryError for a failed exchange with `host`: "`action`: connect to `host`: reason", with a hint. */
export function networkError(action: string, host: string, err: unknown): RegistryError {
  if (isBerthError(err)) return err as RegistryError;
  const code = String((err as { code?: unknown })?.code ?? '');
  const detail = (err as Error)?.message ?? String(err);
  let reason = NETWORK_REASONS[code] ?? detail;
  let hint = `check that the registry \`${host}\` is running and reachable`;
  if (code === 'ECONNECTTIMEOUT' || code === 'EREADTIMEOUT') reason = detail;
  if (isCertificateError(code)) {
    reason = `TLS certificate not trusted: ${detail}`;
    hint = `add the registry's CA certificate, or mark \`${host}\` as an insecure registry (--insecure-registry)`;
  } else if (code === 'EPROTO' || code.startsWith('ERR_SSL')) {
    reason = `TLS handshake failed: ${detail}`;
    hint = `if \`${host}\` speaks plain HTTP, mark it as an insecure registry (--insecure-registry)`;
  }
  return new RegistryError(`${action}: connect to \`${host}\`: ${reason}`, { cause: err, hint });
}
