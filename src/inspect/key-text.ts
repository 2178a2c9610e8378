/**
 * Key material as a person pastes it: a PEM block, a JWK, a JWKS, or else an HMAC secret written
 * as UTF-8, base64, base64url or hex. Shared by the CLI's `--key` and the debugger page's key box,
 * so that both read the same text the same way.
 */
import { decodeBase64url } from '../encoding/base64url.js';
import { parseJSONText } from '../encoding/json-strict.js';
import { utf8Decode, utf8Encode } from '../encoding/utf8.js';
import { KeyInvalidError } from '../errors.js';
import type { KeyOrResolver } from '../jws/key-source.js';
import { importKey } from '../keys/import.js';
import { isPrivateJWK, type JWK, type JWKS } from '../keys/jwk.js';
import { createLocalJWKS } from '../keys/jwks-local.js';

/** What a piece of key text holds. */
export type KeyText =
  | { readonly kind: 'pem'; readonly text: string; readonly private: boolean }
  | { readonly kind: 'jwk'; readonly jwk: JWK; readonly private: boolean }
  /** `private`: a secret or a private key among `keys`, or in members beside them. */
  | { readonly kind: 'jwks'; readonly jwks: JWKS; readonly private: boolean }
  | { readonly kind: 'secret'; readonly bytes: Uint8Array };

/** Whether a JWK holds a secret or a private key (`d`, or `priv` for ML-DSA). */
const holdsPrivate = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && ((value as JWK).kty === 'oct' || isPrivateJWK(value as JWK));

/** How a secret is written. */
export type SecretEncoding = 'utf8' | 'base64' | 'base64url' | 'hex';

export const SECRET_ENCODINGS: readonly SecretEncoding[] = ['utf8', 'base64', 'base64url', 'hex'];

function decodeSecret(text: string, encoding: Exclude<SecretEncoding, 'utf8'>): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (encoding === 'hex') {
    if (!/^(?:[0-9a-f]{2})+$/i.test(compact)) return undefined;
    return Uint8Array.from(compact.match(/../g) as string[], (pair) => Number.parseInt(pair, 16));
  }
  if (encoding === 'base64' && /[-_]/.test(compact)) return undefined;
  if (encoding === 'base64url' && /[+/]/.test(compact)) return undefined;
  const unpadded = compact.replace(/={1,2}$/, '');
  return decodeBase64url(unpadded.replace(/\+/g, '-').replace(/\//g, '_'));
}

/** What is wrong with JSON text and where, never quoting it: JSON.parse's own message quotes the text (catalogue 45). */
function whereJSONFails(text: string): string {
  try {
    parseJSONText(text, 64);
  } catch (error) {
    return (error as Error).message;
  }
  return 'invalid JSON';
}

/**
 * Reads key text: PEM when it holds `-----BEGIN` armour (text around it allowed), a JWK or JWKS when it is a JSON object,
 * otherwise a secret in `encoding` (default UTF-8; one trailing line break, which `echo` and
 * editors add, is not part of it). Throws `ERR_KEY_INVALID` with the reason.
 *
 * @example
 * ```ts
 * readKeyText('c2VjcmV0', 'base64url'); // { kind: 'secret', bytes: Uint8Array [115, 101, 99, 114, 101, 116] }
 * ```
 */
export function readKeyText(text: string, encoding: SecretEncoding = 'utf8'): KeyText {
  const trimmed = text.trim();
  // PEM anywhere: certificates printed by `openssl x509 -text`, PKCS#12 "Bag Attributes" and comments come before the armour.
  if (trimmed.includes('-----BEGIN ')) return { kind: 'pem', text: trimmed, private: /PRIVATE KEY-----/.test(trimmed) };
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw new KeyInvalidError(`the key looks like JSON but does not parse (${whereJSONFails(trimmed)})`);
    }
    const object = value as Record<string, unknown>;
    if (Array.isArray(object.keys))
      return { kind: 'jwks', jwks: object as unknown as JWKS, private: holdsPrivate(object) || object.keys.some(holdsPrivate) };
    if (typeof object.kty === 'string') {
      const jwk = object as unknown as JWK;
      return { kind: 'jwk', jwk, private: holdsPrivate(jwk) };
    }
    throw new KeyInvalidError('JSON key material must be a JWK (with "kty") or a JWKS (with "keys")');
  }
  const raw = text.replace(/\r?\n$/, '');
  if (raw.length === 0) throw new KeyInvalidError('the key is empty');
  if (encoding === 'utf8') return { kind: 'secret', bytes: utf8Encode(raw) };
  const bytes = decodeSecret(raw, encoding);
  if (bytes === undefined || bytes.length === 0) throw new KeyInvalidError(`the secret is not valid ${encoding}`);
  return { kind: 'secret', bytes };
}

/**
 * Reads a key file's bytes: as {@link readKeyText} when they are UTF-8 text, and as they are when
 * not (a DER key, or a binary secret), so that no byte is lost to a text decoding that would make
 * the key something else (a DER key decoded with U+FFFD would no longer be recognised as a key).
 *
 * @example
 * ```ts
 * readKeyBytes(new Uint8Array([0x30, 0x2a])); // { kind: 'secret', bytes: Uint8Array [48, 42] }: importKey sorts it out
 * ```
 */
export function readKeyBytes(bytes: Uint8Array, encoding: SecretEncoding = 'utf8'): KeyText {
  const text = utf8Decode(bytes);
  if (text !== undefined) return readKeyText(text.replace(/^\uFEFF/, ''), encoding);
  if (bytes.length === 0) throw new KeyInvalidError('the key is empty');
  if (encoding !== 'utf8') throw new KeyInvalidError(`the secret is not valid ${encoding}`);
  return { kind: 'secret', bytes };
}

/**
 * The algorithm a JWE key is bound to: its key management algorithm, except with `dir`, where the
 * key is the content encryption key and is bound to `enc`.
 */
export function jweKeyAlgorithm(alg: string | undefined, enc: string | undefined): string | undefined {
  return alg === 'dir' ? enc : alg;
}

/**
 * The key the text holds, imported (bound to `alg` when given); a JWKS becomes a resolver that
 * selects by `kid`, unless `single` asks for exactly one key.
 */
export async function keyFromText(material: KeyText, alg?: string, single = false): Promise<KeyOrResolver> {
  if (material.kind === 'jwks') {
    if (single) throw new KeyInvalidError('a JWKS holds several keys; one key is needed here');
    return createLocalJWKS(material.jwks);
  }
  const input = material.kind === 'pem' ? material.text : material.kind === 'jwk' ? material.jwk : material.bytes;
  return importKey(input, alg === undefined ? {} : { alg });
}
