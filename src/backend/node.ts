/**
 * The node:crypto backend: synchronous, KeyObjects imported once and kept. Serves Node, and Deno
 * and Bun where measurement says it is faster (select.node.ts).
 */
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPair,
  generateKeyPairSync,
  getCurves,
  KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { HashName, KeyAlgorithmName } from '../algorithms/index.js';
import { equalInConstantTime } from '../encoding/constant-time.js';
import { KeyInvalidError, NotSupportedError } from '../errors.js';
import { isPrivateJWK, type JWK } from '../keys/jwk.js';
import { nodeHasCipherFor } from './node-cipher.js';
import type {
  Backend,
  EncodedSignFunction,
  EncodedVerifyFunction,
  KeyFacts,
  NativeKey,
  SignFunction,
  VerifyFunction,
} from './types.js';

const HASH: Record<HashName, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const CURVE: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};
const NAMED_CURVE: Record<string, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  secp256k1: 'secp256k1',
};

let curves: Set<string> | undefined;
function hasCurve(name: string): boolean {
  curves ??= new Set(getCurves());
  return curves.has(name);
}

// node:crypto's names of the key types that need a feature test: Node 20 and 22 have no ML-DSA
// (24.7+ has), Bun's BoringSSL has no Ed448.
const KEY_TYPE: Readonly<Record<string, string>> = {
  Ed448: 'ed448',
  'ML-DSA-44': 'ml-dsa-44',
  'ML-DSA-65': 'ml-dsa-65',
  'ML-DSA-87': 'ml-dsa-87',
};
const ML_DSA: Readonly<Record<string, KeyAlgorithmName>> = {
  'ml-dsa-44': 'ML-DSA-44',
  'ml-dsa-65': 'ML-DSA-65',
  'ml-dsa-87': 'ML-DSA-87',
};

const keyTypes = new Map<string, boolean>();
/** Whether node:crypto makes keys of this type here: one key pair generated, once per process. */
function hasKeyType(type: string): boolean {
  let known = keyTypes.get(type);
  if (known === undefined) {
    try {
      generateKeyPairSync(type as 'ed448');
      known = true;
    } catch {
      known = false;
    }
    keyTypes.set(type, known);
  }
  return known;
}

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * (r, s) verifies exactly when (r, n - s) does. RFC 7518 accepts both (catalogue entry 9), but
 * Deno's node:crypto enforces low-S for secp256k1 as Bitcoin does, so we hand it the low-S twin.
 */
function lowS(signature: Uint8Array): Uint8Array {
  if (signature.length !== 64) return signature;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  if (s <= SECP256K1_N / 2n || s >= SECP256K1_N) return signature;
  const out = new Uint8Array(signature);
  out.set(Buffer.from((SECP256K1_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

function facts(key: KeyObject): KeyFacts {
  if (key.type === 'secret') return { kty: 'oct', type: 'secret', bits: (key.symmetricKeySize ?? 0) * 8 };
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return {
        kty: 'RSA',
        type: key.type,
        ...(details.modulusLength !== undefined && { bits: details.modulusLength }),
        ...(details.publicExponent !== undefined && { publicExponent: details.publicExponent }),
      };
    case 'ec': {
      const crv = CURVE[details.namedCurve ?? ''];
      if (crv === undefined) throw new NotSupportedError('EC key on an unsupported curve');
      return { kty: 'EC', type: key.type, crv };
    }
    case 'ed25519':
      return { kty: 'OKP', type: key.type, crv: 'Ed25519' };
    case 'x25519':
      return { kty: 'OKP', type: key.type, crv: 'X25519' };
    case 'ed448':
      return { kty: 'OKP', type: key.type, crv: 'Ed448' };
    case 'ml-dsa-44':
    case 'ml-dsa-65':
    case 'ml-dsa-87':
      return { kty: 'AKP', type: key.type, alg: ML_DSA[key.asymmetricKeyType] as KeyAlgorithmName };
    default:
      throw new NotSupportedError(`key type "${key.asymmetricKeyType}" is not supported`);
  }
}

function wrap(key: KeyObject): NativeKey {
  return { facts: facts(key), handle: key };
}

function guard<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (cause) {
    if (cause instanceof NotSupportedError) throw cause;
    throw new KeyInvalidError(`${what} could not be imported`, { cause });
  }
}

const bytes = (data: string | Uint8Array): Uint8Array => (typeof data === 'string' ? Buffer.from(data, 'latin1') : data);

export const nodeBackend: Backend = {
  name: 'node',
  synchronous: true,

  supports(alg) {
    if (alg.kind === 'signature') {
      const type = KEY_TYPE[alg.crv ?? alg.name];
      if (type !== undefined) return hasKeyType(type);
      return alg.crv !== 'secp256k1' || hasCurve('secp256k1');
    }
    return nodeHasCipherFor(alg);
  },

  importSecret(secret) {
    return guard('secret', () => wrap(createSecretKey(secret)));
  },

  importJWK(jwk) {
    return guard('JWK', () => {
      if (jwk.kty === 'oct') return wrap(createSecretKey(Buffer.from(jwk.k ?? '', 'base64url')));
      const input = { key: jwk as import('node:crypto').webcrypto.JsonWebKey, format: 'jwk' as const };
      return wrap(isPrivateJWK(jwk) ? createPrivateKey(input) : createPublicKey(input));
    });
  },

  importDER(der, format) {
    return guard(format === 'spki' ? 'SPKI key' : 'PKCS#8 key', () => {
      const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
      return wrap(
        format === 'spki'
          ? createPublicKey({ key, format: 'der', type: 'spki' })
          : createPrivateKey({ key, format: 'der', type: 'pkcs8' }),
      );
    });
  },

  importNative(key) {
    return key instanceof KeyObject ? wrap(key) : undefined;
  },

  signer(native, alg): SignFunction {
    const key = native.handle as KeyObject;
    const hash = HASH[alg.hash];
    switch (alg.family) {
      case 'HMAC':
        return (data) => createHmac(hash, key).update(data).digest();
      case 'RSASSA-PKCS1-v1_5':
        return (data) => sign(hash, bytes(data), key);
      case 'RSA-PSS': {
        const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.hashLength };
        return (data) => sign(hash, bytes(data), options);
      }
      case 'ECDSA': {
        const options = { key, dsaEncoding: 'ieee-p1363' as const };
        return (data) => sign(hash, bytes(data), options);
      }
      case 'EdDSA':
      case 'ML-DSA':
        // Pure EdDSA and pure ML-DSA with an empty context (RFC 9964 §2): no pre-hash.
        return (data) => sign(null, bytes(data), key);
    }
  },

  verifier(native, alg): VerifyFunction {
    const key = native.handle as KeyObject;
    const hash = HASH[alg.hash];
    switch (alg.family) {
      case 'HMAC': {
        const length = alg.hashLength;
        return (data, signature) =>
          signature.length === length && timingSafeEqual(createHmac(hash, key).update(data).digest(), signature);
      }
      case 'RSASSA-PKCS1-v1_5':
        return (data, signature) => verify(hash, bytes(data), key, signature);
      case 'RSA-PSS': {
        // RFC 7518 §3.5: the salt is as long as the hash; a signature with another salt length fails.
        const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.hashLength };
        return (data, signature) => verify(hash, bytes(data), options, signature);
      }
      case 'ECDSA': {
        const options = { key, dsaEncoding: 'ieee-p1363' as const };
        if (alg.crv === 'secp256k1') return (data, signature) => verify(hash, bytes(data), options, lowS(signature));
        return (data, signature) => verify(hash, bytes(data), options, signature);
      }
      case 'EdDSA':
        if (alg.crv === 'Ed448') {
          // RFC 8032 §5.2.7: bits 448-454 of R are unused and must be zero, and S < L leaves the last
          // byte of S zero. Deno's node:crypto ignores them (Wycheproof ed448 tcId 63-65): a second
          // encoding of one signature would verify.
          return (data, signature) =>
            ((signature[56] as number) & 0x7f) === 0 && signature[113] === 0 && verify(null, bytes(data), key, signature);
        }
        return (data, signature) => verify(null, bytes(data), key, signature);
      case 'ML-DSA':
        return (data, signature) => verify(null, bytes(data), key, signature);
    }
  },

  // HMAC as text: digest('base64url') hands back a string, where digest() allocates a Buffer that
  // then has to be encoded (or the signature decoded to compare with it): about 0.8 µs a token on
  // Node 20, a third of an HS256 verification. The encoder's output is canonical, so a segment that
  // equals it is both canonical and correct; the comparison takes constant time.
  encodedSigner(native, alg): EncodedSignFunction | undefined {
    if (alg.family !== 'HMAC') return undefined;
    const key = native.handle as KeyObject;
    const hash = HASH[alg.hash];
    return (data) => createHmac(hash, key).update(data).digest('base64url');
  },

  encodedVerifier(native, alg): EncodedVerifyFunction | undefined {
    if (alg.family !== 'HMAC') return undefined;
    const key = native.handle as KeyObject;
    const hash = HASH[alg.hash];
    const length = Math.ceil((alg.hashLength * 4) / 3);
    return (data, segment) =>
      segment.length === length && equalInConstantTime(createHmac(hash, key).update(data).digest('base64url'), segment);
  },

  exportJWK(native) {
    return (native.handle as KeyObject).export({ format: 'jwk' }) as JWK;
  },

  exportDER(native, format) {
    const key = native.handle as KeyObject;
    return new Uint8Array(key.export({ format: 'der', type: format }));
  },

  generateKeyPair(alg, options) {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) => {
        if (error) reject(new NotSupportedError(`cannot generate a ${alg.name} key pair`, { cause: error }));
        else resolve({ publicKey: wrap(publicKey), privateKey: wrap(privateKey) });
      };
      const crv = options.crv ?? (alg.kind === 'signature' ? alg.crv : undefined);
      if (alg.kty === 'RSA') generateKeyPair('rsa', { modulusLength: options.modulusLength, publicExponent: 0x10001 }, done);
      else if (crv === 'Ed25519') generateKeyPair('ed25519', {}, done);
      else if (alg.kind === 'signature' && KEY_TYPE[crv ?? alg.name] !== undefined)
        generateKeyPair(KEY_TYPE[crv ?? alg.name] as 'ed448', {}, done);
      else if (crv === 'X25519') generateKeyPair('x25519', {}, done);
      else generateKeyPair('ec', { namedCurve: NAMED_CURVE[crv ?? ''] ?? '' }, done);
    });
  },

  digest(hash, data) {
    return createHash(HASH[hash]).update(data).digest();
  },
};

/**
 * The RSA modulus of a CryptoKey whose export WebCrypto refuses (made with extractable false), read
 * through node:crypto's `KeyObject.from`, for the ROCA check (keys/roca.ts): only `n`, the public
 * half. `undefined` where the runtime cannot (its `KeyObject.from` missing or refusing the object).
 */
export function cryptoKeyModulus(object: object): Uint8Array | undefined {
  try {
    const { n } = KeyObject.from(object as CryptoKey).export({ format: 'jwk' });
    return typeof n === 'string' ? new Uint8Array(Buffer.from(n, 'base64url')) : undefined;
  } catch {
    return undefined;
  }
}
