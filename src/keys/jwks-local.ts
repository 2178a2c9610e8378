/**
 * createLocalJWKS and createSecretJWKS: key resolvers over a JWK Set. A token's header selects
 * exactly one key by `kid` (exact, opaque string match), and by the key type, curve, `alg`, `use`
 * and `key_ops` that its algorithm needs. No match and several matches are both errors: keys are
 * never tried in turn.
 *
 * A set holds public keys or secrets, never both (catalogue entry 36): a verifier configured with a
 * provider's public keys must not meet an HMAC secret in them, and a set of secrets exists only
 * through the API whose name says so. Remote sets (jwks-remote.ts) hold public keys only.
 */
import { sameAlgorithm, signatureAlgorithm } from '../algorithms/index.js';
import { parseJSON } from '../encoding/json.js';
import { JWKSInvalidError, JWKSMultipleMatchingKeysError, JWKSNoMatchingKeyError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import type { KeyResolver } from '../jws/key-source.js';
import { isPrivateJWK, type JWK, type JWKS } from './jwk.js';

/** What a set may hold: a local set of public keys, a remote one, or a set of secrets. */
export type KeySetKind = 'public' | 'remote' | 'secrets';

function fits(jwk: JWK, alg: string): boolean {
  const entry = signatureAlgorithm(alg);
  if (entry === undefined || jwk.kty !== entry.kty) return false;
  if (entry.crv !== undefined && jwk.crv !== entry.crv) return false;
  if (jwk.alg !== undefined && !sameAlgorithm(jwk.alg, alg)) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return false;
  return true;
}

/**
 * A set of secrets takes exactly kty "oct"; a set of public keys refuses anything that looks like a
 * secret as well (kty "oct" in any case, or a `k` member on any kty).
 */
function isSymmetric(jwk: JWK, kind: KeySetKind): boolean {
  if (kind === 'secrets') return jwk.kty === 'oct';
  return (jwk.kty as string).toLowerCase() === 'oct' || jwk.k !== undefined;
}

/** Refuses a set that holds what its kind may not: `symmetric` and `asymmetric` are the first index of each, or -1. */
function checkSymmetry(kind: KeySetKind, symmetric: number, asymmetric: number): void {
  if (symmetric >= 0 && asymmetric >= 0) {
    throw new JWKSInvalidError(
      `the JWKS mixes a symmetric key (key ${symmetric}) with asymmetric ones (key ${asymmetric}); a set holds public keys or secrets, never both`,
    );
  }
  if (kind === 'remote' && symmetric >= 0)
    throw new JWKSInvalidError(`JWKS key ${symmetric} is a symmetric key (oct); a remote JWKS holds public keys only`);
  if (kind === 'public' && symmetric >= 0)
    throw new JWKSInvalidError(
      `JWKS key ${symmetric} is a symmetric key (oct); createLocalJWKS takes public keys only, a set of secrets is made with createSecretJWKS`,
    );
  if (kind === 'secrets' && asymmetric >= 0)
    throw new JWKSInvalidError(`JWKS key ${asymmetric} is not a secret (oct); public keys belong in createLocalJWKS`);
}

/** Parses and checks a JWKS for a set of `kind`; the keys come back as frozen copies. */
export function readJWKS(input: JWKS | string, kind: KeySetKind): readonly JWK[] {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = parseJSON(input);
    } catch {
      throw new JWKSInvalidError('the JWKS is not valid JSON');
    }
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JWKSInvalidError('a JWKS is an object with a "keys" array');
  let symmetric = -1;
  let asymmetric = -1;
  const copies = keys.map((jwk, index) => {
    if (typeof jwk !== 'object' || jwk === null || typeof (jwk as JWK).kty !== 'string') {
      throw new JWKSInvalidError(`JWKS key ${index} is not a JWK`);
    }
    if (isSymmetric(jwk as JWK, kind)) {
      if (symmetric < 0) symmetric = index;
    } else {
      if (asymmetric < 0) asymmetric = index;
      if (isPrivateJWK(jwk as JWK)) throw new JWKSInvalidError(`JWKS key ${index} holds a private key; publish public keys only`);
    }
    if ((jwk as JWK).kid !== undefined && typeof (jwk as JWK).kid !== 'string')
      throw new JWKSInvalidError(`JWKS key ${index} has a non-string kid`);
    return Object.freeze({ ...(jwk as JWK) });
  });
  checkSymmetry(kind, symmetric, asymmetric);
  return copies;
}

/** A resolver over a JWKS, with the key set it serves. */
export interface LocalJWKS extends KeyResolver {
  /** The keys of the set (frozen copies). */
  readonly keys: readonly JWK[];
}

/** The resolver over checked keys: selection by kid costs the same for 1 key and 10,000. */
export function keySetResolver(keys: readonly JWK[]): LocalJWKS {
  const byKid = new Map<string, JWK[]>();
  for (const jwk of keys) {
    if (jwk.kid === undefined) continue;
    const list = byKid.get(jwk.kid);
    if (list) list.push(jwk);
    else byKid.set(jwk.kid, [jwk]);
  }
  const resolver = ((header: JWSHeader) => {
    const { alg, kid } = header;
    if (kid !== undefined && typeof kid !== 'string') throw new JWKSNoMatchingKeyError('the token kid is not a string');
    const pool = kid === undefined ? keys : (byKid.get(kid) ?? []);
    const matches = pool.filter((jwk) => typeof alg === 'string' && fits(jwk, alg));
    if (matches.length === 0) throw new JWKSNoMatchingKeyError();
    if (matches.length > 1) throw new JWKSMultipleMatchingKeysError();
    return matches[0] as JWK;
  }) as unknown as LocalJWKS;
  Object.defineProperty(resolver, 'keys', { value: keys, enumerable: true });
  return resolver;
}

/**
 * Makes a key resolver from a JWKS of public keys (object or JSON text) for verifyJWT, verifyJWS or
 * createVerifier. A symmetric (`oct`) member is refused with `ERR_JWKS_INVALID`, and so is a
 * private key: a set of HMAC secrets is made with {@link createSecretJWKS}.
 *
 * @example
 * ```ts
 * const jwks = createLocalJWKS({ keys: [publicJwk1, publicJwk2] });
 * const { payload } = await verifyJWT(token, jwks, { algorithms: ['RS256'] });
 * ```
 */
export function createLocalJWKS(input: JWKS | string): LocalJWKS {
  return keySetResolver(readJWKS(input, 'public'));
}

/**
 * Makes a key resolver from a JWKS of secrets (`oct` JWKs only), for HS256/384/512 tokens selected
 * by `kid`. A set with any other key type is refused with `ERR_JWKS_INVALID`: public keys go in
 * {@link createLocalJWKS}, and a set never mixes the two.
 *
 * @example
 * ```ts
 * const secrets = createSecretJWKS({ keys: [{ kty: 'oct', kid: '2024', alg: 'HS256', k: secret2024 }] });
 * const { payload } = await verifyJWT(token, secrets, { algorithms: ['HS256'] });
 * ```
 */
export function createSecretJWKS(input: JWKS | string): LocalJWKS {
  return keySetResolver(readJWKS(input, 'secrets'));
}
