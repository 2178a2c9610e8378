/**
 * The opt-in verified-token cache of `createVerifier` (`cache: { max, ttl }`). A hit skips the
 * parsing and the signature, never the rules that depend on time or keys:
 *
 * - keyed by the whole token string (a Map compares strings exactly: no digest that could collide);
 * - an entry lives until the earlier of its `ttl` and the token's `exp`, and every hit re-runs the
 *   checks that depend on the clock (exp, nbf, maxAge, with clockTolerance) against the current
 *   time; the others (iss, aud, typ, required claims, ...) read only the frozen token and the
 *   verifier's fixed options, so the answer they gave when the entry was made stands;
 * - a hit asks the key source again for the token's key: if it is no longer the key that verified
 *   the token (the key set changed, the kid is gone), the entry is dropped and the token verified
 *   from scratch;
 * - bounded: least recently used entries go first;
 * - failures are cached only with `errors: true`, and only those a token cannot outgrow (bad
 *   signature, malformed, algorithm refused, expired, claim mismatch), never "not valid yet" or
 *   key lookup failures;
 * - results are deep-frozen, because every hit hands out the same object.
 */

import type { JSONObject } from '../encoding/json.js';
import { InvalidOptionError, JWTClaimError, type JWTKitError } from '../errors.js';
import type { Key } from '../keys/key.js';
import { checkOptionNames, optionNames } from '../options.js';
import { type ClaimTimes, claimTimes } from './claims.js';
import { parseDuration } from './duration.js';
import type { VerifiedJWT } from './types.js';

export interface VerifierCacheOptions {
  /** Largest number of tokens kept (a positive integer). Memory is bounded by max x maxTokenLength. */
  max: number;
  /** Longest time an entry lives (seconds or a duration string such as "5m"); the token's exp cuts it shorter. */
  ttl: number | string;
  /** Also remember failures a token cannot outgrow (default false). */
  errors?: boolean;
}

interface Success {
  readonly result: VerifiedJWT<object>;
  readonly key: Key;
  /** The token's exp, nbf and iat, for the checks a hit re-runs. */
  readonly times: ClaimTimes;
  readonly deadline: number;
}

interface Failure {
  readonly error: JWTKitError;
  readonly deadline: number;
}

export type CacheEntry = Success | Failure;

/** Codes of failures that stay failures as time passes and keys rotate. */
const PERMANENT = new Set(['ERR_JWT_MALFORMED', 'ERR_JWS_MALFORMED', 'ERR_JWS_SIGNATURE_INVALID', 'ERR_ALG_NOT_ALLOWED']);

function permanent(error: JWTKitError): boolean {
  if (PERMANENT.has(error.code)) return true;
  // Expired stays expired; a claim mismatch stays one. An iat in the future or an nbf does not.
  return (
    error instanceof JWTClaimError && error.reason !== 'not_yet_valid' && !(error.claim === 'iat' && error.reason === 'invalid')
  );
}

function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) freeze(member);
    Object.freeze(value);
  }
  return value;
}

export interface VerifiedTokenCache {
  /** The live entry for `token`, marked as most recently used; expired entries are dropped. */
  get(token: string): CacheEntry | undefined;
  remember(token: string, result: VerifiedJWT<object>, key: Key): void;
  /** Remembers a failure when failures are cached and this one is permanent. */
  rememberFailure(token: string, error: unknown): void;
  forget(token: string): void;
  clear(): void;
  readonly size: number;
}

/** Validates the options and makes the cache. Non-finite or non-positive limits are refused: they would switch off a bound. */
const CACHE_OPTIONS = /* @__PURE__ */ optionNames<VerifierCacheOptions>()(['max', 'ttl', 'errors']);

export function createVerifiedTokenCache(options: VerifierCacheOptions): VerifiedTokenCache {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('cache', 'must be an object { max, ttl }');
  checkOptionNames(options, CACHE_OPTIONS, 'cache');
  const { max, errors = false } = options;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max <= 0) {
    throw new InvalidOptionError('cache.max', 'must be a positive integer');
  }
  const ttlSeconds = parseDuration(options.ttl, 'cache.ttl');
  if (ttlSeconds <= 0) throw new InvalidOptionError('cache.ttl', 'must be greater than 0');
  if (typeof errors !== 'boolean') throw new InvalidOptionError('cache.errors', 'must be a boolean');
  const ttl = ttlSeconds * 1000;
  const entries = new Map<string, CacheEntry>();
  /** The most recently used token: a hit on it needs no reordering (a client repeating its token). */
  let newest: string | undefined;

  const store = (token: string, entry: CacheEntry) => {
    entries.delete(token);
    entries.set(token, entry);
    newest = token;
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
  };

  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (Date.now() >= entry.deadline) {
        entries.delete(token);
        return undefined;
      }
      // Most recently used goes last; eviction takes the first.
      if (token !== newest) {
        entries.delete(token);
        entries.set(token, entry);
        newest = token;
      }
      return entry;
    },
    remember(token, result, key) {
      const exp = result.payload.exp;
      const untilExp = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
      const deadline = Math.min(Date.now() + ttl, untilExp);
      if (deadline > Date.now())
        store(token, { result: freeze(result), key, times: claimTimes(result.payload as JSONObject), deadline });
    },
    rememberFailure(token, error) {
      if (!errors || typeof token !== 'string') return;
      const failure = error as JWTKitError;
      if (typeof failure?.code === 'string' && permanent(failure)) store(token, { error: failure, deadline: Date.now() + ttl });
    },
    forget(token) {
      entries.delete(token);
    },
    clear() {
      entries.clear();
      newest = undefined;
    },
    get size() {
      return entries.size;
    },
  };
}
