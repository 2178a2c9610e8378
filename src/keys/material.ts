/**
 * Classifies what a caller passed as a key. The rule that matters most (RFC 8725 §3.1, catalogue
 * entries 2 and 35): text or bytes that hold asymmetric key material never become an HMAC or AES
 * secret, whatever form they come in (string, Buffer, Uint8Array, ArrayBuffer, DataView) and
 * whatever junk surrounds the key. Bytes are read exactly like the same text.
 */

import { parseJSON } from '../encoding/json.js';
import { utf8Encode } from '../encoding/utf8.js';
import { KeyInvalidError } from '../errors.js';
import type { KeyContainer } from './asn1.js';
import { readKeyContainer } from './asn1.js';
import { findKeyMaterial, utf16Text } from './find-key-material.js';
import type { JWK } from './jwk.js';
import { Key } from './key.js';
import { readPEM } from './pem.js';

export type Material =
  | { readonly kind: 'key'; readonly key: Key }
  | { readonly kind: 'secret'; readonly bytes: Uint8Array }
  | { readonly kind: 'container'; readonly container: KeyContainer }
  | { readonly kind: 'jwk'; readonly jwk: JWK }
  | { readonly kind: 'native'; readonly object: object };

/** Anything `importKey` accepts. */
export type KeyMaterial = Key | string | Uint8Array | ArrayBuffer | DataView | JWK | CryptoKey | object;

/**
 * What the caller said about secrets: `true` when the algorithm is symmetric, `false` when it is
 * asymmetric, `undefined` when no algorithm was named; `'explicit'` when the caller declared the
 * material a secret (`importKey(material, { alg, secret: true })`), the one way to use a secret that
 * looks like key material.
 */
export type SecretIntent = boolean | 'explicit' | undefined;

const OPENSSH_LINE = /^\s*(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(?:ssh|ecdsa)-\S+)\s/;

function secret(text: string | undefined, bytes: Uint8Array, intent: SecretIntent): Material {
  if (bytes.length === 0) throw new KeyInvalidError('the key is empty');
  if (intent === 'explicit') return { kind: 'secret', bytes };
  const found = findKeyMaterial(text ?? bytes);
  if (found !== undefined) {
    throw new KeyInvalidError(
      intent === true
        ? `an HMAC or AES secret cannot be ${found}`
        : `the key holds ${found} that jwtkit cannot import, and such material is never used as a secret`,
    );
  }
  return { kind: 'secret', bytes };
}

function fromText(text: string, intent: SecretIntent): Material {
  if (text.trim().length === 0) throw new KeyInvalidError('the key is empty');
  if (intent === true || intent === 'explicit') return secret(text, utf8Encode(text), intent);
  if (text.includes('-----BEGIN ')) {
    const pem = readPEM(text);
    if (!pem.ok) throw new KeyInvalidError(pem.reason);
    return { kind: 'container', container: pem.container };
  }
  const trimmed = text.trim().replace(/^\uFEFF/, '');
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = parseJSON(trimmed);
    } catch {
      throw new KeyInvalidError('the key text starts like JSON but is not valid JSON');
    }
    if (typeof parsed === 'object' && parsed !== null && 'keys' in parsed) {
      throw new KeyInvalidError('a JWKS is not one key: use createLocalJWKS');
    }
    if (typeof parsed === 'object' && parsed !== null && 'kty' in parsed) return { kind: 'jwk', jwk: { ...parsed } as JWK };
    throw new KeyInvalidError('the key text is JSON but not a JWK');
  }
  if (OPENSSH_LINE.test(text))
    throw new KeyInvalidError('OpenSSH keys are not supported; convert to PEM (ssh-keygen -e -m PKCS8)');
  return secret(text, utf8Encode(text), intent);
}

/**
 * The key text that bytes hold, read the way {@link findKeyMaterial} found it: UTF-8 (a BOM dropped)
 * first, then UTF-16 as editors on Windows write it; `undefined` when the bytes hold no key text.
 */
function keyTextIn(bytes: Uint8Array): string | undefined {
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (findKeyMaterial(utf8) !== undefined) return utf8;
  const utf16 = utf16Text(bytes);
  return utf16 !== undefined && findKeyMaterial(utf16) !== undefined ? utf16 : undefined;
}

function fromBytes(bytes: Uint8Array, intent: SecretIntent): Material {
  if (bytes.length === 0) throw new KeyInvalidError('the key is empty');
  if (intent === 'explicit') return secret(undefined, bytes, intent);
  const container = readKeyContainer(bytes);
  if (container !== undefined) {
    if (intent === true) throw new KeyInvalidError('an HMAC or AES secret cannot be DER-encoded key material');
    return { kind: 'container', container };
  }
  const found = findKeyMaterial(bytes);
  if (found !== undefined) {
    if (intent === true) throw new KeyInvalidError(`an HMAC or AES secret cannot be ${found}`);
    // Key text held in bytes (a key file read with fs.readFileSync) is read as that text.
    const text = keyTextIn(bytes);
    const material = text === undefined ? undefined : fromText(text, intent);
    if (material === undefined || material.kind === 'secret') {
      throw new KeyInvalidError(`the key holds ${found} that jwtkit cannot import, and such material is never used as a secret`);
    }
    return material;
  }
  if (intent === false) {
    throw new KeyInvalidError(
      'the bytes are not a DER key (SPKI, PKCS#8, PKCS#1, SEC1, X.509) or key text, and a raw secret cannot serve an asymmetric algorithm',
    );
  }
  return { kind: 'secret', bytes };
}

const tag = (value: object): string => Object.prototype.toString.call(value);

/** The bytes of any binary input, from this realm or another (a Buffer, any typed array, a DataView, an ArrayBuffer). */
function bytesOf(input: object): Uint8Array | undefined {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || tag(input) === '[object ArrayBuffer]' || tag(input) === '[object SharedArrayBuffer]') {
    return new Uint8Array(input as ArrayBuffer);
  }
  return undefined;
}

/**
 * Sorts key input into one of the import paths, following the caller's {@link SecretIntent}.
 */
export function classifyMaterial(input: unknown, intent: SecretIntent): Material {
  if (input instanceof Key) return { kind: 'key', key: input };
  if (typeof input === 'string') return fromText(input, intent);
  if (typeof input === 'object' && input !== null) {
    const bytes = bytesOf(input);
    if (bytes !== undefined) return fromBytes(bytes, intent);
    if ('keys' in input && Array.isArray((input as { keys: unknown }).keys)) {
      throw new KeyInvalidError('a JWKS is not one key: use createLocalJWKS');
    }
    if (typeof (input as { kty?: unknown }).kty === 'string') return { kind: 'jwk', jwk: input as JWK };
    return { kind: 'native', object: input };
  }
  throw new KeyInvalidError(input === undefined || input === null ? 'no key was given' : `a ${typeof input} is not a key`);
}
