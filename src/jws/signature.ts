/** Producing and checking one signature with a bound Key: the only place JWS code calls a backend. */
import type { Awaitable } from '../backend/types.js';
import { JWSSignatureInvalidError, KeyMismatchError } from '../errors.js';
import type { Key } from '../keys/key.js';

/** Signs the signing input; refuses keys that cannot sign (public keys, verify-only `key_ops`). */
export function signWith(key: Key, input: string | Uint8Array): Awaitable<Uint8Array> {
  const sign = key.internals.sign;
  if (key.internals.algorithm.kind !== 'signature') throw new KeyMismatchError(`a ${key.alg} key encrypts; it cannot sign`);
  if (sign === undefined) {
    throw new KeyMismatchError(
      key.type === 'public' ? 'a public key cannot sign; use the private key' : 'the key may not sign (key_ops)',
    );
  }
  return sign(input);
}

/**
 * Verifies a signature. Its length is checked against the algorithm (and the RSA modulus) before
 * any crypto runs (catalogue entries 8 and 28).
 */
export function verifyWith(key: Key, input: string | Uint8Array, signature: Uint8Array): Awaitable<boolean> {
  const { verify, signatureLength } = key.internals;
  if (key.internals.algorithm.kind !== 'signature') throw new KeyMismatchError(`a ${key.alg} key decrypts; it cannot verify`);
  if (verify === undefined) {
    throw new KeyMismatchError(
      key.type === 'private' ? 'a private key cannot verify; use the public key' : 'the key may not verify (key_ops)',
    );
  }
  if (signatureLength !== undefined && signature.length !== signatureLength) return false;
  return verify(input, signature);
}

/** Throws the signature error unless `ok`. */
export function assertVerified(ok: boolean): void {
  if (!ok) throw new JWSSignatureInvalidError();
}
