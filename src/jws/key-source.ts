/**
 * Where a verifier's key comes from, and the algorithm policy (RFC 8725 §3.1, DESIGN rule 1): the
 * algorithm comes from the caller's `algorithms` list or from a key bound to one algorithm, never
 * from the token alone. Static material is imported once per algorithm and cached.
 */
import {
  type AlgorithmLookup,
  type JWSAlgorithm,
  type KeyAlgorithmName,
  SIGNATURE_ONLY,
  sameAlgorithm,
  signatureAlgorithm,
} from '../algorithms/index.js';
import { type Awaitable, after, settle } from '../backend/types.js';
import { AlgorithmNotAllowedError, InvalidOptionError, KeyInvalidError, SyncUnavailableError } from '../errors.js';
import { importKeyFor } from '../keys/import.js';
import { Key } from '../keys/key.js';
import type { KeyMaterial } from '../keys/material.js';
import type { KeySide } from '../keys/pem.js';
import type { JWSHeader } from './header.js';

/** Returns the key for a token from its header: a JWKS, a key per `kid`, ... */
export type KeyResolver = (header: JWSHeader, token: unknown) => KeyMaterial | Promise<KeyMaterial>;
/** A key, key material, or a resolver function. */
export type KeyOrResolver = KeyMaterial | KeyResolver;

/** Validates an `algorithms` option once. */
export function checkAlgorithmsOption(algorithms: unknown): ReadonlySet<string> | undefined {
  if (algorithms === undefined) return undefined;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new InvalidOptionError('algorithms', 'must be a non-empty array of algorithm names');
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new InvalidOptionError('algorithms', '"none" can never be allowed by a verify API');
    }
    if (signatureAlgorithm(alg) === undefined)
      throw new InvalidOptionError('algorithms', `unknown algorithm "${String(alg).slice(0, 32)}"`);
  }
  return new Set(algorithms as string[]);
}

/** Refuses a header `alg` the policy does not allow, before any key is touched. */
export function checkHeaderAlgorithm(alg: string, allowed: ReadonlySet<string> | undefined): JWSAlgorithm {
  const entry = signatureAlgorithm(alg);
  if (entry === undefined) {
    if (alg.toLowerCase() === 'none') throw new AlgorithmNotAllowedError('unsecured tokens (alg "none") are never accepted');
    throw new AlgorithmNotAllowedError(`algorithm "${alg.slice(0, 32)}" is not supported`);
  }
  if (allowed !== undefined && !allowed.has(alg))
    throw new AlgorithmNotAllowedError(`algorithm ${alg} is not in the allowed list`);
  return entry.name;
}

function bound(key: Key, alg: KeyAlgorithmName): Key {
  if (!sameAlgorithm(key.alg, alg)) {
    // A secret string binds to HS256 by default (docs/decisions.md): an HS384/HS512 token needs the allowlist to say so.
    // Likewise an RSA PEM binds to RS256: a PS256 token needs the allowlist (or the import) to say PS256.
    const given =
      key.kty === 'oct' && alg.startsWith('HS')
        ? 'a secret'
        : key.kty === 'RSA' && signatureAlgorithm(alg)?.kty === 'RSA'
          ? 'an RSA key'
          : undefined;
    const hint =
      given === undefined
        ? ''
        : ` (${given} given without an algorithm serves ${key.alg} only: pass algorithms: ['${alg}'], or import it with alg '${alg}')`;
    throw new AlgorithmNotAllowedError(`the token says ${alg} but the key is bound to ${key.alg}${hint}`);
  }
  return key;
}

export interface KeySource {
  get(alg: KeyAlgorithmName, header: JWSHeader, token: unknown): Key | Promise<Key>;
  /** Only for a source made with `sync`; any other throws `ERR_SYNC_UNAVAILABLE`. */
  getSync(alg: KeyAlgorithmName, header: JWSHeader, token: unknown): Key;
}

/**
 * How material becomes a key: {@link importKeyFor}, or `importKeyForSync` for the sources of the
 * APIs with a synchronous form, which pass it (so that verifyJWT's bundle does not carry it).
 */
type Importer = (lookup: AlgorithmLookup, material: KeyMaterial, options: { alg?: string }, side: KeySide) => Awaitable<Key>;

/** The importer of a source made without `sync`: its synchronous form is never asked for. */
const noSync: Importer = () => {
  throw new SyncUnavailableError('this key source has no synchronous form');
};

/** Called, without an allowlist, on material before it is imported: JWE refuses material not bound to one algorithm. */
export type UnboundCheck = (material: KeyMaterial) => void;

/**
 * Makes the key source of a verify call or a verifier. With an allowlist, material is imported
 * for the token's algorithm (asymmetric material still never becomes a secret); without one, it is
 * imported with its default binding and the token must use exactly that algorithm.
 */
export function createKeySource(
  input: KeyOrResolver,
  allowed: ReadonlySet<string> | undefined,
  {
    lookup = SIGNATURE_ONLY,
    unbound,
    prime,
    sync = noSync,
  }: {
    lookup?: AlgorithmLookup;
    unbound?: UnboundCheck;
    /** {@link primeKeySource} for a verifier made once, so that verifyJWT's bundle does not carry it. */
    prime?: typeof primeKeySource;
    /** `importKeyForSync`, for a source whose `getSync` is used. */
    sync?: Importer;
  } = {},
): KeySource {
  if (input === undefined || input === null || input === '') throw new KeyInvalidError('no key was given');
  const check = allowed === undefined ? unbound : undefined;
  if (typeof input === 'function') {
    const resolver = input as KeyResolver;
    // Resolvers such as createLocalJWKS return the same JWK object for the same key: import it once.
    const imported = new WeakMap<object, Map<string, Key>>();
    const remember = (material: KeyMaterial, alg: KeyAlgorithmName, key: Key): Key => {
      if (typeof material === 'object' && material !== null && !(material instanceof Key)) {
        const perAlg = imported.get(material) ?? new Map<string, Key>();
        imported.set(material, perAlg);
        perAlg.set(allowed === undefined ? '' : alg, key);
      }
      return key;
    };
    const recall = (material: KeyMaterial, alg: KeyAlgorithmName): Key | undefined =>
      typeof material === 'object' && material !== null
        ? imported.get(material)?.get(allowed === undefined ? '' : alg)
        : undefined;
    return {
      async get(alg, header, token) {
        const material = await resolver(header, token);
        const known = recall(material, alg);
        return known ? bound(known, alg) : remember(material, alg, await fromMaterial(material, alg, allowed, lookup, check));
      },
      getSync(alg, header, token) {
        const material = resolver(header, token);
        if (material instanceof Promise) throw new SyncUnavailableError('the key resolver returned a promise');
        const known = recall(material, alg);
        return known
          ? bound(known, alg)
          : remember(material, alg, fromMaterial(material, alg, allowed, lookup, check, sync) as Key);
      },
    };
  }
  if (input instanceof Key) {
    return { get: (alg) => bound(input, alg), getSync: (alg) => bound(input, alg) };
  }
  check?.(input);
  const cache = new Map<string, Key | Promise<Key>>();
  const cacheKey = (alg: KeyAlgorithmName) => (allowed === undefined ? '' : alg);
  prime?.(cache, input, allowed, lookup, sync);
  return {
    get(alg) {
      const slot = cacheKey(alg);
      let entry = cache.get(slot);
      if (entry === undefined) {
        entry = settle(() => fromMaterial(input, alg, allowed, lookup, check));
        cache.set(slot, entry);
        // A failed import is not cached: the next call reports the error again.
        entry.then(
          (key) => cache.set(slot, key),
          () => cache.delete(slot),
        );
      }
      return entry instanceof Key ? bound(entry, alg) : entry.then((key) => bound(key, alg));
    },
    getSync(alg) {
      const slot = cacheKey(alg);
      let entry = cache.get(slot);
      if (entry instanceof Promise) throw new SyncUnavailableError('the key is being imported asynchronously');
      if (entry === undefined) {
        entry = fromMaterial(input, alg, allowed, lookup, check, sync) as Key;
        cache.set(slot, entry);
      }
      return bound(entry, alg);
    },
  };
}

/**
 * Imports static material now, with the source's synchronous importer, for a verifier or decrypter
 * made once (createVerifier, the middleware): a wrong key then fails where it was written, not as the first client's
 * `invalid_token`. Every algorithm of the allowlist is tried; the call fails only when none can
 * use the key (an allowlist may name algorithms for other keys of a resolver-less setup, whose
 * tokens then fail as before). Where only an asynchronous backend can import (WebCrypto), the
 * classification and algorithm checks still run now (they are synchronous) and the backend's own
 * import waits for the first token: an error it raises surfaces there. In the browser build, key
 * text (a PEM, a secret string, bytes, a symmetric JWK) is classified by a module loaded on first
 * use (keys/text-reader.ts): until something has loaded it, that classification waits for the
 * first token too, so a wrong key text shows at the first call there (README, "Install").
 */
export function primeKeySource(
  cache: Map<string, Key | Promise<Key>>,
  material: KeyMaterial,
  allowed: ReadonlySet<string> | undefined,
  lookup: AlgorithmLookup,
  sync: Importer,
): void {
  const algorithms = allowed === undefined ? [undefined] : [...allowed];
  let firstError: unknown;
  let usable = false;
  for (const alg of algorithms) {
    try {
      cache.set(alg ?? '', sync(lookup, material, alg === undefined ? {} : { alg }, sideOf(lookup)) as Key);
      usable = true;
    } catch (error) {
      // The plan (classification, algorithm fit) passed: only the backend is asynchronous here.
      if (error instanceof SyncUnavailableError) usable = true;
      else firstError ??= error;
    }
  }
  if (!usable) throw firstError;
}

function present(material: KeyMaterial, check: UnboundCheck | undefined): void {
  if (material === undefined || material === null || material === '')
    throw new KeyInvalidError('the key resolver returned no key');
  if (!(material instanceof Key)) check?.(material);
}

/** The half of a PEM bundle a key source needs: a verifier's public key, a decrypter's private one. */
const sideOf = (lookup: AlgorithmLookup): KeySide => (lookup === SIGNATURE_ONLY ? 'public' : 'private');

/** Imports material for one algorithm and binds it: a Key from a synchronous importer, a promise from the other. */
function fromMaterial(
  material: KeyMaterial,
  alg: KeyAlgorithmName,
  allowed: ReadonlySet<string> | undefined,
  lookup: AlgorithmLookup,
  check: UnboundCheck | undefined,
  importer: Importer = importKeyFor,
): Awaitable<Key> {
  present(material, check);
  return after(importer(lookup, material, allowed === undefined ? {} : { alg }, sideOf(lookup)), (key) => bound(key, alg));
}
