/** generateKeyPair and generateSecret. */

import { backendFor } from '#backend';
import { type AlgorithmEntry, ECDH_CURVES, keyAlgorithm } from '../algorithms/index.js';
import { randomBytes } from '../backend/random.js';
import { InvalidOptionError, NotSupportedError } from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';
import { adoptNativeKey, importKey } from './import.js';
import type { Key } from './key.js';

export interface GenerateKeyPairOptions {
  /** RSA modulus length in bits (default 2048, at least 2048). */
  modulusLength?: number;
  /**
   * Curve, for algorithms that allow a choice: ECDH-ES and its key-wrap variants take P-256
   * (default), P-384, P-521 or X25519; EdDSA is Ed25519. ES* algorithms fix their curve.
   */
  crv?: string;
  /** Whether the private key may be exported (default false). */
  extractable?: boolean;
  /** Key id for both keys. */
  kid?: string;
}

function algorithmFor(alg: string, family: 'pair' | 'secret'): AlgorithmEntry {
  if (alg === 'dir')
    throw new InvalidOptionError('alg', 'a "dir" key is the content encryption key: generateSecret(enc), e.g. "A256GCM"');
  const entry = keyAlgorithm(alg);
  if (entry === undefined) throw new NotSupportedError(`unknown algorithm "${String(alg).slice(0, 32)}"`);
  if (entry.kind === 'key-management' && entry.family === 'PBES2') {
    throw new InvalidOptionError('alg', `${alg} derives its key from a password: importKey(password, { alg })`);
  }
  if ((entry.kty === 'oct') !== (family === 'secret')) {
    throw new InvalidOptionError(
      'alg',
      family === 'secret' ? `${alg} uses a key pair: call generateKeyPair` : `${alg} uses a secret: call generateSecret`,
    );
  }
  return entry;
}

function curveFor(algorithm: AlgorithmEntry, crv: string | undefined): string | undefined {
  if (algorithm.kind === 'key-management' && algorithm.family === 'ECDH-ES') {
    if (crv !== undefined && !ECDH_CURVES.includes(crv)) {
      throw new InvalidOptionError('crv', `${algorithm.name} runs on ${ECDH_CURVES.join(', ')}`);
    }
    return crv ?? 'P-256';
  }
  const fixed = algorithm.kind === 'signature' ? algorithm.crv : undefined;
  if (crv !== undefined && crv !== fixed)
    throw new InvalidOptionError('crv', `${algorithm.name} uses ${fixed ?? 'no curve choice'}`);
  return fixed;
}

const GENERATE_KEY_PAIR_OPTIONS = /* @__PURE__ */ optionNames<GenerateKeyPairOptions>()([
  'modulusLength',
  'crv',
  'extractable',
  'kid',
]);
const GENERATE_SECRET_OPTIONS: ReadonlySet<string> = new Set(['extractable', 'kid']);

/**
 * Generates a key pair bound to `alg`: a signature algorithm, RSA-OAEP*, or ECDH-ES* (on the
 * curve of `options.crv`).
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = await generateKeyPair('EdDSA');
 * const rsa = await generateKeyPair('PS256', { modulusLength: 3072, extractable: true });
 * const recipient = await generateKeyPair('ECDH-ES', { crv: 'X25519' });
 * ```
 */
export async function generateKeyPair(
  alg: string,
  options: GenerateKeyPairOptions = {},
): Promise<{ privateKey: Key; publicKey: Key }> {
  checkOptionNames(options, GENERATE_KEY_PAIR_OPTIONS);
  const algorithm = algorithmFor(alg, 'pair');
  const modulusLength = options.modulusLength ?? 2048;
  if (algorithm.kty === 'RSA' && (!Number.isSafeInteger(modulusLength) || modulusLength < 2048 || modulusLength % 8 !== 0)) {
    throw new InvalidOptionError('modulusLength', 'must be a multiple of 8, at least 2048');
  }
  const crv = curveFor(algorithm, options.crv);
  const extractable = options.extractable ?? false;
  const backend = backendFor(algorithm);
  const pair = await backend.generateKeyPair(algorithm, { modulusLength, extractable, ...(crv !== undefined && { crv }) });
  return {
    privateKey: adoptNativeKey(pair.privateKey, algorithm, backend, { kid: options.kid, extractable }),
    publicKey: adoptNativeKey(pair.publicKey, algorithm, backend, { kid: options.kid, extractable: true }),
  };
}

/**
 * Generates a random secret bound to `alg`: an HMAC secret as long as the hash (32, 48 or 64
 * bytes), a `dir` content encryption key for an enc (`A256GCM`: 32 bytes, `A256CBC-HS512`: 64),
 * or an AES key-wrapping key (`A256KW`, `A256GCMKW`).
 *
 * @example
 * ```ts
 * const secret = await generateSecret('HS256', { extractable: true });
 * const cek = await generateSecret('A256GCM');
 * ```
 */
export async function generateSecret(alg: string, options: { extractable?: boolean; kid?: string } = {}): Promise<Key> {
  checkOptionNames(options, GENERATE_SECRET_OPTIONS);
  const algorithm = algorithmFor(alg, 'secret');
  const length = algorithm.kind === 'signature' ? algorithm.hashLength : (algorithm.keyLength as number);
  const bytes = randomBytes(length);
  return importKey(bytes, {
    alg: algorithm.name,
    extractable: options.extractable ?? false,
    ...(options.kid !== undefined && { kid: options.kid }),
  });
}
