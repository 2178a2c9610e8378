/**
 * verifyJWT, createVerifier and their sync forms. One compiled verifier serves all of them: options
 * are checked and keys imported once, headers parsed once per distinct header, and per token the
 * work is split, check, verify, decode, check claims, in that order.
 */

import type { JWSAlgorithm } from '../algorithms/index.js';
import { type Awaitable, after, recover, settle } from '../backend/types.js';
import { base64urlProblem, decodeBase64url } from '../encoding/base64url.js';
import type { JSONObject } from '../encoding/json.js';
import { InvalidOptionError, JWTMalformedError, SyncUnavailableError } from '../errors.js';
import { createHeaderReader, type ParsedHeader, parseJSONBytes, splitCompact } from '../jws/compact.js';
import { headerRules, type JWSHeader } from '../jws/header.js';
import {
  checkAlgorithmsOption,
  checkHeaderAlgorithm,
  createKeySource,
  type KeyOrResolver,
  type KeySource,
  primeKeySource,
} from '../jws/key-source.js';
import { assertVerified, verifySegment } from '../jws/signature.js';
import { importKeyForSync } from '../keys/import.js';
import { Key } from '../keys/key.js';
import { checkOptionNames, optionNames } from '../options.js';
import {
  CLAIM_OPTION_NAMES,
  type ClaimOptions,
  type ClaimPolicy,
  checkClaims,
  checkTimes,
  compileClaimPolicy,
} from './claims.js';
import { DEFAULT_MAX_JWT_LENGTH, type JWTPayload, type VerifiedJWT } from './types.js';
import { type CacheEntry, createVerifiedTokenCache, type VerifiedTokenCache, type VerifierCacheOptions } from './verify-cache.js';

export interface VerifyJWTOptions extends ClaimOptions {
  /** Algorithms accepted. Without it, only the key's own algorithm (RS256 for a bare RSA key, HS256 for a bare secret, ...). */
  algorithms?: string[];
  /** Extension header parameters this application understands (`crit`). */
  crit?: string[];
  /** Largest token accepted, in characters (default 8192); checked before anything is decoded. */
  maxTokenLength?: number;
}

export interface VerifierOptions extends VerifyJWTOptions {
  /** The key, key material, JWKS resolver or function returning the key for a header. */
  key: KeyOrResolver;
  /**
   * Remember verified tokens (opt-in): a repeated token skips parsing and the signature, but its
   * claims are checked again on every hit and its key looked up again; entries end at the token's
   * `exp` or after `ttl`, whichever is first. Results are then frozen. See docs/decisions.md.
   */
  cache?: VerifierCacheOptions;
}

const malformed = (message: string) => new JWTMalformedError(message);

/** The option names of verifyJWT, which createVerifier takes too. */
const VERIFY_JWT_NAMES = ['algorithms', 'crit', 'maxTokenLength', ...CLAIM_OPTION_NAMES] as const;
/** The option names of createVerifier: its key and cache, then verifyJWT's. @internal */
export const VERIFIER_NAMES = ['key', 'cache', ...VERIFY_JWT_NAMES] as const;
/** @internal */
export const VERIFY_JWT_OPTIONS = /* @__PURE__ */ optionNames<VerifyJWTOptions>()(VERIFY_JWT_NAMES);
const VERIFIER_OPTIONS = /* @__PURE__ */ optionNames<VerifierOptions>()(VERIFIER_NAMES);

interface Compiled {
  readonly readHeader: (segment: string) => ParsedHeader;
  readonly allowed: ReadonlySet<string> | undefined;
  readonly source: KeySource;
  readonly policy: ClaimPolicy;
  readonly maxLength: number;
}

interface Split {
  readonly parsed: ParsedHeader;
  readonly alg: JWSAlgorithm;
  readonly input: string;
  readonly payload: Uint8Array;
  /** The signature segment, as the token has it: {@link verifySegment} checks it. */
  readonly signature: string;
}

/**
 * What only the APIs with a synchronous form pass to {@link compile} (so that verifyJWT's bundle
 * carries neither): the synchronous import, and for a verifier made once the priming of its key.
 */
interface SyncParts {
  readonly sync: typeof importKeyForSync;
  readonly prime?: typeof primeKeySource;
}

function compile(key: KeyOrResolver, options: VerifyJWTOptions, headerCacheSize: number, parts?: SyncParts): Compiled {
  const maxLength = options.maxTokenLength ?? DEFAULT_MAX_JWT_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength <= 0)
    throw new InvalidOptionError('maxTokenLength', 'must be a positive integer');
  if (options.crit !== undefined && (!Array.isArray(options.crit) || !options.crit.every((name) => typeof name === 'string'))) {
    throw new InvalidOptionError('crit', 'must be an array of header parameter names');
  }
  const allowed = checkAlgorithmsOption(options.algorithms);
  return {
    readHeader: createHeaderReader(headerRules(options.crit, false), malformed, headerCacheSize),
    allowed,
    source: createKeySource(key, allowed, parts),
    policy: compileClaimPolicy(options),
    maxLength,
  };
}

function split(compiled: Compiled, token: unknown): Split {
  const parts = splitCompact(token, compiled.maxLength, malformed);
  const parsed = compiled.readHeader(parts.protectedSegment);
  const alg = checkHeaderAlgorithm(parsed.alg, compiled.allowed);
  // Decoded once, before any crypto: the signing input must be canonical base64url (the signature
  // segment is checked with the signature, by verifySegment).
  const payload = parts.payloadSegment.length === 0 ? undefined : decodeBase64url(parts.payloadSegment);
  if (payload === undefined) {
    if (parts.payloadSegment.length === 0) throw malformed('the payload segment is empty: a JWT carries its claims');
    throw malformed(`the payload is not canonical base64url: ${base64urlProblem(parts.payloadSegment)}`);
  }
  return {
    parsed,
    alg,
    input: parts.signingInput,
    payload,
    signature: parts.signatureSegment,
  };
}

function finish<P extends object>(compiled: Compiled, token: Split): VerifiedJWT<P> {
  const payload = parseJSONBytes(token.payload, 'payload', malformed);
  checkClaims(payload, token.parsed.header, compiled.policy);
  return { payload: payload as P & JWTPayload, header: token.parsed.header };
}

/** What {@link finish} gave: the verified token, or the error it threw. */
type Finished<P extends object> = { readonly result: VerifiedJWT<P> } | { readonly error: unknown };

function tryFinish<P extends object>(compiled: Compiled, token: Split): Finished<P> {
  try {
    return { result: finish<P>(compiled, token) };
  } catch (error) {
    return { error };
  }
}

/**
 * The async path, without a microtask turn where the key source and the backend answer at once.
 * Where the signature is checked asynchronously (WebCrypto works off the main thread), the payload
 * is parsed and its claims checked while it runs, instead of after: that JavaScript then costs no
 * time of its own. Their verdict is given only once the signature has verified, so a forged token
 * always fails as forged, whatever its claims, and both checks run whatever the other finds.
 */
function run<P extends object>(compiled: Compiled, token: unknown, cache?: VerifiedTokenCache): Awaitable<VerifiedJWT<P>> {
  const parts = split(compiled, token);
  return after(compiled.source.get(parts.alg, parts.parsed.header, token), (key) => {
    const verified = verifySegment(key, parts.input, parts.signature, malformed);
    if (!(verified instanceof Promise)) {
      assertVerified(verified);
      return remember(cache, token, key, finish<P>(compiled, parts));
    }
    const finished = tryFinish<P>(compiled, parts);
    return verified.then((ok) => {
      assertVerified(ok);
      if ('error' in finished) throw finished.error;
      return remember(cache, token, key, finished.result);
    });
  });
}

/** Puts a verified token in the cache, if there is one, and passes it on. */
function remember<P extends object>(
  cache: VerifiedTokenCache | undefined,
  token: unknown,
  key: Key,
  result: VerifiedJWT<P>,
): VerifiedJWT<P> {
  cache?.remember(token as string, result, key);
  return result;
}

function runSync<P extends object>(compiled: Compiled, token: unknown, cache?: VerifiedTokenCache): VerifiedJWT<P> {
  const parts = split(compiled, token);
  const key = compiled.source.getSync(parts.alg, parts.parsed.header, token);
  const ok = verifySegment(key, parts.input, parts.signature, malformed);
  if (ok instanceof Promise)
    throw new SyncUnavailableError(`${key.alg} is served by the asynchronous ${key.backend} backend here`);
  assertVerified(ok);
  return remember(cache, token, key, finish<P>(compiled, parts));
}

/**
 * A cache hit is served only while the key source still gives the key that verified the token and
 * the claims still pass now (only the clock can have changed their answer); otherwise the entry
 * goes and `undefined` sends the token down the full path.
 */
function served<P extends object>(compiled: Compiled, cache: VerifiedTokenCache, token: string, entry: CacheEntry, key: Key) {
  if (!('result' in entry)) throw entry.error;
  if (key !== entry.key) {
    cache.forget(token);
    return undefined;
  }
  try {
    checkTimes(entry.times, compiled.policy);
  } catch (error) {
    cache.forget(token);
    throw error;
  }
  return entry.result as VerifiedJWT<P>;
}

function runCached<P extends object>(compiled: Compiled, cache: VerifiedTokenCache, token: string): Awaitable<VerifiedJWT<P>> {
  const entry = cache.get(token);
  const miss = () =>
    recover(
      () => run<P>(compiled, token, cache),
      (error) => failed(cache, token, error),
    );
  if (entry === undefined) return miss();
  if (!('result' in entry)) throw entry.error;
  return after(keyFor(compiled, cache, token, entry), (key) => served<P>(compiled, cache, token, entry, key) ?? miss());
}

/** Records a failed verification (when failures are cached) and passes the error on. */
function failed(cache: VerifiedTokenCache, token: string, error: unknown): never {
  cache.rememberFailure(token, error);
  throw error;
}

function runCachedSync<P extends object>(compiled: Compiled, cache: VerifiedTokenCache, token: string): VerifiedJWT<P> {
  const entry = cache.get(token);
  if (entry !== undefined) {
    const key = 'result' in entry ? keyForSync(compiled, cache, token, entry) : undefined;
    // The sync API works where the backend is synchronous, hit or miss alike.
    if (key !== undefined && !key.internals.backend.synchronous)
      throw new SyncUnavailableError(`${key.alg} is served by the asynchronous ${key.backend} backend here`);
    const hit = served<P>(compiled, cache, token, entry, key as Key);
    if (hit !== undefined) return hit;
  }
  try {
    return runSync<P>(compiled, token, cache);
  } catch (error) {
    return failed(cache, token, error);
  }
}

/** The key the source gives now for a cached token; a failing lookup drops the entry and fails the call. */
function keyFor(
  compiled: Compiled,
  cache: VerifiedTokenCache,
  token: string,
  entry: CacheEntry & { result: VerifiedJWT<object> },
): Awaitable<Key> {
  return recover(
    () => compiled.source.get(entry.result.header.alg as JWSAlgorithm, entry.result.header, token),
    (error) => {
      cache.forget(token);
      throw error;
    },
  );
}

function keyForSync(
  compiled: Compiled,
  cache: VerifiedTokenCache,
  token: string,
  entry: CacheEntry & { result: VerifiedJWT<object> },
) {
  try {
    return compiled.source.getSync(entry.result.header.alg as JWSAlgorithm, entry.result.header, token);
  } catch (error) {
    cache.forget(token);
    throw error;
  }
}

/**
 * @internal The signature half of verifyJWT, for a nested JWT inside a JWE: algorithm policy and
 * signature are checked and the payload parsed; the claims are the caller's to check, once, with
 * its own options.
 */
export async function verifyJWTSignature(
  token: string,
  key: KeyOrResolver,
  options: Pick<VerifyJWTOptions, 'algorithms' | 'crit' | 'maxTokenLength'>,
): Promise<{ payload: JSONObject; header: Readonly<JWSHeader> }> {
  const compiled = compile(key, options, 0);
  const parts = split(compiled, token);
  const verifyingKey = await compiled.source.get(parts.alg, parts.parsed.header, token);
  assertVerified(await verifySegment(verifyingKey, parts.input, parts.signature, malformed));
  return { payload: parseJSONBytes(parts.payload, 'payload', malformed), header: parts.parsed.header };
}

/**
 * Verifies a compact JWT: signature, algorithm policy, and claims. Rejects with a typed error whose
 * `code` says why (`ERR_JWT_EXPIRED`, `ERR_JWS_SIGNATURE_INVALID`, `ERR_ALG_NOT_ALLOWED`, ...).
 *
 * @example
 * ```ts
 * const { payload } = await verifyJWT(token, publicKey, {
 *   algorithms: ['ES256'],
 *   issuer: 'https://auth.example.com',
 *   audience: 'api',
 * });
 * ```
 */
export function verifyJWT<P extends object = JWTPayload>(
  token: string,
  keyOrResolver: KeyOrResolver,
  options: VerifyJWTOptions = {},
): Promise<VerifiedJWT<P>> {
  return settle(() => {
    checkOptionNames(options, VERIFY_JWT_OPTIONS);
    return run<P>(compile(keyOrResolver, options, 0), token);
  });
}

/**
 * The synchronous form of {@link verifyJWT}, for keys the node:crypto backend serves. Throws
 * `ERR_SYNC_UNAVAILABLE` where the key needs WebCrypto.
 *
 * @example
 * ```ts
 * const { payload } = verifyJWTSync(token, secret, { algorithms: ['HS256'] });
 * ```
 */
export function verifyJWTSync<P extends object = JWTPayload>(
  token: string,
  keyOrResolver: KeyOrResolver,
  options: VerifyJWTOptions = {},
): VerifiedJWT<P> {
  checkOptionNames(options, VERIFY_JWT_OPTIONS);
  return runSync<P>(compile(keyOrResolver, options, 0, { sync: importKeyForSync }), token);
}

/**
 * @internal A verifier's own steps without the promise around them: a value where the answer is
 * ready (a cache hit, a synchronous backend), a promise where it waits; it may throw. The HTTP
 * authenticator uses it so that a cache hit reaches the handler without a microtask turn.
 */
export const VERIFY_NOW: unique symbol = Symbol('jwtkit.verifyNow');

/** @internal {@link VERIFY_NOW} of a verifier, or its promise for any other function. */
export function verifyNowOf<P extends object>(verifier: Verifier<P>): (token: string) => Awaitable<VerifiedJWT<P>> {
  const now = (verifier as Verifier<P> & { [VERIFY_NOW]?: (token: string) => Awaitable<VerifiedJWT<P>> })[VERIFY_NOW];
  return now ?? ((token) => verifier(token));
}

/** A verifier made by {@link createVerifier}. */
export interface Verifier<P extends object = JWTPayload> {
  (token: string): Promise<VerifiedJWT<P>>;
  /** Verifies synchronously; throws `ERR_SYNC_UNAVAILABLE` where the key needs WebCrypto. */
  sync(token: string): VerifiedJWT<P>;
  /** Empties the verified-token cache (after revoking tokens or rotating keys out of band); a no-op without one. */
  clearCache(): void;
}

/**
 * Creates a verifier: options are validated and keys imported once, so each call does only the
 * per-token work. The fast path for servers.
 *
 * @example
 * ```ts
 * const verify = createVerifier({ key: publicKey, algorithms: ['EdDSA'], audience: 'api' });
 * const { payload } = await verify(token);
 * ```
 */
export function createVerifier<P extends object = JWTPayload>(options: VerifierOptions): Verifier<P> {
  if (typeof options !== 'object' || options === null || options instanceof Key || ArrayBuffer.isView(options))
    throw new InvalidOptionError(
      'options',
      "createVerifier takes one options object, the key in it: createVerifier({ key, algorithms: ['ES256'] })",
    );
  checkOptionNames(options, VERIFIER_OPTIONS);
  const { key, cache: cacheOptions, ...rest } = options;
  const compiled = compile(key, rest, 32, { sync: importKeyForSync, prime: primeKeySource });
  const cache = cacheOptions === undefined ? undefined : createVerifiedTokenCache(cacheOptions);
  const now = (token: string): Awaitable<VerifiedJWT<P>> =>
    cache !== undefined && typeof token === 'string' ? runCached<P>(compiled, cache, token) : run<P>(compiled, token);
  const verifier = ((token: string) => settle(() => now(token))) as Verifier<P>;
  Object.defineProperty(verifier, VERIFY_NOW, { value: now });
  verifier.sync = (token) =>
    cache !== undefined && typeof token === 'string' ? runCachedSync<P>(compiled, cache, token) : runSync<P>(compiled, token);
  verifier.clearCache = () => cache?.clear();
  return verifier;
}
