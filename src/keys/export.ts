/** exportKey: a Key out as JWK, SPKI or PKCS#8 PEM, or raw bytes. */
import { secretBytes } from '../backend/types.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { concatBytes } from '../encoding/utf8.js';
import { KeyMismatchError, KeyNotExtractableError } from '../errors.js';
import type { JWK } from './jwk.js';
import type { Key } from './key.js';

export type ExportFormat = 'jwk' | 'spki' | 'pkcs8' | 'raw';

/** @internal DER in PEM armour (RFC 7468): base64 in lines of 64, ending with a newline. */
export function pemText(label: string, der: Uint8Array): string {
  let binary = '';
  for (const byte of der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The key's JWK members (no alg, kid): from the backend, or from the bytes of a JWE secret. */
async function materialJWK(key: Key): Promise<JWK> {
  const { backend, native } = key.internals;
  const bytes = secretBytes(native);
  return bytes === undefined ? backend.exportJWK(native) : { kty: 'oct', k: encodeBase64url(bytes) };
}

async function exportJWK(key: Key): Promise<JWK> {
  const jwk: JWK = { ...(await materialJWK(key)), alg: key.alg };
  if (key.kid !== undefined) jwk.kid = key.kid;
  return jwk;
}

/**
 * Exports a key: `jwk` (with `alg` and `kid`), `spki` (public key PEM), `pkcs8` (private key PEM),
 * or `raw` (secret bytes; the point of an EC or Ed25519 public key; an ML-DSA public key, or the
 * 32-byte seed of an ML-DSA private key).
 *
 * @example
 * ```ts
 * const { publicKey } = await generateKeyPair('ES256');
 * const jwk = await exportKey(publicKey, 'jwk');
 * const pemText = await exportKey(publicKey, 'spki');
 * ```
 */
export async function exportKey(key: Key, format: 'jwk'): Promise<JWK>;
export async function exportKey(key: Key, format: 'spki' | 'pkcs8'): Promise<string>;
export async function exportKey(key: Key, format: 'raw'): Promise<Uint8Array>;
export async function exportKey(key: Key, format: ExportFormat): Promise<JWK | string | Uint8Array> {
  if (key.type !== 'public' && !key.extractable) throw notExtractable(key);
  try {
    return await exportAs(key, format);
  } catch (error) {
    // WebCrypto's own refusal (a DOMException) for a key object that cannot leave it.
    if ((error as { name?: unknown } | null)?.name === 'InvalidAccessError') throw notExtractable(key, error);
    throw error;
  }
}

/** Says what happened and how to make a key that can be exported. */
function notExtractable(key: Key, cause?: unknown): KeyNotExtractableError {
  const how =
    key.type === 'secret'
      ? `generateSecret('${key.alg}', { extractable: true })`
      : `generateKeyPair('${key.alg}', { extractable: true })`;
  return new KeyNotExtractableError(
    `the ${key.type} key is not extractable: it was created with extractable false (the default of generateKeyPair and generateSecret, or a CryptoKey made so). To export it, create it with ${how}, importKey(material, { extractable: true }), or crypto.subtle.generateKey/importKey with extractable true`,
    cause === undefined ? undefined : { cause },
  );
}

async function exportAs(key: Key, format: ExportFormat): Promise<JWK | string | Uint8Array> {
  const { backend, native } = key.internals;
  switch (format) {
    case 'jwk':
      return exportJWK(key);
    case 'spki':
      if (key.type !== 'public') throw new KeyMismatchError('SPKI holds public keys; export the public key');
      return pemText('PUBLIC KEY', await backend.exportDER(native, 'spki'));
    case 'pkcs8':
      if (key.type !== 'private') throw new KeyMismatchError('PKCS#8 holds private keys');
      return pemText('PRIVATE KEY', await backend.exportDER(native, 'pkcs8'));
    case 'raw': {
      const jwk = await materialJWK(key);
      if (key.type === 'secret') return decodeBase64url(jwk.k ?? '') as Uint8Array;
      // RFC 9964's raw forms: the public key, and the private key's 32-byte seed.
      if (key.kty === 'AKP') return decodeBase64url((key.type === 'private' ? jwk.priv : jwk.pub) ?? '') as Uint8Array;
      if (key.type !== 'public') throw new KeyMismatchError('raw export holds secrets and public points only');
      const x = decodeBase64url(jwk.x ?? '') as Uint8Array;
      if (key.kty === 'OKP') return x;
      if (key.kty === 'EC') return concatBytes(new Uint8Array([4]), x, decodeBase64url(jwk.y ?? '') as Uint8Array);
      throw new KeyMismatchError('RSA keys have no raw form; use jwk or spki');
    }
    default:
      throw new KeyMismatchError(
        format === undefined
          ? "exportKey needs a format: 'jwk', 'spki' (public keys), 'pkcs8' (private keys) or 'raw'"
          : `unknown export format "${String(format).slice(0, 16)}": 'jwk', 'spki', 'pkcs8' or 'raw'`,
      );
  }
}
