/**
 * The small interface behind which the two crypto backends sit. Only files in this folder touch a
 * crypto API. A backend that is synchronous returns plain values; the web backend returns promises.
 */
import type { HashName, JWSAlgorithm, KeyType, SignatureAlgorithm } from '../algorithms.js';
import type { JWK } from '../keys/jwk.js';

export type Awaitable<T> = T | Promise<T>;
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
  readonly alg?: JWSAlgorithm;
}

export interface NativeKey {
  readonly facts: KeyFacts;
  /** A node:crypto KeyObject or a CryptoKey. */
  readonly handle: unknown;
}

/** Signs the JWS signing input (an ASCII string, or bytes for an unencoded payload). */
export type SignFunction = (data: string | Uint8Array) => Awaitable<Uint8Array>;
/** Verifies a signature whose length the caller already checked against the registry. */
export type VerifyFunction = (data: string | Uint8Array, signature: Uint8Array) => Awaitable<boolean>;

export interface GenerateOptions {
  readonly modulusLength: number;
  readonly extractable: boolean;
}

export interface Backend {
  readonly name: BackendName;
  /** True when every method returns plain values (never promises). */
  readonly synchronous: boolean;
  supports(alg: SignatureAlgorithm): boolean;
  importSecret(secret: Uint8Array, alg: SignatureAlgorithm, extractable: boolean): Awaitable<NativeKey>;
  importJWK(jwk: JWK, alg: SignatureAlgorithm, extractable: boolean): Awaitable<NativeKey>;
  importDER(der: Uint8Array, format: 'spki' | 'pkcs8', alg: SignatureAlgorithm, extractable: boolean): Awaitable<NativeKey>;
  /** Wraps a key object native to this backend, or returns undefined when it is not one. */
  importNative(key: unknown): NativeKey | undefined;
  signer(key: NativeKey, alg: SignatureAlgorithm): SignFunction;
  verifier(key: NativeKey, alg: SignatureAlgorithm): VerifyFunction;
  exportJWK(key: NativeKey): Awaitable<JWK>;
  exportDER(key: NativeKey, format: 'spki' | 'pkcs8'): Awaitable<Uint8Array>;
  generateKeyPair(alg: SignatureAlgorithm, options: GenerateOptions): Promise<{ privateKey: NativeKey; publicKey: NativeKey }>;
  digest(hash: HashName, data: Uint8Array): Awaitable<Uint8Array>;
}

/** Which build is loaded, on which runtime, and whether a backend is forced. */
export interface BuildInfo {
  readonly build: 'node' | 'web';
  readonly runtime: 'node' | 'deno' | 'bun' | 'web';
  readonly forced: BackendName | 'auto';
}
