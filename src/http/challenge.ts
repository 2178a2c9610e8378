/**
 * RFC 6750 §3 `WWW-Authenticate: Bearer` challenges. Every value is sent as a quoted-string
 * (RFC 9110 §5.6.4): backslashes and quotes are escaped, and characters a header cannot carry
 * (controls, CR, LF, anything outside printable ASCII) never reach it.
 */
import { InvalidOptionError } from '../errors.js';

/** Quotes a value for an auth-param. */
export function quote(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}

/** The challenge: `Bearer realm="api", error="invalid_token", error_description="..."`. */
export function bearerChallenge(realm: string, params: Record<string, string | undefined>): string {
  let challenge = `Bearer realm=${quote(realm)}`;
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) challenge += `, ${name}=${quote(value)}`;
  }
  return challenge;
}

/** RFC 9449 §7.1: `DPoP realm="api", algs="ES256 PS256"`, then the error parameters. */
export function dpopChallenge(realm: string, algs: string, params: Record<string, string | undefined>): string {
  let challenge = `DPoP realm=${quote(realm)}, algs=${quote(algs)}`;
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) challenge += `, ${name}=${quote(value)}`;
  }
  return challenge;
}

/** A realm must be printable ASCII: it is a fixed name, never taken from the request. */
export function checkRealm(realm: unknown): string {
  if (realm === undefined) return 'api';
  if (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm))
    throw new InvalidOptionError('realm', 'must be a string of printable ASCII characters');
  return realm;
}

/** RFC 6749 §3.3 scope-token: printable ASCII without space, quote or backslash. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Normalises `requiredScopes` (an array, or one space-separated string). */
export function checkScopes(scopes: unknown, option = 'requiredScopes'): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  const list = typeof scopes === 'string' ? scopes.split(' ').filter((scope) => scope !== '') : scopes;
  if (!Array.isArray(list) || list.length === 0 || !list.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
    throw new InvalidOptionError(option, 'must be a non-empty list of scope tokens (printable ASCII, no spaces or quotes)');
  }
  return list;
}
