/**
 * The algorithm registries: one for JWS signatures, one for JWE key management and content
 * encryption. Everything about an algorithm (key type, hash, lengths) is read from here; adding
 * an algorithm is one entry plus backend support.
 */

import { KeyMismatchError, NotSupportedError } from '../errors.js';
import {
  type ContentEncryptionAlgorithm,
  type ContentEncryptionAlgorithmName,
  type ContentEncryptionFamily,
  contentEncryptionAlgorithm,
  type KeyManagementAlgorithm,
  type KeyManagementAlgorithmName,
  type KeyManagementFamily,
  keyManagementAlgorithm,
} from './encryption.js';
import { type JWSAlgorithm, type SignatureAlgorithm, type SignatureFamily, signatureAlgorithm } from './signature.js';

export * from './encryption.js';
export * from './signature.js';

/** An algorithm a Key can be bound to: a JWS algorithm, a JWE key management algorithm, or (for `dir`) a content encryption algorithm. */
export type KeyAlgorithmName = JWSAlgorithm | Exclude<KeyManagementAlgorithmName, 'dir'> | ContentEncryptionAlgorithmName;
export type AlgorithmEntry = SignatureAlgorithm | KeyManagementAlgorithm | ContentEncryptionAlgorithm;
export type AlgorithmFamily = SignatureFamily | KeyManagementFamily | ContentEncryptionFamily;

/**
 * Which algorithms a key import may bind to: every JOSE algorithm for `importKey`, signature
 * algorithms only on the JWS paths, so that a bundle that only signs and verifies leaves the JWE
 * registry out.
 */
export interface AlgorithmLookup {
  readonly scope: 'JOSE' | 'JWS';
  find(name: unknown): AlgorithmEntry | undefined;
  /** Why a name this lookup does not find is refused, where it has more to say than "unknown". */
  refuse?(name: string): Error | undefined;
}

/** Signature algorithms only: what the JWS paths may bind a key to. */
export const SIGNATURE_ONLY: AlgorithmLookup = { scope: 'JWS', find: (name) => signatureAlgorithm(name) };

/** Every algorithm a key can be bound to ({@link keyAlgorithm}). */
export const ANY_ALGORITHM: AlgorithmLookup = {
  scope: 'JOSE',
  find: (name) => keyAlgorithm(name),
  refuse: (name) =>
    name === 'dir'
      ? new KeyMismatchError(
          `a "dir" key is the content encryption key: bind it to its enc (importKey(key, { alg: 'A256GCM' })), or give the raw key to encryptJWT and decryptJWT with { alg: 'dir', enc: 'A256GCM' }`,
        )
      : name === 'RSA1_5'
        ? new NotSupportedError('RSA1_5 is not implemented: its padding is an oracle (RFC 8725 §3.2)')
        : undefined,
};

/**
 * The registry entry a key can be bound to, from any registry. `dir` is not one: a key for direct
 * encryption is the content encryption key, so it is bound to its `enc` (A256GCM, ...).
 */
export function keyAlgorithm(name: unknown): AlgorithmEntry | undefined {
  if (name === 'dir') return undefined;
  return signatureAlgorithm(name) ?? keyManagementAlgorithm(name) ?? contentEncryptionAlgorithm(name);
}

/**
 * Whether a key of this JWK type and curve can serve the algorithm. For an AKP key, `crv` is its
 * ML-DSA parameter set where known (a container's OID, a key object): one set never serves another.
 */
export function keyFits(alg: AlgorithmEntry, kty: string, crv: string | undefined): boolean {
  if (alg.kty === 'AKP') return kty === 'AKP' && (crv === undefined || crv === alg.name);
  if (alg.kind === 'key-management' && alg.curves !== undefined) {
    // ECDH-ES: the NIST curves as EC keys, X25519 as an OKP key.
    return (kty === 'EC' || kty === 'OKP') && alg.curves.includes(crv ?? '') && (kty === 'OKP') === (crv === 'X25519');
  }
  if (kty !== alg.kty) return false;
  return alg.kind !== 'signature' || alg.crv === undefined || alg.crv === crv;
}

/** `sig` for signature algorithms, `enc` for JWE ones: the JWK `use` a key for the algorithm carries. */
export function keyUse(alg: AlgorithmEntry): 'sig' | 'enc' {
  return alg.kind === 'signature' ? 'sig' : 'enc';
}
