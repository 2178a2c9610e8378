/** JWK thumbprints (RFC 7638) and thumbprint URIs (RFC 9278). */

import { allBackends } from '#backend';
import type { HashName } from '../algorithms/index.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError, KeyInvalidError } from '../errors.js';
import { exportKey } from './export.js';
import type { JWK } from './jwk.js';
import { Key } from './key.js';

export type ThumbprintHash = 'sha256' | 'sha384' | 'sha512';

const HASHES: Readonly<Record<ThumbprintHash, HashName>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
// RFC 7638 §3.2: the required members per kty, already in lexicographic order.
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  AKP: ['alg', 'kty', 'pub'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

async function publicJWK(input: JWK | Key): Promise<JWK> {
  return input instanceof Key ? exportKey(input, 'jwk') : input;
}

/**
 * The RFC 7638 thumbprint of a JWK or Key, base64url encoded. Private members are ignored, so a
 * private key and its public key have the same thumbprint.
 *
 * @example
 * ```ts
 * const kid = await jwkThumbprint(publicJWK); // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export async function jwkThumbprint(input: JWK | Key, hash: ThumbprintHash = 'sha256'): Promise<string> {
  const hashName = HASHES[hash];
  if (hashName === undefined) throw new InvalidOptionError('hash', 'must be sha256, sha384 or sha512');
  const jwk = await publicJWK(input);
  const members = REQUIRED[typeof jwk.kty === 'string' ? jwk.kty : ''];
  if (members === undefined) throw new KeyInvalidError('JWK "kty" is missing or not supported');
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new KeyInvalidError(`JWK member "${name}" is required for a thumbprint`);
    canonical[name] = value;
  }
  return digestBase64url(hashName, utf8Encode(JSON.stringify(canonical)));
}

/** @internal A digest of bytes by the first crypto backend, in base64url. */
export async function digestBase64url(hashName: HashName, bytes: Uint8Array): Promise<string> {
  const backend = allBackends[0];
  if (backend === undefined) throw new KeyInvalidError('no crypto backend');
  return encodeBase64url(await backend.digest(hashName, bytes));
}

/**
 * The RFC 9278 thumbprint URI: `urn:ietf:params:oauth:jwk-thumbprint:sha-256:<thumbprint>`.
 *
 * @example
 * ```ts
 * const uri = await jwkThumbprintURI(publicJWK);
 * ```
 */
export async function jwkThumbprintURI(input: JWK | Key, hash: ThumbprintHash = 'sha256'): Promise<string> {
  return `urn:ietf:params:oauth:jwk-thumbprint:sha-${hash.slice(3)}:${await jwkThumbprint(input, hash)}`;
}
