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
export * from './key-fit.js';
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
