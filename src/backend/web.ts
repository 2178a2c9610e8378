/**
 * The WebCrypto backend (crypto.subtle): the only one in the browser and Workers build, and the
 * faster one for some families on Deno. Imports no node: module.
 */
import type { JWSAlgorithm, SignatureAlgorithm } from '../algorithms.js';
import { asciiBytes } from '../encoding/utf8.js';
import { KeyInvalidError, NotSupportedError } from '../errors.js';
import { type JWK, jwkMaterial } from '../keys/jwk.js';
import type { Backend, KeyFacts, NativeKey, SignFunction, VerifyFunction } from './types.js';

const subtle = (): SubtleCrypto => {
  const value = globalThis.crypto?.subtle;
  if (value === undefined) throw new NotSupportedError('this runtime has no crypto.subtle (WebCrypto)');
  return value;
};

type ImportParams = RsaHashedImportParams | EcKeyImportParams | HmacImportParams | Algorithm;

function importParams(alg: SignatureAlgorithm): ImportParams {
  switch (alg.family) {
    case 'HMAC':
      return { name: 'HMAC', hash: alg.hash };
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
      return { name: alg.family, hash: alg.hash };
    case 'ECDSA':
      return { name: 'ECDSA', namedCurve: alg.crv as string };
    case 'EdDSA':
      return { name: 'Ed25519' };
  }
}

function operationParams(alg: SignatureAlgorithm): Algorithm | RsaPssParams | EcdsaParams {
  switch (alg.family) {
    case 'RSA-PSS':
      return { name: 'RSA-PSS', saltLength: alg.hashLength };
    case 'ECDSA':
      return { name: 'ECDSA', hash: alg.hash } as EcdsaParams;
    case 'EdDSA':
      return { name: 'Ed25519' };
    default:
      return { name: alg.family };
  }
}

function exponent(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

const HASH_BITS: Readonly<Record<string, string>> = { 'SHA-256': '256', 'SHA-384': '384', 'SHA-512': '512' };
const PREFIX: Readonly<Record<string, string>> = { HMAC: 'HS', 'RSASSA-PKCS1-v1_5': 'RS', 'RSA-PSS': 'PS' };
const ECDSA_ALG: Readonly<Record<string, JWSAlgorithm>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/** A CryptoKey is bound to its hash (and curve), so it names exactly one JWS algorithm. */
function boundAlgorithm(algorithm: { name: string; hash?: { name: string }; namedCurve?: string }): JWSAlgorithm | undefined {
  if (algorithm.name === 'Ed25519') return 'EdDSA';
  if (algorithm.name === 'ECDSA') return ECDSA_ALG[algorithm.namedCurve ?? ''];
  const prefix = PREFIX[algorithm.name];
  const bits = HASH_BITS[algorithm.hash?.name ?? ''];
  return prefix && bits ? (`${prefix}${bits}` as JWSAlgorithm) : undefined;
}

function facts(key: CryptoKey): KeyFacts {
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
      return { kty: 'oct', type: 'secret', ...(algorithm.length !== undefined && { bits: algorithm.length }) };
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS':
      return {
        kty: 'RSA',
        type,
        ...(algorithm.modulusLength !== undefined && { bits: algorithm.modulusLength }),
        ...(algorithm.publicExponent !== undefined && { publicExponent: exponent(algorithm.publicExponent) }),
      };
    case 'ECDSA':
      return { kty: 'EC', type, ...(algorithm.namedCurve !== undefined && { crv: algorithm.namedCurve }) };
    case 'Ed25519':
      return { kty: 'OKP', type, crv: 'Ed25519' };
    default:
      throw new NotSupportedError(`CryptoKey algorithm "${algorithm.name}" is not supported for signatures`);
  }
}

type KeyRole = 'secret' | 'public' | 'private';

function usages(alg: SignatureAlgorithm, type: KeyRole): KeyUsage[] {
  if (alg.family === 'HMAC') return ['sign', 'verify'];
  return type === 'private' ? ['sign'] : ['verify'];
}

async function guard(what: string, alg: SignatureAlgorithm, make: () => Promise<CryptoKey>): Promise<NativeKey> {
  try {
    const key = await make();
    return { facts: facts(key), handle: key };
  } catch (cause) {
    if (cause instanceof NotSupportedError) throw cause;
    if ((cause as { name?: string })?.name === 'NotSupportedError') {
      throw new NotSupportedError(`${alg.name} is not supported by this runtime's WebCrypto`, { cause });
    }
    throw new KeyInvalidError(`${what} could not be imported for ${alg.name}`, { cause });
  }
}

const data = (input: string | Uint8Array): Uint8Array => (typeof input === 'string' ? asciiBytes(input) : input);

export const webBackend: Backend = {
  name: 'web',
  synchronous: false,

  supports(alg) {
    // WebCrypto has no secp256k1.
    return alg.crv !== 'secp256k1';
  },

  importSecret(secret, alg, extractable) {
    return guard('secret', alg, () =>
      subtle().importKey('raw', secret as BufferSource, importParams(alg), extractable, ['sign', 'verify']),
    );
  },

  importJWK(jwk, alg, extractable) {
    const material = jwkMaterial(jwk);
    if (material === undefined) throw new KeyInvalidError('JWK has no usable key material');
    const type = alg.family === 'HMAC' ? 'secret' : material.d !== undefined ? 'private' : 'public';
    return guard('JWK', alg, () =>
      subtle().importKey('jwk', material as JsonWebKey, importParams(alg), extractable, usages(alg, type)),
    );
  },

  importDER(der, format, alg, extractable) {
    const type = format === 'spki' ? 'public' : 'private';
    return guard(format === 'spki' ? 'SPKI key' : 'PKCS#8 key', alg, () =>
      subtle().importKey(format, der as BufferSource, importParams(alg), extractable, usages(alg, type)),
    );
  },

  importNative(key) {
    if (typeof CryptoKey === 'undefined' || !(key instanceof CryptoKey)) return undefined;
    return { facts: facts(key), handle: key };
  },

  signer(native, alg): SignFunction {
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

  async exportJWK(native) {
    const jwk = (await subtle().exportKey('jwk', native.handle as CryptoKey)) as JWK;
    return jwkMaterial(jwk) ?? jwk;
  },

  async exportDER(native, format) {
    return new Uint8Array(await subtle().exportKey(format, native.handle as CryptoKey));
  },

  async generateKeyPair(alg, options) {
    const params =
      alg.kty === 'RSA'
        ? { ...importParams(alg), modulusLength: options.modulusLength, publicExponent: new Uint8Array([1, 0, 1]) }
        : importParams(alg);
    let pair: CryptoKeyPair;
    try {
      pair = (await subtle().generateKey(params, options.extractable, ['sign', 'verify'])) as CryptoKeyPair;
    } catch (cause) {
      throw new NotSupportedError(`cannot generate a ${alg.name} key pair with WebCrypto`, { cause });
    }
    return {
      privateKey: { facts: facts(pair.privateKey), handle: pair.privateKey },
      publicKey: { facts: facts(pair.publicKey), handle: pair.publicKey },
    };
  },

  async digest(hash, input) {
    return new Uint8Array(await subtle().digest(hash, input as BufferSource));
  },
};
