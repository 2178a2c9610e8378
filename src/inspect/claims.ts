/**
 * Plain-language descriptions of registered header parameters and claims, and times shown the way
 * people read them: ISO 8601 and relative to now ("expires in 14 min", "expired 3 days ago").
 */
import type { JSONObject, JSONValue } from '../encoding/json.js';

/** Registered and widely used claims (RFC 7519 §4.1, OpenID Connect Core §2 and §5.1, RFC 8693, RFC 9068). */
export const CLAIM_DESCRIPTIONS: Readonly<Record<string, string>> = {
  iss: 'Issuer: who created and signed the token',
  sub: 'Subject: whom the token is about, usually a user id',
  aud: 'Audience: the recipients the token is meant for; others must refuse it',
  exp: 'Expiration time: the token must not be accepted from this moment on',
  nbf: 'Not before: the token must not be accepted before this moment',
  iat: 'Issued at: when the token was created',
  jti: 'JWT ID: a unique id, used to detect replay or to revoke one token',
  scope: 'Scope: the permissions granted, separated by spaces (OAuth 2.0)',
  scp: 'Scopes: the permissions granted, as a list',
  client_id: 'Client: the OAuth client the token was issued to',
  azp: 'Authorized party: the client the ID token was issued to',
  auth_time: 'Authentication time: when the user last authenticated',
  nonce: 'Nonce: ties an ID token to the request that asked for it',
  acr: 'Authentication context class: how strongly the user was authenticated',
  amr: 'Authentication methods: how the user authenticated (pwd, otp, ...)',
  sid: 'Session id: the login session at the provider',
  at_hash: 'Access token hash: binds the ID token to an access token',
  c_hash: 'Code hash: binds the ID token to an authorization code',
  cnf: 'Confirmation: the key the presenter must prove it holds',
  act: 'Actor: who acts on behalf of the subject (token exchange)',
  roles: 'Roles granted to the subject',
  groups: 'Groups the subject belongs to',
  email: 'E-mail address of the subject (personal data)',
  email_verified: 'Whether the provider verified the e-mail address',
  name: 'Full name of the subject (personal data)',
  preferred_username: 'Username the subject prefers',
};

/** Registered JOSE header parameters (RFC 7515 §4.1, RFC 7516 §4.1, RFC 7518 §4.6-4.8, RFC 7797). */
export const HEADER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  alg: 'Algorithm: how the token is signed or its key encrypted; a verifier must fix it, never read it from here',
  typ: 'Type: the media type of the whole token (JWT, at+jwt, ...)',
  cty: 'Content type: what the payload is (JWT for a nested token)',
  kid: 'Key id: which key signed or encrypted the token',
  jku: 'JWK Set URL: a URL of keys; a verifier must never fetch a URL taken from a token',
  jwk: 'Embedded JSON Web Key: a key carried in the token; never trust it to verify the token',
  x5u: 'X.509 URL: a certificate URL; a verifier must never fetch it',
  x5c: 'X.509 certificate chain of the signing key',
  x5t: 'X.509 certificate SHA-1 thumbprint',
  'x5t#S256': 'X.509 certificate SHA-256 thumbprint',
  crit: 'Critical: extensions the verifier must understand or refuse the token',
  b64: 'Base64url-encode payload: false signs the payload unencoded (RFC 7797)',
  enc: 'Content encryption algorithm of an encrypted token',
  zip: 'Compression of the plaintext before encryption (DEF)',
  epk: 'Ephemeral public key of ECDH-ES key agreement',
  apu: 'Agreement PartyUInfo (ECDH-ES)',
  apv: 'Agreement PartyVInfo (ECDH-ES)',
  iv: 'Initialization vector of AES-GCM key wrapping',
  tag: 'Authentication tag of AES-GCM key wrapping',
  p2s: 'PBES2 salt input',
  p2c: 'PBES2 iteration count',
};

/** The claims that hold NumericDate times. */
export const TIME_CLAIMS: ReadonlySet<string> = new Set(['exp', 'nbf', 'iat', 'auth_time']);

const UNITS: ReadonlyArray<readonly [number, string, string]> = [
  [365.25 * 86400, 'year', 'years'],
  [30.44 * 86400, 'month', 'months'],
  [86400, 'day', 'days'],
  [3600, 'h', 'h'],
  [60, 'min', 'min'],
  [1, 's', 's'],
];

/** @internal A whole number with thousands separators, as the docs write it: 600000 -> "600,000". */
export function groupDigits(value: number): string {
  if (!Number.isSafeInteger(value)) return String(value);
  const digits = String(Math.abs(value));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let at = grouped.length; at < digits.length; at += 3) grouped += `,${digits.slice(at, at + 3)}`;
  return value < 0 ? `-${grouped}` : grouped;
}

/** A duration in its largest whole unit: "14 min", "3 days", "1 year". */
export function formatDuration(seconds: number): string {
  const magnitude = Math.abs(seconds);
  for (const [size, one, many] of UNITS) {
    if (magnitude >= size || size === 1) {
      const count = Math.floor(magnitude / size);
      return `${count} ${count === 1 ? one : many}`;
    }
  }
  return `${Math.floor(magnitude)} s`;
}

/** `in 14 min` or `3 days ago`; `now` within the second. */
export function relativeTime(time: number, now: number): string {
  const delta = time - now;
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** The sentence for a time claim: "expires in 14 min", "expired 3 days ago", "issued 2 h ago". */
export function describeTime(claim: string, time: number, now: number): string {
  const future = time > now;
  const span = formatDuration(time - now);
  if (Math.abs(time - now) < 1) return claim === 'exp' ? 'expires now' : claim === 'iat' ? 'issued just now' : 'now';
  switch (claim) {
    case 'exp':
      return future ? `expires in ${span}` : `expired ${span} ago`;
    case 'nbf':
      return future ? `not valid until ${span} from now` : `valid since ${span} ago`;
    case 'iat':
      return future ? `issued in the future (${span} from now)` : `issued ${span} ago`;
    default:
      return relativeTime(time, now);
  }
}

/** ISO 8601 for a NumericDate, or undefined when it is not a representable time. */
export function isoTime(time: JSONValue | undefined): string | undefined {
  if (typeof time !== 'number' || !Number.isFinite(time)) return undefined;
  const date = new Date(time * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export interface ClaimRow {
  readonly name: string;
  readonly value: JSONValue;
  readonly description: string | undefined;
  /** For time claims: ISO 8601 and the relative sentence. */
  readonly time?: { readonly iso: string; readonly relative: string };
}

/**
 * One row per member of a header or payload, with its description and, for times, ISO and relative forms.
 *
 * @example
 * ```ts
 * describeMembers(payload, 'payload', Date.now() / 1000).find((row) => row.name === 'exp')?.time?.relative;
 * // 'expires in 14 min'
 * ```
 */
export function describeMembers(object: JSONObject, part: 'header' | 'payload', now: number): ClaimRow[] {
  const descriptions = part === 'header' ? HEADER_DESCRIPTIONS : CLAIM_DESCRIPTIONS;
  return Object.keys(object).map((name) => {
    const value = object[name] as JSONValue;
    const description = Object.hasOwn(descriptions, name) ? descriptions[name] : undefined;
    const iso = part === 'payload' && TIME_CLAIMS.has(name) ? isoTime(value) : undefined;
    return iso === undefined
      ? { name, value, description }
      : { name, value, description, time: { iso, relative: describeTime(name, value as number, now) } };
  });
}

/** Whether the token is expired, not yet valid or valid by its times alone (the signature aside). */
export function timeStatus(payload: JSONObject | undefined, now: number): 'expired' | 'not-yet-valid' | 'valid' | 'no-expiry' {
  const { exp, nbf } = payload ?? {};
  if (typeof exp === 'number' && exp <= now) return 'expired';
  if (typeof nbf === 'number' && nbf > now) return 'not-yet-valid';
  return typeof exp === 'number' ? 'valid' : 'no-expiry';
}
