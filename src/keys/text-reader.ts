/**
 * The reader of key text and bytes: PEM (and bundles of blocks), bare base64 DER, JWK text, DER,
 * key text held in bytes, and the scan that keeps asymmetric key material from ever becoming an
 * HMAC or AES secret (RFC 8725 §3.1, catalogue entries 2 and 35), with the import paths only text,
 * bytes and secrets take (import-text.ts). It is the larger half of key
 * classification (ASN.1, PEM, the scanner), and a verifier given only JWKs, CryptoKeys or Key
 * objects never needs it. material.ts reaches it through a hook. In the Node, Deno and Bun build
 * every import installs it first (`installKeyText` of backend/select.node.ts, a static import: size
 * does not matter on a server, and the synchronous API needs it there). In the browser and Workers
 * build that function does nothing, and the asynchronous import installs the reader the first time
 * it meets text, bytes or a symmetric JWK, by a dynamic import, which an application bundler splits
 * into a chunk of its own (issue 32). Nothing in the browser build imports this module statically:
 * a bundler that assigns files to chunks by static reachability (esbuild) would otherwise put it in
 * the first chunk.
 */

import { parseJSON } from '../encoding/json.js';
import { utf8Encode } from '../encoding/utf8.js';
import { KeyInvalidError } from '../errors.js';
import { type KeyContainer, readKeyContainer } from './asn1.js';
import { findKeyMaterial, utf16Text } from './find-key-material.js';
import { checkSecret, planContainer, planSecret, planSymmetricJWK, rawMLDSA, secretOf } from './import-text.js';
import type { JWK } from './jwk.js';
import { type Material, type SecretIntent, setKeyTextReader } from './material.js';
import { decodeBase64, type KeySide, pemBlocksFor, readPEM } from './pem.js';

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

export function fromText(text: string, intent: SecretIntent, side?: KeySide): Material {
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

export function fromBytes(bytes: Uint8Array, intent: SecretIntent, side?: KeySide): Material {
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

const READER = { fromText, fromBytes, rawMLDSA, planSecret, planContainer, planSymmetricJWK, secretOf, checkSecret };

/**
 * Installs the reader (idempotent, and cheap enough to call on every import). The RSA checks an RSA
 * key in text needs are not part of it: the browser build loads them as their own chunk when an
 * import meets an RSA key (rsa-checks.ts), so a verifier of secrets or EC keys never fetches them.
 */
export function installKeyTextReader(): void {
  setKeyTextReader(READER);
}
