/**
 * The WebCrypto backend (crypto.subtle): the only one in the browser and Workers build, and the
 * faster one for some families on Deno. Imports no node: module.
 */
import type { AlgorithmEntry, KeyAlgorithmName, SignatureAlgorithm } from '../algorithms/index.js';
import { asciiBytes } from '../encoding/utf8.js';
import { KeyInvalidError, NotSupportedError } from '../errors.js';
import { isPrivateJWK, jwkMaterial } from '../keys/jwk.js';
import { loadChunk } from './load-chunk.js';
import { isUnsupported, subtle } from './subtle.js';
import type { Backend, KeyFacts, NativeKey, SignFunction, VerifyFunction } from './types.js';

type ImportParams = RsaHashedImportParams | EcKeyImportParams | HmacImportParams | Algorithm;

/** @internal */
export function importParams(alg: AlgorithmEntry, crv: string | undefined): ImportParams {
  if (alg.kind !== 'signature') {
    if (alg.family === 'RSA-OAEP') return { name: 'RSA-OAEP', hash: alg.hash as string };
    if (alg.family === 'ECDH-ES') return crv === 'X25519' ? { name: 'X25519' } : { name: 'ECDH', namedCurve: crv as string };
    throw new NotSupportedError(`${alg.name} keys are not WebCrypto key objects`);
  }
  switch (alg.family) {
    case 'HMAC':
      return { name: 'HMAC', hash: alg.hash };
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
      return { name: alg.family, hash: alg.hash };
    case 'ECDSA':
      return { name: 'ECDSA', namedCurve: alg.crv as string };
    case 'EdDSA':
      return { name: alg.crv === 'Ed448' ? 'Ed448' : 'Ed25519' };
    case 'ML-DSA':
      return { name: alg.name };
  }
}

function operationParams(alg: SignatureAlgorithm): Algorithm | RsaPssParams | EcdsaParams {
  switch (alg.family) {
    case 'RSA-PSS':
      return { name: 'RSA-PSS', saltLength: alg.hashLength };
    case 'ECDSA':
      return { name: 'ECDSA', hash: alg.hash } as EcdsaParams;
    case 'EdDSA':
      return { name: alg.crv === 'Ed448' ? 'Ed448' : 'Ed25519' };
    case 'ML-DSA':
      // Pure ML-DSA with an empty context (RFC 9964 §2).
      return { name: alg.name };
    default:
      return { name: alg.family };
  }
}

function exponent(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

const ML_DSA: ReadonlySet<string> = new Set(['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87']);
const HASH_BITS: Readonly<Record<string, string>> = { 'SHA-256': '256', 'SHA-384': '384', 'SHA-512': '512' };
const PREFIX: Readonly<Record<string, string>> = { HMAC: 'HS', 'RSASSA-PKCS1-v1_5': 'RS', 'RSA-PSS': 'PS' };
const ECDSA_ALG: Readonly<Record<string, KeyAlgorithmName>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const OAEP_ALG: Readonly<Record<string, KeyAlgorithmName>> = {
  'SHA-1': 'RSA-OAEP',
  'SHA-256': 'RSA-OAEP-256',
  'SHA-384': 'RSA-OAEP-384',
  'SHA-512': 'RSA-OAEP-512',
};

/**
 * A signing or RSA-OAEP CryptoKey is bound to its hash (and curve), so it names exactly one
 * algorithm. ECDH and AES keys serve several (ECDH-ES and its key-wrap variants).
 */
function boundAlgorithm(algorithm: { name: string; hash?: { name: string }; namedCurve?: string }): KeyAlgorithmName | undefined {
  if (algorithm.name === 'Ed25519') return 'EdDSA';
  if (algorithm.name === 'Ed448' || ML_DSA.has(algorithm.name)) return algorithm.name as KeyAlgorithmName;
  if (algorithm.name === 'ECDSA') return ECDSA_ALG[algorithm.namedCurve ?? ''];
  if (algorithm.name === 'RSA-OAEP') return OAEP_ALG[algorithm.hash?.name ?? ''];
  const prefix = PREFIX[algorithm.name];
  const bits = HASH_BITS[algorithm.hash?.name ?? ''];
  return prefix && bits ? (`${prefix}${bits}` as KeyAlgorithmName) : undefined;
}

/** @internal */
export function facts(key: CryptoKey): KeyFacts {
  const algorithm = key.algorithm as KeyAlgorithm & {
    length?: number;
    modulusLength?: number;
    publicExponent?: Uint8Array;
    namedCurve?: string;
    hash?: { name: string };
  };
  const type = key.type;
  const alg = boundAlgorithm(algorithm);
  return alg === undefined ? describe(algorithm, type) : { ...describe(algorithm, type), alg };
}

function describe(
  algorithm: KeyAlgorithm & { length?: number; modulusLength?: number; publicExponent?: Uint8Array; namedCurve?: string },
  type: KeyRole,
): KeyFacts {
  switch (algorithm.name) {
    case 'HMAC':
    case 'AES-GCM':
    case 'AES-KW':
    case 'AES-CBC':
      return { kty: 'oct', type: 'secret', ...(algorithm.length !== undefined && { bits: algorithm.length }) };
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
    case 'RSA-OAEP':
      return {
        kty: 'RSA',
        type,
        ...(algorithm.modulusLength !== undefined && { bits: algorithm.modulusLength }),
        ...(algorithm.publicExponent !== undefined && { publicExponent: exponent(algorithm.publicExponent) }),
      };
    case 'ECDSA':
    case 'ECDH':
      return { kty: 'EC', type, ...(algorithm.namedCurve !== undefined && { crv: algorithm.namedCurve }) };
    case 'Ed25519':
      return { kty: 'OKP', type, crv: 'Ed25519' };
    case 'X25519':
      return { kty: 'OKP', type, crv: 'X25519' };
    case 'Ed448':
      return { kty: 'OKP', type, crv: 'Ed448' };
    case 'ML-DSA-44':
    case 'ML-DSA-65':
    case 'ML-DSA-87':
      return { kty: 'AKP', type };
    default:
      throw new NotSupportedError(`CryptoKey algorithm "${algorithm.name}" is not supported`);
  }
}

type KeyRole = 'secret' | 'public' | 'private';

function usages(alg: AlgorithmEntry, type: KeyRole): KeyUsage[] {
  if (alg.family === 'HMAC') return ['sign', 'verify'];
  if (alg.family === 'RSA-OAEP') return type === 'private' ? ['decrypt'] : ['encrypt'];
  if (alg.family === 'ECDH-ES') return type === 'private' ? ['deriveBits'] : [];
  return type === 'private' ? ['sign'] : ['verify'];
}

/** Why the runtime refused: for the newer algorithms, where they are to be found. */
/** @internal */
export function unsupported(alg: AlgorithmEntry): string {
  const base = `${alg.name} is not supported by this runtime's WebCrypto`;
  if (alg.family === 'ML-DSA') return `${base}: ML-DSA needs Node 24.7+ (node:crypto or WebCrypto) or a WebCrypto that has it`;
  if (alg.name === 'Ed448') return `${base}: Ed448 needs node:crypto (Node, Deno) or a WebCrypto that has it`;
  return base;
}

async function guard(what: string, alg: AlgorithmEntry, make: () => Promise<CryptoKey>): Promise<NativeKey> {
  try {
    const key = await make();
    return { facts: facts(key), handle: key };
  } catch (cause) {
    if (cause instanceof NotSupportedError) throw cause;
    if (isUnsupported(cause)) throw new NotSupportedError(unsupported(alg), { cause });
    throw new KeyInvalidError(`${what} could not be imported for ${alg.name}`, { cause });
  }
}

const webKeys = () => loadChunk('WebCrypto key export and generation', () => import('./web-keys.js'));

const data = (input: string | Uint8Array): Uint8Array => (typeof input === 'string' ? asciiBytes(input) : input);

export const webBackend: Backend = {
  name: 'web',
  synchronous: false,

  supports(alg) {
    // WebCrypto has no secp256k1. What else a runtime lacks (AES-192 in Chromium) shows at use, as ERR_NOT_SUPPORTED.
    return alg.kind !== 'signature' || alg.crv !== 'secp256k1';
  },

  importSecret(secret, alg, extractable) {
    return guard('secret', alg, () =>
      subtle().importKey('raw', secret as BufferSource, importParams(alg, undefined), extractable, ['sign', 'verify']),
    );
  },

  importJWK(jwk, alg, extractable) {
    const material = jwkMaterial(jwk);
    if (material === undefined) throw new KeyInvalidError('JWK has no usable key material');
    const type = alg.family === 'HMAC' ? 'secret' : isPrivateJWK(material) ? 'private' : 'public';
    return guard('JWK', alg, () =>
      subtle().importKey('jwk', material as JsonWebKey, importParams(alg, material.crv), extractable, usages(alg, type)),
    );
  },

  importDER(der, format, alg, extractable, crv) {
    const type = format === 'spki' ? 'public' : 'private';
    return guard(format === 'spki' ? 'SPKI key' : 'PKCS#8 key', alg, () =>
      subtle().importKey(format, der as BufferSource, importParams(alg, crv), extractable, usages(alg, type)),
    );
  },

  importNative(key) {
    if (typeof CryptoKey === 'undefined' || !(key instanceof CryptoKey)) return undefined;
    return { facts: facts(key), handle: key };
  },

  signer(native, alg: SignatureAlgorithm): SignFunction {
    const key = native.handle as CryptoKey;
    const params = operationParams(alg);
    return async (input) => new Uint8Array(await subtle().sign(params, key, data(input) as BufferSource));
  },

  verifier(native, alg): VerifyFunction {
    const key = native.handle as CryptoKey;
    const params = operationParams(alg);
    return async (input, signature) => {
      try {
        return await subtle().verify(params, key, signature as BufferSource, data(input) as BufferSource);
      } catch {
        return false;
      }
    };
  },

  // Export, generation and digests: not what a verifier or signer of given keys needs, so the
  // browser build loads them on first use (web-keys.ts).
  exportJWK: async (native) => (await webKeys()).exportJWK(native),
  exportDER: async (native, format) => (await webKeys()).exportDER(native, format),
  generateKeyPair: async (alg, options) => (await webKeys()).generateKeyPair(alg, options),
  digest: async (hash, input) => (await webKeys()).digest(hash, input),
};
