/**
 * Classifies what a caller passed as a key. The rule that matters most (RFC 8725 §3.1, catalogue
 * entry 2): text or bytes that are, or look like, asymmetric key material never become an HMAC
 * secret, whatever junk surrounds them.
 */

import { parseJSON } from '../encoding/json.js';
import { utf8Encode } from '../encoding/utf8.js';
import { KeyInvalidError } from '../errors.js';
import type { KeyContainer } from './asn1.js';
import { readKeyContainer } from './asn1.js';
import type { JWK } from './jwk.js';
import { Key } from './key.js';
import { decodeBase64, readPEM } from './pem.js';

export type Material =
  | { readonly kind: 'key'; readonly key: Key }
  | { readonly kind: 'secret'; readonly bytes: Uint8Array }
  | { readonly kind: 'container'; readonly container: KeyContainer }
  | { readonly kind: 'jwk'; readonly jwk: JWK }
  | { readonly kind: 'native'; readonly object: object };

/** Anything `importKey` accepts. */
export type KeyMaterial = Key | string | Uint8Array | ArrayBuffer | JWK | CryptoKey | object;

const OPENSSH = /^\s*(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(?:ssh|ecdsa)-\S+)\s/;
const PEM_MARK = /-----BEGIN /;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]+$/;

/** Why a string or byte string must not be used as an HMAC secret, or undefined when it may. */
function asymmetricLookalike(text: string | undefined, bytes: Uint8Array): string | undefined {
  if (readKeyContainer(bytes) !== undefined) return 'DER-encoded key material';
  if (text === undefined) return undefined;
  if (PEM_MARK.test(text)) return 'PEM key material';
  if (OPENSSH.test(text) || /-----BEGIN OPENSSH/.test(text)) return 'an OpenSSH key';
  const trimmed = text.trim().replace(/^\uFEFF/, '');
  if (trimmed.startsWith('{')) return 'JSON (a JWK or JWKS belongs in importKey or createLocalJWKS as an object)';
  if (trimmed.length >= 64 && BASE64_BODY.test(trimmed)) {
    const der = decodeBase64(trimmed.replace(/\s+/g, ''));
    if (der !== undefined && readKeyContainer(der) !== undefined) return 'base64 of DER key material';
  }
  return undefined;
}

function secret(text: string | undefined, bytes: Uint8Array): Material {
  if (bytes.length === 0) throw new KeyInvalidError('the key is empty');
  const lookalike = asymmetricLookalike(text, bytes);
  if (lookalike !== undefined) throw new KeyInvalidError(`an HMAC secret cannot be ${lookalike}`);
  return { kind: 'secret', bytes };
}

function fromText(text: string, wantsSecret: boolean | undefined): Material {
  if (text.trim().length === 0) throw new KeyInvalidError('the key is empty');
  if (wantsSecret) return secret(text, utf8Encode(text));
  if (PEM_MARK.test(text)) {
    const pem = readPEM(text);
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
  if (OPENSSH.test(text)) throw new KeyInvalidError('OpenSSH keys are not supported; convert to PEM (ssh-keygen -e -m PKCS8)');
  return secret(text, utf8Encode(text));
}

function fromBytes(bytes: Uint8Array, wantsSecret: boolean | undefined): Material {
  if (bytes.length === 0) throw new KeyInvalidError('the key is empty');
  if (wantsSecret) return secret(undefined, bytes);
  const container = readKeyContainer(bytes);
  if (container !== undefined) return { kind: 'container', container };
  if (wantsSecret === false) {
    throw new KeyInvalidError(
      'the bytes are not a DER key (SPKI, PKCS#8, PKCS#1, SEC1, X.509), and a raw secret cannot serve an asymmetric algorithm',
    );
  }
  return secret(undefined, bytes);
}

/**
 * Sorts key input into one of the import paths. `wantsSecret` is true when the algorithm is HMAC,
 * false when it is asymmetric, undefined when the caller named none.
 */
export function classifyMaterial(input: unknown, wantsSecret: boolean | undefined): Material {
  if (input instanceof Key) return { kind: 'key', key: input };
  if (typeof input === 'string') return fromText(input, wantsSecret);
  if (input instanceof Uint8Array) return fromBytes(input, wantsSecret);
  if (input instanceof ArrayBuffer) return fromBytes(new Uint8Array(input), wantsSecret);
  if (typeof input === 'object' && input !== null) {
    if ('keys' in input && Array.isArray((input as { keys: unknown }).keys)) {
      throw new KeyInvalidError('a JWKS is not one key: use createLocalJWKS');
    }
    if (typeof (input as { kty?: unknown }).kty === 'string') return { kind: 'jwk', jwk: input as JWK };
    return { kind: 'native', object: input };
  }
  throw new KeyInvalidError(input === undefined || input === null ? 'no key was given' : `a ${typeof input} is not a key`);
}
