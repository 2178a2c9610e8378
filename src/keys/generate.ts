/** generateKeyPair and generateSecret. */

import { backendFor } from '#backend';
import { signatureAlgorithm } from '../algorithms.js';
import { InvalidOptionError, NotSupportedError } from '../errors.js';
import { adoptNativeKey, importKey } from './import.js';
import type { Key } from './key.js';

export interface GenerateKeyPairOptions {
  /** RSA modulus length in bits (default 2048, at least 2048). */
  modulusLength?: number;
  /** Curve, for algorithms that allow a choice (EdDSA: Ed25519). ES* algorithms fix their curve. */
  crv?: string;
  /** Whether the private key may be exported (default false). */
  extractable?: boolean;
  /** Key id for both keys. */
  kid?: string;
}

function algorithmFor(alg: string, family: 'pair' | 'secret') {
  const entry = signatureAlgorithm(alg);
  if (entry === undefined) throw new NotSupportedError(`unknown JWS algorithm "${String(alg).slice(0, 32)}"`);
  if ((entry.kty === 'oct') !== (family === 'secret')) {
    throw new InvalidOptionError(
      'alg',
      family === 'secret' ? `${alg} uses a key pair: call generateKeyPair` : `${alg} uses a secret: call generateSecret`,
    );
  }
  return entry;
}

/**
 * Generates a key pair bound to `alg`.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = await generateKeyPair('EdDSA');
 * const rsa = await generateKeyPair('PS256', { modulusLength: 3072, extractable: true });
 * ```
 */
export async function generateKeyPair(
  alg: string,
  options: GenerateKeyPairOptions = {},
): Promise<{ privateKey: Key; publicKey: Key }> {
  const algorithm = algorithmFor(alg, 'pair');
  const modulusLength = options.modulusLength ?? 2048;
  if (algorithm.kty === 'RSA' && (!Number.isSafeInteger(modulusLength) || modulusLength < 2048 || modulusLength % 8 !== 0)) {
    throw new InvalidOptionError('modulusLength', 'must be a multiple of 8, at least 2048');
  }
  if (options.crv !== undefined && options.crv !== algorithm.crv) {
    throw new InvalidOptionError('crv', `${alg} uses ${algorithm.crv ?? 'no curve choice'}`);
  }
  const extractable = options.extractable ?? false;
  const backend = backendFor(algorithm);
  const pair = await backend.generateKeyPair(algorithm, { modulusLength, extractable });
  return {
    privateKey: adoptNativeKey(pair.privateKey, algorithm, backend, { kid: options.kid, extractable }),
    publicKey: adoptNativeKey(pair.publicKey, algorithm, backend, { kid: options.kid, extractable: true }),
  };
}

/**
 * Generates a random HMAC secret as long as the hash (32, 48 or 64 bytes), bound to `alg`.
 *
 * @example
 * ```ts
 * const secret = await generateSecret('HS256', { extractable: true });
 * ```
 */
export async function generateSecret(alg: string, options: { extractable?: boolean; kid?: string } = {}): Promise<Key> {
  const algorithm = algorithmFor(alg, 'secret');
  const bytes = crypto.getRandomValues(new Uint8Array(algorithm.hashLength));
  return importKey(bytes, {
    alg: algorithm.name,
    extractable: options.extractable ?? false,
    ...(options.kid !== undefined && { kid: options.kid }),
  });
}
