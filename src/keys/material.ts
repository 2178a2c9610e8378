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
    if (input instanceof Key || isBinaryInput(input)) return input;
    copy = { ...(input as Record<string, unknown>) };
  } catch (cause) {
    throw new KeyInvalidError('the key object cannot be read: reading one of its members threw', { cause });
  }
  if (typeof copy.kty !== 'string') return input;
  try {
    if (Array.isArray(copy.key_ops)) copy.key_ops = copyList(copy.key_ops);
  } catch (cause) {
    throw new KeyInvalidError('JWK "key_ops" cannot be read', { cause });
  }
  const jwk = Object.freeze(copy);
  snapshots.add(jwk);
  return jwk as T;
}

const MAX_KEY_OPS = 16;

/** A frozen copy of an array, read by index once (no iterator of the caller's runs). */
function copyList(value: unknown[]): readonly unknown[] {
  const list: unknown[] = [];
  const length = value.length;
  // RFC 7517 §4.3 defines eight operations; a length in the billions (a sparse array) would exhaust memory.
  if (length > MAX_KEY_OPS) throw new KeyInvalidError(`JWK "key_ops" has more than ${MAX_KEY_OPS} entries`);
  for (let i = 0; i < length; i++) list.push(value[i]);
  return Object.freeze(list);
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
  if (isBinaryInput(input)) return true;
  if (snapshots.has(input)) return (input as { kty: string }).kty === 'oct';
  // A key object: its "type" may be a getter that throws, which the key-object path reports.
  try {
    return (input as { type?: unknown }).type === 'secret';
  } catch {
    return false;
  }
}

type Getter = (this: unknown) => unknown;
const getterOf = (prototype: object, name: PropertyKey): Getter =>
  Object.getOwnPropertyDescriptor(prototype, name)?.get as Getter;
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayName = getterOf(TYPED_ARRAY, Symbol.toStringTag);
const BUFFER_LENGTHS = (typeof SharedArrayBuffer === 'function' ? [ArrayBuffer, SharedArrayBuffer] : [ArrayBuffer]).map((type) =>
  getterOf(type.prototype, 'byteLength'),
);

/**
 * Which kind of binary input `input` is, by brand checks alone (nothing copied, nothing of the
 * caller's run): the prototype whose getters read a view (typed arrays', DataView's), `ArrayBuffer`
 * for a whole buffer, or `undefined`. `ArrayBuffer.isView` and the typed arrays' tag getter never
 * throw; a buffer is confirmed by its length getter, which throws for anything else.
 */
function binaryKind(input: object): object | undefined {
  if (ArrayBuffer.isView(input)) return typedArrayName.call(input) === undefined ? DataView.prototype : TYPED_ARRAY;
  for (const length of BUFFER_LENGTHS) {
    try {
      length.call(input);
      return ArrayBuffer;
    } catch {}
  }
  return undefined;
}

/** Whether the input is binary, by brand checks alone. */
const isBinaryInput = (input: object): boolean => binaryKind(input) !== undefined;

/**
 * A copy of the bytes of any binary input, from this realm or another (a Buffer, any typed array, a
 * DataView, an ArrayBuffer), as a plain Uint8Array. Brand checks through the built-in getters, never
 * instanceof or property reads: an object made from Uint8Array.prototype, or a Proxy of bytes, is not
 * bytes and goes the key-object path, which refuses it with a typed error. And always a copy made by
 * the built-ins: a Buffer with its own `subarray`, a subclass with another species or a prototype
 * swapped for a hostile one showed the key-material scan other bytes than the backend imported, so
 * a public PEM became an HMAC secret (hostile review of issue 32). Classification and import read
 * this one copy.
 */
function bytesOf(input: object): Uint8Array | undefined {
  const kind = binaryKind(input);
  if (kind === undefined) return undefined;
  const read = (name: string) => getterOf(kind, name).call(input) as number;
  try {
    const view =
      kind === ArrayBuffer
        ? new Uint8Array(input as ArrayBuffer)
        : new Uint8Array(getterOf(kind, 'buffer').call(input) as ArrayBuffer, read('byteOffset'), read('byteLength'));
    return new Uint8Array(view);
  } catch (cause) {
    // A view over a detached or shrunk buffer.
    throw new KeyInvalidError('the key bytes cannot be read (a detached or resized buffer)', { cause });
  }
}

/** @internal A copy of binary input's bytes ({@link bytesOf}), or `undefined` for anything else. */
export const binaryOf = (input: unknown): Uint8Array | undefined =>
  typeof input === 'object' && input !== null ? bytesOf(input) : undefined;

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
