/**
 * The registry of JWS algorithms (RFC 7518 §3, RFC 8037, RFC 8812, RFC 9864, RFC 9964). Every other module
 * reads it: key checks, signature lengths, backend parameters. Adding an algorithm is one entry
 * here plus backend support.
 */

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type SignatureFamily = 'HMAC' | 'RSASSA-PKCS1-v1_5' | 'RSA-PSS' | 'ECDSA' | 'EdDSA' | 'ML-DSA';
/** JWK key types; `AKP` (RFC 9964) is the algorithm key pair of ML-DSA, bound to its `alg`. */
export type KeyType = 'oct' | 'RSA' | 'EC' | 'OKP' | 'AKP';

export type JWSAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'ES256K'
  | 'EdDSA'
  | 'Ed25519'
  | 'Ed448'
  | 'ML-DSA-44'
  | 'ML-DSA-65'
  | 'ML-DSA-87';

export interface SignatureAlgorithm {
  readonly kind: 'signature';
  readonly name: JWSAlgorithm;
  readonly family: SignatureFamily;
  readonly hash: HashName;
  /** Bytes in the hash output: the HMAC tag length and the minimum HMAC secret length. */
  readonly hashLength: number;
  readonly kty: KeyType;
  /** The JWK curve name, for EC and OKP algorithms. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521' | 'secp256k1' | 'Ed25519' | 'Ed448';
  /** Public key length in bytes, for ML-DSA (the AKP `pub`); its private key is a 32-byte seed. */
  readonly publicKeyLength?: number;
  /** Exact signature length in bytes, where the algorithm fixes it (RSA depends on the key). */
  readonly signatureLength?: number;
  /** Smallest key size in bits (RSA modulus). */
  readonly minKeyBits?: number;
}

const hmac = (name: JWSAlgorithm, bits: 256 | 384 | 512): SignatureAlgorithm => ({
  kind: 'signature',
  name,
  family: 'HMAC',
  hash: `SHA-${bits}`,
  hashLength: bits / 8,
  kty: 'oct',
  signatureLength: bits / 8,
});
const rsa = (name: JWSAlgorithm, family: SignatureFamily, bits: 256 | 384 | 512): SignatureAlgorithm => ({
  kind: 'signature',
  name,
  family,
  hash: `SHA-${bits}`,
  hashLength: bits / 8,
  kty: 'RSA',
  minKeyBits: 2048,
});
const ecdsa = (
  name: JWSAlgorithm,
  bits: 256 | 384 | 512,
  crv: 'P-256' | 'P-384' | 'P-521' | 'secp256k1',
  signatureLength: number,
): SignatureAlgorithm => ({
  kind: 'signature',
  name,
  family: 'ECDSA',
  hash: `SHA-${bits}`,
  hashLength: bits / 8,
  kty: 'EC',
  crv,
  signatureLength,
});
const ed25519 = (name: JWSAlgorithm): SignatureAlgorithm => ({
  kind: 'signature',
  name,
  family: 'EdDSA',
  hash: 'SHA-512',
  hashLength: 64,
  kty: 'OKP',
  crv: 'Ed25519',
  signatureLength: 64,
});
// EdDSA and ML-DSA hash inside the algorithm (SHA-512, SHAKE256); `hash` is only what every entry
// carries, never used to sign.
const ed448: SignatureAlgorithm = {
  kind: 'signature',
  name: 'Ed448',
  family: 'EdDSA',
  hash: 'SHA-512',
  hashLength: 64,
  kty: 'OKP',
  crv: 'Ed448',
  signatureLength: 114,
};
// FIPS 204 table 2: public key and signature sizes of the three parameter sets.
const mldsa = (name: JWSAlgorithm, publicKeyLength: number, signatureLength: number): SignatureAlgorithm => ({
  kind: 'signature',
  name,
  family: 'ML-DSA',
  hash: 'SHA-512',
  hashLength: 64,
  kty: 'AKP',
  publicKeyLength,
  signatureLength,
});

/** Bytes in an ML-DSA private key seed (FIPS 204 ξ), the AKP `priv`. */
export const ML_DSA_SEED_LENGTH = 32;

const REGISTRY: ReadonlyMap<string, SignatureAlgorithm> = new Map(
  [
    hmac('HS256', 256),
    hmac('HS384', 384),
    hmac('HS512', 512),
    rsa('RS256', 'RSASSA-PKCS1-v1_5', 256),
    rsa('RS384', 'RSASSA-PKCS1-v1_5', 384),
    rsa('RS512', 'RSASSA-PKCS1-v1_5', 512),
    rsa('PS256', 'RSA-PSS', 256),
    rsa('PS384', 'RSA-PSS', 384),
    rsa('PS512', 'RSA-PSS', 512),
    ecdsa('ES256', 256, 'P-256', 64),
    ecdsa('ES384', 384, 'P-384', 96),
    ecdsa('ES512', 512, 'P-521', 132),
    ecdsa('ES256K', 256, 'secp256k1', 64),
    // RFC 8037 "EdDSA" and its fully specified RFC 9864 name: the same algorithm over Ed25519.
    ed25519('EdDSA'),
    ed25519('Ed25519'),
    // RFC 9864's fully specified name; "EdDSA" stays Ed25519 only (docs/decisions.md).
    ed448,
    mldsa('ML-DSA-44', 1312, 2420),
    mldsa('ML-DSA-65', 1952, 3309),
    mldsa('ML-DSA-87', 2592, 4627),
  ].map((entry) => [entry.name, entry]),
);

/** Every JWS algorithm jwtkit knows, in registry order. */
export const JWS_ALGORITHMS: readonly JWSAlgorithm[] = [...REGISTRY.keys()] as JWSAlgorithm[];

/** The registry entry for a JWS `alg`, or `undefined` when jwtkit does not know it (`none` included). */
export function signatureAlgorithm(alg: unknown): SignatureAlgorithm | undefined {
  return typeof alg === 'string' ? REGISTRY.get(alg) : undefined;
}

/**
 * The algorithm a key binds to when the caller names none: the one a jsonwebtoken or jose user
 * would expect, and the only one a verifier then accepts (docs/decisions.md, "default algorithms").
 */
export function defaultAlgorithmFor(kty: KeyType, crv?: string): JWSAlgorithm | undefined {
  switch (kty) {
    case 'oct':
      return 'HS256';
    case 'RSA':
      return 'RS256';
    case 'OKP':
      return crv === 'Ed25519' ? 'EdDSA' : crv === 'Ed448' ? 'Ed448' : undefined;
    case 'AKP':
      // An AKP key names its parameter set (the JWK's alg, the container's OID): that is its algorithm.
      return crv === 'ML-DSA-44' || crv === 'ML-DSA-65' || crv === 'ML-DSA-87' ? crv : undefined;
    case 'EC':
      for (const entry of REGISTRY.values()) if (entry.kty === 'EC' && entry.crv === crv) return entry.name;
      return undefined;
  }
}

/** Algorithms that are one algorithm under two names (RFC 9864): a key for one serves the other. */
export function sameAlgorithm(a: string, b: string): boolean {
  if (a === b) return true;
  return (a === 'EdDSA' && b === 'Ed25519') || (a === 'Ed25519' && b === 'EdDSA');
}
