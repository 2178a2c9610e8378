/**
 * The `_sd_alg` hash functions (RFC 9901 §4.1.1, names from the IANA Named Information Hash
 * Algorithm registry) and the digests SD-JWT computes with them: of a Disclosure, of a decoy, and
 * the key-binding JWT's `sd_hash`. Digests go through the crypto backend like every other hash.
 */

import type { HashName } from '../algorithms/index.js';
import { utf8Encode } from '../encoding/utf8.js';
import { SDJWTHashUnsupportedError } from '../errors.js';
import { digestBase64url } from '../keys/thumbprint.js';

/** The `_sd_alg` values jwtkit issues and verifies. `sha-256` is the default, and what `_sd_alg` means when absent. */
export type SDHashAlgorithm = 'sha-256' | 'sha-384' | 'sha-512';

const SD_ALGORITHMS: Readonly<Record<SDHashAlgorithm, HashName>> = {
  'sha-256': 'SHA-256',
  'sha-384': 'SHA-384',
  'sha-512': 'SHA-512',
};

/** The hash an `_sd_alg` value names; absent means sha-256 (RFC 9901 §4.1.1). Anything else is refused, never guessed. */
export function sdHashOf(sdAlg: unknown): { name: SDHashAlgorithm; hash: HashName } {
  if (sdAlg === undefined) return { name: 'sha-256', hash: 'SHA-256' };
  if (typeof sdAlg === 'string' && Object.hasOwn(SD_ALGORITHMS, sdAlg)) {
    const name = sdAlg as SDHashAlgorithm;
    return { name, hash: SD_ALGORITHMS[name] };
  }
  const shown = typeof sdAlg === 'string' ? `"${sdAlg.slice(0, 32)}"` : typeof sdAlg;
  throw new SDJWTHashUnsupportedError(`_sd_alg ${shown} is not supported (sha-256, sha-384, sha-512)`);
}

/** base64url(hash(ASCII(text))): a Disclosure's digest, or `sd_hash` over a presentation (RFC 9901 §4.2.3, §4.3.1). */
export function digestText(hash: HashName, text: string): Promise<string> {
  return digestBase64url(hash, utf8Encode(text));
}

/** 128 bits from the runtime's CSPRNG, the salt size RFC 9901 §4.2.1 recommends. */
export function randomBytes(length = 16): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** A decoy digest: the hash of random bytes, indistinguishable from a real one (RFC 9901 §4.2.5). */
export function decoyDigest(hash: HashName): Promise<string> {
  return digestBase64url(hash, randomBytes());
}
