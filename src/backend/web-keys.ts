/**
 * The WebCrypto backend's key export, key generation and digests (web.ts loads this module on first
 * use, so that a browser bundle that only verifies or signs with given keys does not carry it).
 */
import type { AlgorithmEntry } from '../algorithms/index.js';
import { NotSupportedError } from '../errors.js';
import { type JWK, jwkMaterial } from '../keys/jwk.js';
import { subtle } from './subtle.js';
import type { Backend, NativeKey } from './types.js';
import { facts, importParams, unsupported } from './web.js';

function pairUsages(alg: AlgorithmEntry): KeyUsage[] {
  if (alg.family === 'RSA-OAEP') return ['encrypt', 'decrypt'];
  if (alg.family === 'ECDH-ES') return ['deriveBits'];
  return ['sign', 'verify'];
}

export async function exportJWK(native: NativeKey): Promise<JWK> {
  const jwk = (await subtle().exportKey('jwk', native.handle as CryptoKey)) as JWK;
  return jwkMaterial(jwk) ?? jwk;
}

export async function exportDER(native: NativeKey, format: 'spki' | 'pkcs8'): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey(format, native.handle as CryptoKey));
}

export const generateKeyPair: Backend['generateKeyPair'] = async (alg, options) => {
  const params =
    alg.kty === 'RSA'
      ? { ...importParams(alg, undefined), modulusLength: options.modulusLength, publicExponent: new Uint8Array([1, 0, 1]) }
      : importParams(alg, options.crv);
  let pair: CryptoKeyPair;
  try {
    pair = (await subtle().generateKey(params, options.extractable, pairUsages(alg))) as CryptoKeyPair;
  } catch (cause) {
    throw new NotSupportedError(`cannot generate a ${alg.name} key pair: ${unsupported(alg)}`, { cause });
  }
  return {
    privateKey: { facts: facts(pair.privateKey), handle: pair.privateKey },
    publicKey: { facts: facts(pair.publicKey), handle: pair.publicKey },
  };
};

export async function digest(hash: string, input: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, input as BufferSource));
}
