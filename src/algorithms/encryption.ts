/**
 * The registry of JWE algorithms (RFC 7518 §4 and §5, RFC 8037 §3.2): key management (`alg`) and
 * content encryption (`enc`). Every other module reads it: key checks, IV and tag lengths, which
 * AES key wrap a derived key feeds, backend parameters. RSA1_5 is deliberately absent (catalogue
 * entry 14: a padding oracle by design).
 */
import type { HashName } from './signature.js';

export type KeyManagementAlgorithmName =
  | 'dir'
  | 'A128KW'
  | 'A192KW'
  | 'A256KW'
  | 'A128GCMKW'
  | 'A192GCMKW'
  | 'A256GCMKW'
  | 'RSA-OAEP'
  | 'RSA-OAEP-256'
  | 'RSA-OAEP-384'
  | 'RSA-OAEP-512'
  | 'ECDH-ES'
  | 'ECDH-ES+A128KW'
  | 'ECDH-ES+A192KW'
  | 'ECDH-ES+A256KW'
  | 'PBES2-HS256+A128KW'
  | 'PBES2-HS384+A192KW'
  | 'PBES2-HS512+A256KW';

export type ContentEncryptionAlgorithmName =
  | 'A128GCM'
  | 'A192GCM'
  | 'A256GCM'
  | 'A128CBC-HS256'
  | 'A192CBC-HS384'
  | 'A256CBC-HS512';

export type KeyManagementFamily = 'dir' | 'AES-KW' | 'AES-GCM-KW' | 'RSA-OAEP' | 'ECDH-ES' | 'PBES2';
export type ContentEncryptionFamily = 'AES-GCM' | 'AES-CBC-HMAC';
export type AESKeyWrapName = 'A128KW' | 'A192KW' | 'A256KW';

/** The curves ECDH-ES runs on: NIST curves as EC keys, X25519 as an OKP key (RFC 8037). */
export const ECDH_CURVES: readonly string[] = ['P-256', 'P-384', 'P-521', 'X25519'];

export interface KeyManagementAlgorithm {
  readonly kind: 'key-management';
  readonly name: KeyManagementAlgorithmName;
  readonly family: KeyManagementFamily;
  /** JWK key type of the recipient's key (ECDH-ES: `EC`, or `OKP` for X25519). */
  readonly kty: 'oct' | 'RSA' | 'EC';
  /** RSA-OAEP hash (MGF1 uses the same), or the PBES2 PRF hash. */
  readonly hash?: HashName | 'SHA-1';
  /** Bytes of the AES key: the KEK of A*KW and A*GCMKW, the derived KEK of ECDH-ES+A*KW and PBES2. */
  readonly keyLength?: 16 | 24 | 32;
  /** The AES key wrap a derived key feeds (ECDH-ES+A*KW, PBES2). */
  readonly wrap?: AESKeyWrapName;
  /** Smallest RSA modulus in bits. */
  readonly minKeyBits?: number;
  /** The curves of an ECDH-ES key ({@link ECDH_CURVES}). */
  readonly curves?: readonly string[];
}

export interface ContentEncryptionAlgorithm {
  readonly kind: 'content-encryption';
  readonly name: ContentEncryptionAlgorithmName;
  readonly family: ContentEncryptionFamily;
  readonly kty: 'oct';
  /** Bytes of the content encryption key (for CBC-HMAC: MAC key and AES key together). */
  readonly keyLength: 16 | 24 | 32 | 48 | 64;
  /** Bytes of the AES key inside it. */
  readonly aesKeyLength: 16 | 24 | 32;
  readonly ivLength: 12 | 16;
  readonly tagLength: 16 | 24 | 32;
  /** The HMAC hash of CBC-HMAC. */
  readonly hash?: HashName;
}

const aesKW = (name: AESKeyWrapName, bytes: 16 | 24 | 32): KeyManagementAlgorithm => ({
  kind: 'key-management',
  name,
  family: 'AES-KW',
  kty: 'oct',
  keyLength: bytes,
});
const aesGCMKW = (name: KeyManagementAlgorithmName, bytes: 16 | 24 | 32): KeyManagementAlgorithm => ({
  kind: 'key-management',
  name,
  family: 'AES-GCM-KW',
  kty: 'oct',
  keyLength: bytes,
});
const rsaOAEP = (name: KeyManagementAlgorithmName, hash: HashName | 'SHA-1'): KeyManagementAlgorithm => ({
  kind: 'key-management',
  name,
  family: 'RSA-OAEP',
  kty: 'RSA',
  hash,
  minKeyBits: 2048,
});
const ecdhES = (name: KeyManagementAlgorithmName, wrap?: AESKeyWrapName, bytes?: 16 | 24 | 32): KeyManagementAlgorithm => ({
  kind: 'key-management',
  name,
  family: 'ECDH-ES',
  kty: 'EC',
  curves: ECDH_CURVES,
  ...(wrap !== undefined && { wrap, keyLength: bytes }),
});
const pbes2 = (name: KeyManagementAlgorithmName, hash: HashName, wrap: AESKeyWrapName, bytes: 16 | 24 | 32) =>
  ({ kind: 'key-management', name, family: 'PBES2', kty: 'oct', hash, wrap, keyLength: bytes }) as const;

const gcm = (name: ContentEncryptionAlgorithmName, bytes: 16 | 24 | 32): ContentEncryptionAlgorithm => ({
  kind: 'content-encryption',
  name,
  family: 'AES-GCM',
  kty: 'oct',
  keyLength: bytes,
  aesKeyLength: bytes,
  ivLength: 12,
  tagLength: 16,
});
const cbcHMAC = (name: ContentEncryptionAlgorithmName, bytes: 16 | 24 | 32, hash: HashName): ContentEncryptionAlgorithm => ({
  kind: 'content-encryption',
  name,
  family: 'AES-CBC-HMAC',
  kty: 'oct',
  keyLength: (bytes * 2) as 32 | 48 | 64,
  aesKeyLength: bytes,
  ivLength: 16,
  tagLength: bytes,
  hash,
});

const KEY_MANAGEMENT: ReadonlyMap<string, KeyManagementAlgorithm> = new Map(
  [
    { kind: 'key-management', name: 'dir', family: 'dir', kty: 'oct' } as KeyManagementAlgorithm,
    aesKW('A128KW', 16),
    aesKW('A192KW', 24),
    aesKW('A256KW', 32),
    aesGCMKW('A128GCMKW', 16),
    aesGCMKW('A192GCMKW', 24),
    aesGCMKW('A256GCMKW', 32),
    rsaOAEP('RSA-OAEP', 'SHA-1'),
    rsaOAEP('RSA-OAEP-256', 'SHA-256'),
    rsaOAEP('RSA-OAEP-384', 'SHA-384'),
    rsaOAEP('RSA-OAEP-512', 'SHA-512'),
    ecdhES('ECDH-ES'),
    ecdhES('ECDH-ES+A128KW', 'A128KW', 16),
    ecdhES('ECDH-ES+A192KW', 'A192KW', 24),
    ecdhES('ECDH-ES+A256KW', 'A256KW', 32),
    pbes2('PBES2-HS256+A128KW', 'SHA-256', 'A128KW', 16),
    pbes2('PBES2-HS384+A192KW', 'SHA-384', 'A192KW', 24),
    pbes2('PBES2-HS512+A256KW', 'SHA-512', 'A256KW', 32),
  ].map((entry) => [entry.name, entry]),
);

const CONTENT_ENCRYPTION: ReadonlyMap<string, ContentEncryptionAlgorithm> = new Map(
  [
    gcm('A128GCM', 16),
    gcm('A192GCM', 24),
    gcm('A256GCM', 32),
    cbcHMAC('A128CBC-HS256', 16, 'SHA-256'),
    cbcHMAC('A192CBC-HS384', 24, 'SHA-384'),
    cbcHMAC('A256CBC-HS512', 32, 'SHA-512'),
  ].map((entry) => [entry.name, entry]),
);

/** Every JWE key management algorithm jwtkit knows, in registry order. */
export const KEY_MANAGEMENT_ALGORITHMS: readonly KeyManagementAlgorithmName[] = [
  ...KEY_MANAGEMENT.keys(),
] as KeyManagementAlgorithmName[];

/** Every JWE content encryption algorithm jwtkit knows, in registry order. */
export const CONTENT_ENCRYPTION_ALGORITHMS: readonly ContentEncryptionAlgorithmName[] = [
  ...CONTENT_ENCRYPTION.keys(),
] as ContentEncryptionAlgorithmName[];

/** The registry entry for a JWE `alg`, or `undefined` (RSA1_5 included: it is never implemented). */
export function keyManagementAlgorithm(alg: unknown): KeyManagementAlgorithm | undefined {
  return typeof alg === 'string' ? KEY_MANAGEMENT.get(alg) : undefined;
}

/** The registry entry for a JWE `enc`, or `undefined`. */
export function contentEncryptionAlgorithm(enc: unknown): ContentEncryptionAlgorithm | undefined {
  return typeof enc === 'string' ? CONTENT_ENCRYPTION.get(enc) : undefined;
}
