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
import { decodeBase64, type KeySide, pemBlocksFor, readPEM } from './pem.js';

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
      `the key holds ${found}, which jwtkit cannot import as it is (PEM, DER, a JWK) and never uses as a secret`,
    );
  }
  return { kind: 'secret', bytes };
}

const SECRET_HINT = 'if it really is a secret, import it with importKey(material, { alg, secret: true })';

/**
 * Material wanted as a secret is read exactly as it would be without an algorithm, and taken only
 * if that reading is a secret or a symmetric JWK: one text cannot be an RSA key for one algorithm
 * of a verifier's allowlist and an HMAC secret for another.
 */
function asSecret(read: () => Material, raw: () => Material): Material {
  let material: Material;
  try {
    material = read();
  } catch (error) {
    if (!(error instanceof KeyInvalidError)) throw error;
    // Unreadable as a key (a text that starts with "{" but is no JSON): a secret, unless it holds key material.
    return raw();
  }
  if (material.kind === 'secret' || (material.kind === 'jwk' && material.jwk.kty === 'oct')) return material;
  const what =
    material.kind === 'container'
      ? `${material.container.crv ?? material.container.kty} key material`
      : material.kind === 'jwk'
        ? `a JWK of kty "${String(material.jwk.kty).slice(0, 8)}"`
        : 'a key';
  throw new KeyInvalidError(`an HMAC or AES secret cannot be ${what}; ${SECRET_HINT}`);
}

function fromText(text: string, intent: SecretIntent, side?: KeySide): Material {
  if (text.trim().length === 0) throw new KeyInvalidError('the key is empty');
  if (intent === 'explicit') return secret(text, utf8Encode(text), intent);
  if (intent === true)
    return asSecret(
      () => fromText(text, undefined),
      () => secret(text, utf8Encode(text), undefined),
    );
  if (text.includes('-----BEGIN ')) {
    // A bundle (a certificate and its private key, as `openssl pkcs12 -nodes` prints them): the block the caller's side needs.
    const pem = readPEM(side === undefined ? text : (pemBlocksFor(text, side)[0] ?? text));
    if (!pem.ok) throw new KeyInvalidError(pem.reason);
    return { kind: 'container', container: pem.container };
  }
  const trimmed = text.trim();
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
  const der = bareDER(trimmed);
  if (der !== undefined) return { kind: 'container', container: der };
  return secret(text, utf8Encode(text), intent);
}

/** A key container given as bare base64 (the PEM body without its armour, as identity providers show keys). */
function bareDER(text: string): KeyContainer | undefined {
  if (text.length < 60 || !/^[A-Za-z0-9+/=\s]+$/.test(text)) return undefined;
  const compact = text.replace(/\s+/g, '');
  const der = decodeBase64(compact.padEnd(Math.ceil(compact.length / 4) * 4, '='));
  return der === undefined ? undefined : readKeyContainer(der);
}

/**
 * The key text that bytes hold: UTF-16 when they are that (as editors on Windows write it), else
 * UTF-8 with a BOM dropped; `undefined` when the bytes hold no key text.
 */
function keyTextIn(bytes: Uint8Array): string | undefined {
  const utf16 = utf16Text(bytes);
  if (utf16 !== undefined && findKeyMaterial(utf16) !== undefined) return utf16;
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return findKeyMaterial(utf8) !== undefined ? utf8 : undefined;
}

function fromBytes(bytes: Uint8Array, intent: SecretIntent, side?: KeySide): Material {
  if (bytes.length === 0) throw new KeyInvalidError('the key is empty');
  if (intent === 'explicit') return secret(undefined, bytes, intent);
  if (intent === true)
    return asSecret(
      () => fromBytes(bytes, undefined),
      () => secret(undefined, bytes, undefined),
    );
  const container = readKeyContainer(bytes);
  if (container !== undefined) return { kind: 'container', container };
  const found = findKeyMaterial(bytes);
  if (found !== undefined) {
    // Key text held in bytes (a key file read with fs.readFileSync) is read as that text.
    const text = keyTextIn(bytes);
    const material = text === undefined ? undefined : fromText(text, intent, side);
    if (material === undefined || material.kind === 'secret') {
      throw new KeyInvalidError(
        `the key holds ${found}, which jwtkit cannot import as it is (PEM, DER, a JWK) and never uses as a secret`,
      );
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
 * Sorts key input into one of the import paths, following the caller's {@link SecretIntent}. `side`
 * says which half a signer or verifier needs, to pick the block of a PEM bundle.
 */
export function classifyMaterial(input: unknown, intent: SecretIntent, side?: KeySide): Material {
  if (input instanceof Key) return { kind: 'key', key: input };
  if (typeof input === 'string') return fromText(input, intent, side);
  if (typeof input === 'object' && input !== null) {
    const bytes = bytesOf(input);
    if (bytes !== undefined) return fromBytes(bytes, intent, side);
    if ('keys' in input && Array.isArray((input as { keys: unknown }).keys)) {
      throw new KeyInvalidError('a JWKS is not one key: use createLocalJWKS');
    }
    if (typeof (input as { kty?: unknown }).kty === 'string') return { kind: 'jwk', jwk: input as JWK };
    return { kind: 'native', object: input };
  }
  throw new KeyInvalidError(input === undefined || input === null ? 'no key was given' : `a ${typeof input} is not a key`);
}
