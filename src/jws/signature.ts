/** Producing and checking one signature with a bound Key: the only place JWS code calls a backend. */
import { type Awaitable, after, type VerifyFunction } from '../backend/types.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { JWSSignatureInvalidError, KeyMismatchError } from '../errors.js';
import type { Key, KeyInternals } from '../keys/key.js';
import { checkSignature, decodeSignature, type Malformed } from './compact.js';

/** Signs the signing input and returns the signature's base64url segment; refuses keys that cannot sign. */
export function signWith(key: Key, input: string | Uint8Array): Awaitable<string> {
  const { sign, signEncoded } = key.internals;
  if (key.internals.algorithm.kind !== 'signature') throw new KeyMismatchError(`a ${key.alg} key encrypts; it cannot sign`);
  if (sign === undefined) {
    throw new KeyMismatchError(
      key.type === 'public' ? 'a public key cannot sign; use the private key' : 'the key may not sign (key_ops)',
    );
  }
  if (signEncoded !== undefined && typeof input === 'string') return signEncoded(input);
  return after(sign(input), encodeBase64url);
}

/** The key's verifying functions; throws for a key that may not verify. */
function verifierOf(key: Key): KeyInternals & { verify: VerifyFunction } {
  const internals = key.internals;
  if (internals.algorithm.kind !== 'signature') throw new KeyMismatchError(`a ${key.alg} key decrypts; it cannot verify`);
  if (internals.verify === undefined) {
    throw new KeyMismatchError(
      key.type === 'private' ? 'a private key cannot verify; use the public key' : 'the key may not verify (key_ops)',
    );
  }
  return internals as KeyInternals & { verify: VerifyFunction };
}

/**
 * Verifies a signature. Its length is checked against the algorithm (and the RSA modulus) before
 * any crypto runs (catalogue entries 8 and 28).
 */
export function verifyWith(key: Key, input: string | Uint8Array, signature: Uint8Array): Awaitable<boolean> {
  const { verify, signatureLength } = verifierOf(key);
  if (signatureLength !== undefined && signature.length !== signatureLength) return false;
  return verify(input, signature);
}

/**
 * Verifies a signature segment, which must be canonical base64url and not empty (catalogue entries
 * 28 and 29): a segment that is not fails as malformed. Where the backend compares base64url text
 * itself (HMAC on node:crypto), the segment is never decoded and a match proves it canonical (it
 * equals what the encoder wrote), so the character check runs only to name a mismatch; otherwise
 * the segment is checked, decoded and verified as by {@link verifyWith}.
 */
export function verifySegment(key: Key, input: string, segment: string, malformed: Malformed): Awaitable<boolean> {
  const { verifyEncoded } = verifierOf(key);
  if (verifyEncoded === undefined) return verifyWith(key, input, decodeSignature(segment, malformed));
  const ok = verifyEncoded(input, segment);
  if (!ok) checkSignature(segment, malformed);
  return ok;
}

/** Throws the signature error unless `ok`. */
export function assertVerified(ok: boolean): void {
  if (!ok) throw new JWSSignatureInvalidError();
}
