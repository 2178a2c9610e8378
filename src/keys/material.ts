/**
 * Classifies what a caller passed as a key. The rule that matters most (RFC 8725 §3.1, catalogue
 * entries 2 and 35): text or bytes that hold asymmetric key material never become an HMAC or AES
 * secret, whatever form they come in (string, Buffer, Uint8Array, ArrayBuffer, DataView) and
 * whatever junk surrounds the key. Bytes are read exactly like the same text. Text and bytes are
 * read by text-reader.ts, through a hook (see there for why).
 */

import { chunkHook } from '../backend/load-chunk.js';
import { KeyInvalidError } from '../errors.js';
import type { KeyContainer } from './asn1.js';
import type * as ImportText from './import-text.js';
import type { JWK } from './jwk.js';
import { Key } from './key.js';
import type { KeySide } from './pem.js';

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

/** What material.ts and import.ts need of the key text reader (text-reader.ts, import-text.ts). */
export interface KeyTextReader {
  fromText(text: string, intent: SecretIntent, side?: KeySide): Material;
  fromBytes(bytes: Uint8Array, intent: SecretIntent, side?: KeySide): Material;
  rawMLDSA: typeof ImportText.rawMLDSA;
  planSecret: typeof ImportText.planSecret;
  planContainer: typeof ImportText.planContainer;
  planSymmetricJWK: typeof ImportText.planSymmetricJWK;
  secretOf: typeof ImportText.secretOf;
  checkSecret: typeof ImportText.checkSecret;
}

const reader = chunkHook<KeyTextReader>();

/** @internal Called by text-reader.ts's installKeyTextReader. */
export const setKeyTextReader: (installed: KeyTextReader) => void = reader.set;

/** The installed reader (text-reader.ts). */
export const keyTextReader: () => KeyTextReader = reader.get;

/** The JWK copies {@link snapshotJWK} made: the only objects {@link classifyMaterial} takes for a JWK. */
const snapshots = new WeakSet<object>();

/**
 * A key object read once. An object that is not a Key, bytes or an ArrayBuffer is copied (each own
 * member read once, getters and Proxy traps included); when the copy has a string `kty` it is the
 * JWK every later check reads, frozen. Otherwise the object goes the key-object path (CryptoKey,
 * KeyObject), and its `kty` is never read again. A getter answering "oct" to one check and "RSA" or
 * nothing to another could otherwise skip the scan of `k` for key material (hostile reviews of
 * issue 32): the decision is made once, on the copy. A member that throws is a KeyInvalidError.
 */
export function snapshotJWK<T>(input: T): T {
  if (typeof input !== 'object' || input === null) return input;
  let copy: Record<string, unknown>;
  try {
    if (input instanceof Key || bytesOf(input) !== undefined) return input;
    copy = { ...(input as Record<string, unknown>) };
  } catch (cause) {
    throw new KeyInvalidError('the key object cannot be read: reading one of its members threw', { cause });
  }
  if (typeof copy.kty !== 'string') return input;
  if (Array.isArray(copy.key_ops)) copy.key_ops = Object.freeze([...copy.key_ops]);
  const jwk = Object.freeze(copy);
  snapshots.add(jwk);
  return jwk as T;
}

/**
 * Whether importing `input` needs the key text reader: text, bytes, a symmetric JWK (its "k" is
 * scanned) or a secret key object (a CryptoKey of type "secret": its length is checked by the
 * reader's secret rules, import-text.ts).
 */
export function needsKeyTextReader(input: unknown): boolean {
  if (reader.loaded() || input instanceof Key) return false;
  if (typeof input === 'string') return true;
  if (typeof input !== 'object' || input === null) return false;
  if (bytesOf(input) !== undefined) return true;
  if (snapshots.has(input)) return (input as { kty: string }).kty === 'oct';
  // A key object: its "type" may be a getter that throws, which the key-object path reports.
  try {
    return (input as { type?: unknown }).type === 'secret';
  } catch {
    return false;
  }
}

const tag = (value: object): string => Object.prototype.toString.call(value);

/** Whether the input is binary (any typed array, a DataView, an ArrayBuffer, from any realm). */
export const isBinary = (input: unknown): boolean => typeof input === 'object' && input !== null && bytesOf(input) !== undefined;

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
  if (typeof input === 'string') return keyTextReader().fromText(input, intent, side);
  if (typeof input === 'object' && input !== null) {
    const bytes = bytesOf(input);
    if (bytes !== undefined) return keyTextReader().fromBytes(bytes, intent, side);
    if ('keys' in input && Array.isArray((input as { keys: unknown }).keys)) {
      throw new KeyInvalidError('a JWKS is not one key: use createLocalJWKS');
    }
    // A JWK only as snapshotJWK copied it: the live object's kty is never read again.
    if (snapshots.has(input)) return { kind: 'jwk', jwk: input as JWK };
    return { kind: 'native', object: input };
  }
  throw new KeyInvalidError(input === undefined || input === null ? 'no key was given' : `a ${typeof input} is not a key`);
}
