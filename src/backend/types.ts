/**
 * The small interface behind which the two crypto backends sit. Only files in this folder touch a
 * crypto API. A backend that is synchronous returns plain values; the web backend returns promises.
 */
import type { AlgorithmEntry, HashName, KeyAlgorithmName, KeyType, SignatureAlgorithm } from '../algorithms/index.js';
import type { JWK } from '../keys/jwk.js';

export type Awaitable<T> = T | Promise<T>;

/**
 * Continues with `next` now when `value` is plain, after it settles when it is a promise. The
 * async APIs are built from these steps, so that with a synchronous backend and a static key they
 * cost one promise, not one microtask turn per step.
 */
export function after<T, U>(value: Awaitable<T>, next: (value: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Runs a maybe-async computation; `onError` sees its failure, thrown or rejected, alike. */
export function recover<T>(compute: () => Awaitable<T>, onError: (error: unknown) => never): Awaitable<T> {
  try {
    const value = compute();
    return value instanceof Promise ? value.catch(onError) : value;
  } catch (error) {
    return onError(error);
  }
}

/** A maybe-async computation as a promise; a synchronous throw becomes a rejection. */
export function settle<T>(compute: () => Awaitable<T>): Promise<T> {
  try {
    const value = compute();
    return value instanceof Promise ? value : Promise.resolve(value);
  } catch (error) {
    return Promise.reject(error);
  }
}
export type BackendName = 'node' | 'web';

/** What a backend reports about a key it imported; the key checks read these. */
export interface KeyFacts {
  readonly kty: KeyType;
  readonly type: 'secret' | 'public' | 'private';
  /** JWK curve name for EC and OKP keys. */
  readonly crv?: string;
  /** RSA modulus or HMAC secret size in bits. */
  readonly bits?: number;
  /** RSA public exponent. */
  readonly publicExponent?: bigint;
  /** The one algorithm the native key is bound to, where it is (a CryptoKey fixes its hash). */
  readonly alg?: KeyAlgorithmName;
}

export interface NativeKey {
  readonly facts: KeyFacts;
  /** A node:crypto KeyObject, a CryptoKey, or the bytes of a JWE secret ({@link rawSecret}). */
  readonly handle: unknown;
}

/**
 * A JWE secret (a `dir` content encryption key, an AES key-wrapping key, a PBES2 password) is kept
 * as bytes: every operation on it needs the raw key anyway (CBC-HMAC splits it, PBES2 derives from
 * it, AES key wrap imports it beside a fresh CEK), in both backends.
 */
export function rawSecret(bytes: Uint8Array): NativeKey {
  return { facts: { kty: 'oct', type: 'secret', bits: bytes.length * 8 }, handle: bytes };
}

/** The bytes of a {@link rawSecret}, or undefined for a native key object. */
export function secretBytes(key: NativeKey): Uint8Array | undefined {
  return key.handle instanceof Uint8Array ? key.handle : undefined;
}

/** Signs the JWS signing input (an ASCII string, or bytes for an unencoded payload). */
export type SignFunction = (data: string | Uint8Array) => Awaitable<Uint8Array>;
/** Verifies a signature whose length the caller already checked against the registry. */
export type VerifyFunction = (data: string | Uint8Array, signature: Uint8Array) => Awaitable<boolean>;
/** Signs an ASCII signing input and returns the signature as its base64url segment. */
export type EncodedSignFunction = (data: string) => string;
/** Verifies a base64url signature segment (of any length) over an ASCII signing input. */
export type EncodedVerifyFunction = (data: string, segment: string) => boolean;

export interface GenerateOptions {
  readonly modulusLength: number;
  readonly extractable: boolean;
  /** The curve of an ECDH-ES key pair (P-256, P-384, P-521, X25519). */
  readonly crv?: string;
}

export type OAEPHash = HashName | 'SHA-1';

/** RFC 3394: wrapped key data is at least two 64-bit blocks plus the integrity block. */
export function isWrappedKeyLength(length: number): boolean {
  return length >= 24 && length % 8 === 0;
}

/**
 * The primitives JWE is built from. Symmetric keys are bytes; asymmetric ones are native keys of
 * the same backend. Every decrypting primitive answers `undefined` on failure, never a reason:
 * JWE turns all of them into one error (RFC 7516 §11.5).
 */
export interface CipherPrimitives {
  gcmEncrypt(
    key: Uint8Array,
    iv: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Awaitable<{ ciphertext: Uint8Array; tag: Uint8Array }>;
  gcmDecrypt(
    key: Uint8Array,
    iv: Uint8Array,
    ciphertext: Uint8Array,
    tag: Uint8Array,
    aad: Uint8Array,
  ): Awaitable<Uint8Array | undefined>;
  /** AES-CBC with PKCS#7 padding. */
  cbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Awaitable<Uint8Array>;
  cbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Awaitable<Uint8Array | undefined>;
  hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Awaitable<Uint8Array>;
  /** Constant-time comparison of two byte strings of the same length. */
  equal(a: Uint8Array, b: Uint8Array): boolean;
  /** AES key wrap (RFC 3394) with the default IV. */
  aesWrap(kek: Uint8Array, key: Uint8Array): Awaitable<Uint8Array>;
  aesUnwrap(kek: Uint8Array, wrapped: Uint8Array): Awaitable<Uint8Array | undefined>;
  oaepEncrypt(key: NativeKey, hash: OAEPHash, data: Uint8Array): Awaitable<Uint8Array>;
  oaepDecrypt(key: NativeKey, hash: OAEPHash, data: Uint8Array): Awaitable<Uint8Array | undefined>;
  /** ECDH / X25519 agreement; undefined when the runtime refuses the pair (a low-order point, ...). */
  deriveSharedSecret(privateKey: NativeKey, publicKey: NativeKey): Awaitable<Uint8Array | undefined>;
  pbkdf2(hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Awaitable<Uint8Array>;
}

/**
 * A backend's JWE primitives, apart from its key handling so that a bundle which never encrypts
 * leaves them out: the JWE modules reach them through `cipherFor` / `cipherOf` in '#backend'.
 */
export interface CipherBackend extends CipherPrimitives {
  readonly name: BackendName;
  /** Whether the AES mode a JWE algorithm needs is there (other algorithms need nothing of it). */
  supports(alg: AlgorithmEntry): boolean;
}

export interface Backend {
  readonly name: BackendName;
  /** True when every method returns plain values (never promises). */
  readonly synchronous: boolean;
  supports(alg: AlgorithmEntry): boolean;
  /** Imports an HMAC secret (JWE secrets stay bytes: {@link rawSecret}). */
  importSecret(secret: Uint8Array, alg: SignatureAlgorithm, extractable: boolean): Awaitable<NativeKey>;
  importJWK(jwk: JWK, alg: AlgorithmEntry, extractable: boolean): Awaitable<NativeKey>;
  importDER(
    der: Uint8Array,
    format: 'spki' | 'pkcs8',
    alg: AlgorithmEntry,
    extractable: boolean,
    crv: string | undefined,
  ): Awaitable<NativeKey>;
  /** Wraps a key object native to this backend, or returns undefined when it is not one. */
  importNative(key: unknown): NativeKey | undefined;
  signer(key: NativeKey, alg: SignatureAlgorithm): SignFunction;
  verifier(key: NativeKey, alg: SignatureAlgorithm): VerifyFunction;
  /**
   * Optional text forms of signer and verifier, for algorithms where the backend can produce the
   * base64url signature itself and so spare a buffer and a conversion per token (node:crypto HMAC:
   * `digest('base64url')`). `undefined` for algorithms without one.
   */
  encodedSigner?(key: NativeKey, alg: SignatureAlgorithm): EncodedSignFunction | undefined;
  encodedVerifier?(key: NativeKey, alg: SignatureAlgorithm): EncodedVerifyFunction | undefined;
  exportJWK(key: NativeKey): Awaitable<JWK>;
  exportDER(key: NativeKey, format: 'spki' | 'pkcs8'): Awaitable<Uint8Array>;
  generateKeyPair(alg: AlgorithmEntry, options: GenerateOptions): Promise<{ privateKey: NativeKey; publicKey: NativeKey }>;
  digest(hash: HashName, data: Uint8Array): Awaitable<Uint8Array>;
}

/** Which build is loaded, on which runtime, and whether a backend is forced. */
export interface BuildInfo {
  readonly build: 'node' | 'web';
  readonly runtime: 'node' | 'deno' | 'bun' | 'web';
  readonly forced: BackendName | 'auto';
}
