/** @internal The option names of {@link ClaimOptions}, which verifyJWT and decryptJWT both take. */
export const CLAIM_OPTION_NAMES = [
  'issuer',
  'audience',
  'subject',
  'typ',
  'maxAge',
  'clockTolerance',
  'requiredClaims',
  'now',
] as const;

/**
 * Claim validation (RFC 7519 §4.1, RFC 8725 §3.8-3.11). Options are compiled once into a policy; a
 * claim that is present must have the right type (a string, `null` or `1e400` in `exp` is invalid,
 * never "absent"), and an expected issuer or audience makes the claim required.
 */
import type { JSONObject, JSONValue } from '../encoding/json.js';
import { InvalidOptionError, JWTClaimError, JWTExpiredError, JWTMalformedError, JWTNotYetValidError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import { parseDuration, parseNow } from './duration.js';

export interface ClaimOptions {
  /** Accepted issuers; makes `iss` required. Exact string match. */
  issuer?: string | string[];
  /** Accepted audiences; makes `aud` required. Any element of the token's `aud` may match. */
  audience?: string | string[];
  /** Expected subject; makes `sub` required. */
  subject?: string;
  /** Expected `typ` header, compared per RFC 8725 §3.11 (case-insensitive, `application/` optional). */
  typ?: string;
  /** Largest age of the token by its `iat` (seconds or duration string); makes `iat` required. */
  maxAge?: number | string;
  /** Leeway for `exp`, `nbf` and `maxAge` (seconds or duration string, default 0). */
  clockTolerance?: number | string;
  /** Claims that must be present. */
  requiredClaims?: string[];
  /** The current time as a NumericDate (seconds) or Date; defaults to the clock. */
  now?: number | Date;
}

export interface ClaimPolicy {
  readonly issuer: ReadonlySet<string> | undefined;
  readonly audience: ReadonlySet<string> | undefined;
  readonly subject: string | undefined;
  readonly typ: string | undefined;
  readonly maxAge: number | undefined;
  readonly tolerance: number;
  readonly required: readonly string[];
  readonly now: number | undefined;
}

function stringSet(value: unknown, option: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
    throw new InvalidOptionError(option, 'must be a string or a non-empty array of strings');
  }
  return new Set(list);
}

/** RFC 8725 §3.11: media types compare case-insensitively, and `application/` may be left out. */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice(12) : lower;
}

/** Validates claim options and compiles them; throws ERR_INVALID_OPTION on anything unusable. */
export function compileClaimPolicy(options: ClaimOptions): ClaimPolicy {
  if (options.subject !== undefined && typeof options.subject !== 'string')
    throw new InvalidOptionError('subject', 'must be a string');
  if (options.typ !== undefined && (typeof options.typ !== 'string' || options.typ.length === 0)) {
    throw new InvalidOptionError('typ', 'must be a non-empty string');
  }
  const required = options.requiredClaims ?? [];
  if (!Array.isArray(required) || !required.every((claim) => typeof claim === 'string')) {
    throw new InvalidOptionError('requiredClaims', 'must be an array of claim names');
  }
  const maxAge = options.maxAge === undefined ? undefined : parseDuration(options.maxAge, 'maxAge');
  if (maxAge === 0) throw new InvalidOptionError('maxAge', 'must be greater than 0');
  return {
    issuer: stringSet(options.issuer, 'issuer'),
    audience: stringSet(options.audience, 'audience'),
    subject: options.subject,
    typ: options.typ === undefined ? undefined : normalizeTyp(options.typ),
    maxAge,
    tolerance: options.clockTolerance === undefined ? 0 : parseDuration(options.clockTolerance, 'clockTolerance'),
    required,
    now: options.now === undefined ? undefined : parseNow(options.now),
  };
}

/**
 * A claim, own members only: a payload is a plain object, and neither a claim name such as
 * "constructor" (requiredClaims is the caller's list) nor a property some other code put on
 * Object.prototype may be taken for a claim. Every check that reads a claim reads it so.
 */
export const ownClaim = (payload: object, claim: string): unknown =>
  Object.hasOwn(payload, claim) ? (payload as Record<string, unknown>)[claim] : undefined;
const own = ownClaim as (payload: JSONObject, claim: string) => JSONValue | undefined;
const has = (payload: JSONObject, claim: string) => own(payload, claim) !== undefined;

function numericDate(payload: JSONObject, claim: string): number | undefined {
  const value = own(payload, claim);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JWTClaimError(claim, 'invalid', `"${claim}" must be a finite NumericDate`);
  }
  return value;
}

function stringClaim(payload: JSONObject, claim: string): string | undefined {
  const value = own(payload, claim);
  if (value !== undefined && typeof value !== 'string') throw new JWTClaimError(claim, 'invalid', `"${claim}" must be a string`);
  return value;
}

function expected(claim: string, value: string | undefined, accepted: ReadonlySet<string> | string | undefined): void {
  if (accepted === undefined) return;
  if (value === undefined) throw new JWTClaimError(claim, 'missing', `"${claim}" is required`);
  const ok = typeof accepted === 'string' ? value === accepted : accepted.has(value);
  if (!ok) throw new JWTClaimError(claim, 'mismatch', `unexpected "${claim}" value`);
}

/** A token's time claims, each checked to be a finite NumericDate when present. */
export interface ClaimTimes {
  readonly exp: number | undefined;
  readonly nbf: number | undefined;
  readonly iat: number | undefined;
}

export function claimTimes(payload: JSONObject): ClaimTimes {
  return { exp: numericDate(payload, 'exp'), nbf: numericDate(payload, 'nbf'), iat: numericDate(payload, 'iat') };
}

/**
 * The checks that depend on the clock (exp, nbf, maxAge, with the tolerance). A verified-token
 * cache hit runs only these: everything else checkClaims reads is the frozen token and the policy.
 */
export function checkTimes({ exp, nbf, iat }: ClaimTimes, policy: ClaimPolicy): void {
  const now = policy.now ?? Date.now() / 1000;
  const tolerance = policy.tolerance;
  if (exp !== undefined && now - tolerance >= exp) throw new JWTExpiredError('exp', 'the token has expired');
  if (nbf !== undefined && now + tolerance < nbf) throw new JWTNotYetValidError('the token is not valid yet');
  if (policy.maxAge !== undefined) {
    if (iat === undefined) throw new JWTClaimError('iat', 'missing', '"iat" is required when maxAge is set');
    if (iat > now + tolerance) throw new JWTClaimError('iat', 'invalid', '"iat" is in the future');
    if (now - iat - tolerance > policy.maxAge) throw new JWTExpiredError('iat', 'the token is older than maxAge');
  }
}

/** Checks the header `typ` and the claims of a verified token against a policy; returns the time claims. */
export function checkClaims(payload: JSONObject, header: JWSHeader, policy: ClaimPolicy): ClaimTimes {
  const typ = header.typ;
  if (typ !== undefined && typeof typ !== 'string') throw new JWTMalformedError('header "typ" must be a string');
  if (policy.typ !== undefined) {
    if (typ === undefined) throw new JWTClaimError('typ', 'missing', 'header "typ" is required');
    if (normalizeTyp(typ) !== policy.typ) throw new JWTClaimError('typ', 'mismatch', 'unexpected "typ" header');
  }

  const times = claimTimes(payload);
  checkTimes(times, policy);

  expected('iss', stringClaim(payload, 'iss'), policy.issuer);
  expected('sub', stringClaim(payload, 'sub'), policy.subject);
  stringClaim(payload, 'jti');

  const aud = own(payload, 'aud');
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((item) => typeof item === 'string'))) {
    throw new JWTClaimError('aud', 'invalid', '"aud" must be a string or an array of strings');
  }
  if (policy.audience !== undefined) {
    if (aud === undefined) throw new JWTClaimError('aud', 'missing', '"aud" is required');
    const audiences = typeof aud === 'string' ? [aud] : (aud as string[]);
    if (!audiences.some((item) => (policy.audience as ReadonlySet<string>).has(item))) {
      throw new JWTClaimError('aud', 'mismatch', 'unexpected "aud" value');
    }
  }

  for (const claim of policy.required) {
    if (!has(payload, claim)) throw new JWTClaimError(claim, 'missing', `"${claim.slice(0, 32)}" is required`);
  }
  return times;
}
