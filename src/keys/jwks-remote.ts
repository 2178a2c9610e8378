/**
 * createRemoteJWKS: a key resolver over a provider's published JWKS (Auth0, Okta, Google, Keycloak,
 * or our own issuer), fetched on first use and kept while fresh. fromIssuer (discovery.ts) finds
 * the JWKS URL first and then works the same way.
 *
 * - Fresh for the response's `Cache-Control: max-age`, within [`cooldown`, `cacheMaxAge`];
 *   without one, for `cacheMaxAge`; never less than `cooldown`.
 * - No fetch starts within `cooldown` of the previous one (`reload()` aside), whatever prompts it:
 *   an unknown kid, an expired set or a failure. A `kid` the set does not have sends one refetch,
 *   so a provider that rotated its keys is picked up at once, and tokens with made-up kids cannot
 *   make us hammer it. A failure is remembered for the cooldown: lookups that need the provider
 *   meanwhile fail at once with that error, so a provider that is down (500, timeout, bad JSON,
 *   refused connection) sees one request per cooldown, not one per token (catalogue entry 46).
 * - Concurrent lookups share one fetch, except on Cloudflare Workers, where a promise must not
 *   outlive the request that made it: there each request fetches for itself, and only the fetched
 *   key set and the remembered failure (plain data) are shared.
 * - When a refetch fails, the previous set keeps serving for `staleIfError` past its freshness;
 *   after that the error is the answer.
 * - A lookup the fresh set can answer is answered synchronously (no promise), so `verifier.sync`
 *   and the verified-token cache work with it.
 * - The set holds public keys only: a symmetric (`oct`) or private member fails the fetch
 *   (catalogue entry 36).
 * - The URL is the application's: https (http only to loopback), redirects within its origin only.
 */
import { InvalidOptionError, JWKSFetchError, JWKSNoMatchingKeyError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import type { KeyResolver } from '../jws/key-source.js';
import { parseDuration } from '../jwt/duration.js';
import { checkOptionNames, optionNames } from '../options.js';
import { cacheControlMaxAge, checkFetchURL, type FetchJSONOptions, fetchJSON } from './fetch.js';
import type { JWK } from './jwk.js';
import { keySetResolver, type LocalJWKS, readJWKS } from './jwks-local.js';

export interface RemoteJWKSOptions {
  /** Longest wait for the JWKS (seconds or a duration string; default 5 s). */
  timeout?: number | string;
  /** Shortest time between two fetches prompted by unknown kids or failures (default 30 s). */
  cooldown?: number | string;
  /** Longest time a fetched set is used before it is fetched again (default 10 min); a shorter `max-age` wins. */
  cacheMaxAge?: number | string;
  /** How long past its freshness a set keeps serving while refetches fail (default 1 h; 0 turns it off). */
  staleIfError?: number | string;
  /** The largest response accepted, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** A fetch of your own (a proxy agent, instrumentation, a test double). */
  fetch?: typeof fetch;
  /** Request headers to send (a User-Agent, an API key). */
  headers?: Record<string, string>;
}

/** A resolver over a remote JWKS, for verifyJWT, createVerifier and the HTTP middleware. */
export interface RemoteJWKS extends KeyResolver {
  /** The JWKS URL; for `fromIssuer`, undefined until discovery has found it. */
  readonly url: string | undefined;
  /** The keys of the set in use (empty before the first fetch). */
  readonly keys: readonly JWK[];
  /** Whether the set in use is within its freshness. */
  readonly fresh: boolean;
  /** Fetches the set now (cooldown aside), for warming up at start or after an out-of-band rotation. */
  reload(): Promise<void>;
}

export interface Settings extends FetchJSONOptions {
  readonly cooldown: number;
  readonly cacheMaxAge: number;
  readonly staleIfError: number;
}

const REMOTE_JWKS_OPTIONS = /* @__PURE__ */ optionNames<RemoteJWKSOptions>()([
  'timeout',
  'cooldown',
  'cacheMaxAge',
  'staleIfError',
  'maxBytes',
  'fetch',
  'headers',
]);

export function settings(options: RemoteJWKSOptions | undefined): Settings {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new InvalidOptionError('options', 'must be an object');
  checkOptionNames(options, REMOTE_JWKS_OPTIONS);
  const { timeout = 5, cooldown = 30, cacheMaxAge = 600, staleIfError = 3600, maxBytes = 1 << 20, headers = {} } = options ?? {};
  const ms = (value: unknown, option: string, min: number) => {
    const seconds = parseDuration(value, option);
    if (seconds < min) throw new InvalidOptionError(option, min > 0 ? 'must be greater than 0' : 'must not be negative');
    return seconds * 1000;
  };
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new InvalidOptionError('maxBytes', 'must be a positive integer');
  const fetchImpl = options?.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new InvalidOptionError('fetch', 'no fetch function on this runtime: pass one');
  if (typeof headers !== 'object' || headers === null) throw new InvalidOptionError('headers', 'must be an object');
  return {
    timeout: ms(timeout, 'timeout', Number.MIN_VALUE),
    cooldown: ms(cooldown, 'cooldown', 0),
    cacheMaxAge: ms(cacheMaxAge, 'cacheMaxAge', Number.MIN_VALUE),
    staleIfError: ms(staleIfError, 'staleIfError', 0),
    maxBytes,
    // Called unbound: a fetch kept as a property would otherwise be called on the options object.
    fetch: (input, init) => fetchImpl(input, init),
    headers: { ...headers },
  };
}

/** Cloudflare Workers: I/O objects, promises included, must not be shared between requests. */
const SHARE_PENDING = !(typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers');

interface Fetched {
  readonly set: LocalJWKS;
  readonly fetchedAt: number;
  readonly freshUntil: number;
}

/** Where the JWKS URL comes from: given, or found by discovery. */
export type Locate = () => Promise<URL>;

export function remoteJWKS(locate: Locate, knownURL: URL | undefined, config: Settings): RemoteJWKS {
  let current: Fetched | undefined;
  let url = knownURL;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  /** The last attempt's error while that attempt is the latest; its start time is `lastAttempt`. */
  let failure: { readonly error: unknown } | undefined;
  let pending: Promise<Fetched> | undefined;

  const fetchSet = async (): Promise<Fetched> => {
    const started = Date.now();
    lastAttempt = started;
    try {
      url ??= await locate();
      const { value, headers } = await fetchJSON(url, config);
      let set: LocalJWKS;
      try {
        // A JSON string is not a JWKS, even one that holds JWKS text.
        set = keySetResolver(readJWKS((typeof value === 'string' ? null : value) as never, 'remote'));
      } catch (error) {
        throw new JWKSFetchError(`${url.href}: ${(error as Error).message}`, { cause: error });
      }
      const maxAge = cacheControlMaxAge(headers);
      const wanted = maxAge === undefined ? config.cacheMaxAge : Math.min(maxAge * 1000, config.cacheMaxAge);
      const fetchedAt = Date.now();
      // Never shorter than the cooldown: no fetch starts within one cooldown of the last, whatever prompts it.
      current = { set, fetchedAt, freshUntil: fetchedAt + Math.max(wanted, config.cooldown) };
      if (lastAttempt === started) failure = undefined;
      return current;
    } catch (error) {
      if (lastAttempt === started) failure = { error };
      throw error;
    }
  };

  /** A fetch now, shared with one under way. */
  const start = (): Promise<Fetched> => {
    if (!SHARE_PENDING) return fetchSet();
    pending ??= fetchSet().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  /**
   * A fetch, unless one is under way (shared) or the last one failed within the cooldown: then its
   * error, at once. A provider that is down sees one request per cooldown, not one per token.
   */
  const refetch = (): Promise<Fetched> => {
    if (SHARE_PENDING && pending !== undefined) return pending;
    if (failure !== undefined && Date.now() - lastAttempt < config.cooldown) return Promise.reject(failure.error);
    return start();
  };

  /** A new set, or, when fetching fails, the one in use while it is within staleIfError. */
  const renewed = (previous: Fetched | undefined): Promise<Fetched> =>
    refetch().catch((error: unknown) => {
      if (previous !== undefined && Date.now() < previous.freshUntil + config.staleIfError) return previous;
      throw error;
    });

  const select = (fetched: Fetched, header: JWSHeader, token: unknown): JWK => fetched.set(header, token) as JWK;

  const resolver = ((header: JWSHeader, token: unknown) => {
    const now = Date.now();
    const known = current;
    if (known === undefined) return refetch().then((fetched) => select(fetched, header, token));
    const coolingDown = now - lastAttempt < config.cooldown;
    if (now >= known.freshUntil) {
      // Past staleIfError the old set is no answer any more: fetch, or fail with why.
      if (now >= known.freshUntil + config.staleIfError) return refetch().then((fetched) => select(fetched, header, token));
      if (!coolingDown) return renewed(known).then((fetched) => select(fetched, header, token));
    }
    try {
      return select(known, header, token);
    } catch (error) {
      // A kid we do not know may be a key the provider just added: look once, then no more for a while.
      if (!(error instanceof JWKSNoMatchingKeyError) || coolingDown) throw error;
      return renewed(known).then((fetched) => {
        if (fetched === known) throw error;
        return select(fetched, header, token);
      });
    }
  }) as unknown as RemoteJWKS;

  Object.defineProperties(resolver, {
    url: { get: () => url?.href, enumerable: true },
    keys: { get: () => current?.set.keys ?? [], enumerable: true },
    fresh: { get: () => current !== undefined && Date.now() < current.freshUntil, enumerable: true },
    reload: {
      value: async () => {
        await start();
      },
    },
  });
  return resolver;
}

/**
 * Makes a key resolver over the JWKS at `url`, fetched on first use and cached (see the module notes).
 *
 * @example
 * ```ts
 * const jwks = createRemoteJWKS('https://auth.example.com/.well-known/jwks.json');
 * const verify = createVerifier({ key: jwks, algorithms: ['RS256'], issuer: 'https://auth.example.com/', audience: 'api' });
 * ```
 */
export function createRemoteJWKS(url: string | URL, options?: RemoteJWKSOptions): RemoteJWKS {
  const checked = checkFetchURL(url, 'url');
  return remoteJWKS(async () => checked, checked, settings(options));
}
