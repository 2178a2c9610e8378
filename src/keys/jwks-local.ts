/**
 * createLocalJWKS: a key resolver over a JWK Set. A token's header selects exactly one key by `kid`
 * (exact, opaque string match), and by the key type, curve, `alg`, `use` and `key_ops` that its
 * algorithm needs. No match and several matches are both errors: keys are never tried in turn.
 */
import { sameAlgorithm, signatureAlgorithm } from '../algorithms/index.js';
import { parseJSON } from '../encoding/json.js';
import { JWKSInvalidError, JWKSMultipleMatchingKeysError, JWKSNoMatchingKeyError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import type { KeyResolver } from '../jws/key-source.js';
import type { JWK, JWKS } from './jwk.js';

function fits(jwk: JWK, alg: string): boolean {
  const entry = signatureAlgorithm(alg);
  if (entry === undefined || jwk.kty !== entry.kty) return false;
  if (entry.crv !== undefined && jwk.crv !== entry.crv) return false;
  if (jwk.alg !== undefined && !sameAlgorithm(jwk.alg, alg)) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return false;
  return true;
}

function readJWKS(input: JWKS | string): readonly JWK[] {
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
  return keys.map((jwk, index) => {
    if (typeof jwk !== 'object' || jwk === null || typeof (jwk as JWK).kty !== 'string') {
      throw new JWKSInvalidError(`JWKS key ${index} is not a JWK`);
    }
    if ((jwk as JWK).kty !== 'oct' && (jwk as JWK).d !== undefined) {
      throw new JWKSInvalidError(`JWKS key ${index} holds a private key; publish public keys only`);
    }
    if ((jwk as JWK).kid !== undefined && typeof (jwk as JWK).kid !== 'string')
      throw new JWKSInvalidError(`JWKS key ${index} has a non-string kid`);
    return Object.freeze({ ...(jwk as JWK) });
  });
}

/** A resolver over a JWKS, with the key set it serves. */
export interface LocalJWKS extends KeyResolver {
  /** The keys of the set (frozen copies). */
  readonly keys: readonly JWK[];
}

/**
 * Makes a key resolver from a JWKS (object or JSON text) for verifyJWT, verifyJWS or createVerifier.
 *
 * @example
 * ```ts
 * const jwks = createLocalJWKS({ keys: [publicJwk1, publicJwk2] });
 * const { payload } = await verifyJWT(token, jwks, { algorithms: ['RS256'] });
 * ```
 */
export function createLocalJWKS(input: JWKS | string): LocalJWKS {
  const keys = readJWKS(input);
  // Selection by kid must cost the same for 1 key and 10,000.
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
