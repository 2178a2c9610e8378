/**
 * createExternalKey: a Key whose private half lives elsewhere (an HSM, a cloud KMS) and is used by
 * calling a function. Everything that takes a private key takes it; the sign and decrypt paths
 * reach this module only through the key object, so a bundle that never creates one carries none
 * of it.
 */
import type { AlgorithmEntry } from '../../algorithms/index.js';
import type { NativeKey } from '../../backend/types.js';
import { utf8Encode } from '../../encoding/utf8.js';
import {
  ExternalKeySignatureInvalidError,
  ExternalKeyUnavailableError,
  InvalidOptionError,
  NotSupportedError,
} from '../../errors.js';
import { verifyWith } from '../../jws/signature.js';
import { parseDuration } from '../../jwt/duration.js';
import { checkOptionNames, optionNames } from '../../options.js';
import { importKey } from '../import.js';
import type { JWK } from '../jwk.js';
import { Key } from '../key.js';
import type { KeyMaterial } from '../material.js';
import { callExternal } from './call.js';
import { ecdsaDERToJOSE } from './ecdsa-der.js';

/** What jwtkit hands the external function besides the data. */
export interface ExternalCallContext {
  /** Aborted when `timeout` passes: give it to the service's client (`abortSignal` in the AWS SDK, `signal` in fetch). */
  readonly signal: AbortSignal;
  /** The key's algorithm. */
  readonly alg: string;
}

/** What the sign function gets besides the signing input. */
export interface ExternalSignContext extends ExternalCallContext {
  /** The hash of the algorithm (RSA, ECDSA), for services that sign a digest; undefined for EdDSA and ML-DSA. */
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512' | undefined;
  /** The digest of the signing input with `hash`, for services that take a digest (AWS KMS `MessageType: 'DIGEST'`, PKCS#11 `CKM_ECDSA`). */
  digest(): Promise<Uint8Array>;
}

export interface ExternalKeyOptions {
  /** The one algorithm of the key: an asymmetric JWS algorithm, `RSA-OAEP*`, or `ECDH-ES*`. */
  alg: string;
  /** The public half (JWK, SPKI PEM, certificate, Key, CryptoKey, KeyObject): it checks every signature and is what a JWKS publishes. */
  publicKey: KeyMaterial;
  /** The key id put in headers; defaults to the public key's. */
  kid?: string;
  /**
   * Signs the JWS signing input (the bytes themselves, not a digest: use `context.digest()` for a
   * service that takes one). Returns the signature as `signatureFormat` says, at once (a local
   * library's synchronous sign) or as a promise (a service call).
   */
  sign?: (
    data: Uint8Array<ArrayBuffer>,
    context: ExternalSignContext,
  ) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>;
  /** ECDSA only: `der` for services that answer with DER (AWS KMS, Google Cloud KMS), `jose` (r || s, the default) otherwise. */
  signatureFormat?: 'jose' | 'der';
  /**
   * RSA-OAEP: decrypts a JWE encrypted key with the algorithm's OAEP hash and returns the content
   * encryption key. Return `undefined` (or throw) when it does not decrypt: every failure looks the
   * same to the sender (RFC 7516 §11.5); throw `ExternalKeyUnavailableError` when the service is down.
   */
  decrypt?: (
    encryptedKey: Uint8Array<ArrayBuffer>,
    context: ExternalCallContext,
  ) => Uint8Array | ArrayBuffer | undefined | Promise<Uint8Array | ArrayBuffer | undefined>;
  /** ECDH-ES: the raw shared secret Z of the key and the sender's ephemeral public key (a checked, public JWK). */
  deriveSharedSecret?: (
    ephemeralPublicKey: JWK,
    context: ExternalCallContext,
  ) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>;
  /** How long one call may take (seconds or a duration string; default 10). */
  timeout?: number | string;
}

const EXTERNAL_KEY_OPTIONS = /* @__PURE__ */ optionNames<ExternalKeyOptions>()([
  'alg',
  'publicKey',
  'kid',
  'sign',
  'signatureFormat',
  'decrypt',
  'deriveSharedSecret',
  'timeout',
]);

/** Bytes of Z per curve (RFC 7518 §4.6: the x-coordinate, or the X25519 output). */
const SHARED_SECRET_LENGTH: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, X25519: 32 };

const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get;

/**
 * A copy of the bytes a function returned, in a buffer only jwtkit holds, or undefined for anything
 * else. The copy is what gets checked and used: an adapter that reuses its output buffer (as native
 * HSM clients do) cannot change the bytes between the check and the token. The typed-array
 * constructor reads the array's own length, not a getter; a Proxy, an object made from
 * Uint8Array.prototype or a detached buffer makes it (or instanceof) throw, which means "not bytes".
 */
function ownBytes(value: unknown): Uint8Array<ArrayBuffer> | undefined {
  try {
    if (value instanceof Uint8Array) return new Uint8Array(value);
    if (value instanceof ArrayBuffer) {
      // The getter throws for what is not an ArrayBuffer inside (a Proxy would read as zero bytes).
      arrayBufferByteLength?.call(value);
      return new Uint8Array(new Uint8Array(value));
    }
  } catch {
    // Not bytes jwtkit can read: the callers turn undefined into their typed error.
  }
  return undefined;
}

/** Which function the algorithm needs: the one option that must be a function, the others must be absent. */
function neededFunction(alg: AlgorithmEntry): 'sign' | 'decrypt' | 'deriveSharedSecret' {
  if (alg.kind === 'signature' && alg.kty !== 'oct') return 'sign';
  if (alg.kind === 'key-management' && alg.family === 'RSA-OAEP') return 'decrypt';
  if (alg.kind === 'key-management' && alg.family === 'ECDH-ES') return 'deriveSharedSecret';
  throw new InvalidOptionError(
    'alg',
    `an external key serves an asymmetric JWS algorithm, RSA-OAEP or ECDH-ES, not ${alg.name} (a secret key has no public half to check it by)`,
  );
}

/**
 * Creates a key whose private half stays in an HSM or a key service: a public key plus the function
 * that uses the private one. Signatures are converted (DER ECDSA to r || s), checked for length and
 * verified with the public key before any token leaves; a failure is
 * `ERR_EXTERNAL_KEY_SIGNATURE_INVALID`, a service that throws or exceeds `timeout`
 * `ERR_EXTERNAL_KEY_UNAVAILABLE`. The key is `private`, bound to `alg`, never extractable.
 *
 * @example
 * ```ts
 * const key = await createExternalKey({
 *   alg: 'ES256',
 *   publicKey: publicJwk,
 *   kid: 'kms-2025-01',
 *   signatureFormat: 'der', // what AWS KMS and Google Cloud KMS return
 *   sign: async (data) => kmsSign(data),
 * });
 * const token = await signJWT({ sub: 'ada' }, key, { expiresIn: '15m' });
 * ```
 */
export async function createExternalKey(options: ExternalKeyOptions): Promise<Key> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  checkOptionNames(options, EXTERNAL_KEY_OPTIONS);
  const { alg, sign, decrypt, deriveSharedSecret, signatureFormat = 'jose' } = options;
  if (typeof alg !== 'string') throw new InvalidOptionError('alg', 'must name the algorithm of the key');
  if (options.publicKey === undefined) throw new InvalidOptionError('publicKey', 'is required: it checks every signature');
  const publicKey = await importKey(options.publicKey, { alg });
  if (publicKey.type !== 'public') {
    throw new InvalidOptionError(
      'publicKey',
      `must be a public key (this is a ${publicKey.type} one; keep private keys in the service)`,
    );
  }
  const algorithm = publicKey.internals.algorithm;
  const needed = neededFunction(algorithm);
  const functions = { sign, decrypt, deriveSharedSecret };
  for (const [name, value] of Object.entries(functions)) {
    if (name === needed ? typeof value !== 'function' : value !== undefined) {
      throw new InvalidOptionError(
        name,
        name === needed ? `must be a function for ${alg}` : `is not used with ${alg}; give ${needed}`,
      );
    }
  }
  if (signatureFormat !== 'jose' && signatureFormat !== 'der')
    throw new InvalidOptionError('signatureFormat', 'must be "jose" or "der"');
  if (signatureFormat === 'der' && !(algorithm.kind === 'signature' && algorithm.family === 'ECDSA')) {
    throw new InvalidOptionError('signatureFormat', 'DER applies to ECDSA signatures only');
  }
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new InvalidOptionError('kid', 'must be a string');
  const timeoutSeconds = parseDuration(options.timeout ?? 10, 'timeout');
  // Timers take at most 2^31-1 ms; a longer one would fire at once and every call would time out.
  if (!(timeoutSeconds > 0) || timeoutSeconds * 1000 > 2 ** 31 - 1)
    throw new InvalidOptionError('timeout', 'must be greater than 0 and at most 24 days');
  const timeout = timeoutSeconds * 1000;
  const kid = options.kid ?? publicKey.kid;
  const { backend, native: publicNative, signatureLength } = publicKey.internals;
  // The key object is the public one; only its declared type changes. No private operation of the
  // backend ever runs on it: signing and unwrapping go to the functions below.
  const native: NativeKey = { facts: { ...publicNative.facts, type: 'private' }, handle: publicNative.handle };

  let externalSign: ((data: string | Uint8Array) => Promise<Uint8Array>) | undefined;
  if (algorithm.kind === 'signature' && sign !== undefined) {
    const length = signatureLength as number;
    const hash = algorithm.family === 'ECDSA' || algorithm.kty === 'RSA' ? algorithm.hash : undefined;
    externalSign = async (input) => {
      // A fresh copy: the function may hand it to crypto.subtle, and may keep it.
      const data = new Uint8Array(typeof input === 'string' ? utf8Encode(input) : input);
      const digest = async () => {
        if (hash === undefined) throw new NotSupportedError(`${alg} signs the message itself; it has no digest`);
        return backend.digest(hash, data);
      };
      const answer = await callExternal('sign', kid, timeout, (signal) => sign(data, { signal, alg, hash, digest }));
      // From here on only this copy is read: it is what is checked and what the token carries.
      const copy = ownBytes(answer);
      if (copy === undefined)
        throw new ExternalKeySignatureInvalidError('format', 'the external sign function returned no Uint8Array');
      let signature: Uint8Array = copy;
      if (signatureFormat === 'der') signature = ecdsaDERToJOSE(signature, length / 2);
      if (signature.length !== length) {
        throw new ExternalKeySignatureInvalidError(
          'length',
          `the external signature has ${signature.length} bytes; ${alg} with this key gives ${length}`,
        );
      }
      if (!(await verifyWith(publicKey, input, signature))) {
        throw new ExternalKeySignatureInvalidError(
          'mismatch',
          `the external signature does not verify with the public key${kid === undefined ? '' : ` of kid "${kid.slice(0, 64)}"`}: the service signed with another key, or returned garbage`,
        );
      }
      return signature;
    };
  }

  let cipher: Key['internals']['cipher'];
  if (decrypt !== undefined) {
    const oaepDecrypt = async (_own: NativeKey, _hash: string, encryptedKey: Uint8Array) =>
      ownBytes(
        await callExternal('decrypt', kid, timeout, (signal) => decrypt(new Uint8Array(encryptedKey), { signal, alg }), true),
      );
    cipher = { oaepDecrypt, deriveSharedSecret: () => undefined };
  }
  if (deriveSharedSecret !== undefined) {
    const crv = publicNative.facts.crv as string;
    const agree = async (_own: NativeKey, other: NativeKey) => {
      const { kty, x, y } = await backend.exportJWK(other);
      const epk: JWK = y === undefined ? { kty, crv, x } : { kty, crv, x, y };
      const shared = ownBytes(
        await callExternal('derive a shared secret', kid, timeout, (signal) => deriveSharedSecret(epk, { signal, alg })),
      );
      if (shared?.length !== SHARED_SECRET_LENGTH[crv]) {
        throw new ExternalKeyUnavailableError(
          'failed',
          `the external deriveSharedSecret function returned no ${SHARED_SECRET_LENGTH[crv]}-byte ${crv} shared secret`,
        );
      }
      return shared;
    };
    cipher = { oaepDecrypt: () => undefined, deriveSharedSecret: agree };
  }

  return new Key(publicKey.alg, kid, {
    algorithm,
    backend,
    native,
    extractable: false,
    sign: externalSign,
    verify: undefined,
    signEncoded: undefined,
    verifyEncoded: undefined,
    signatureLength,
    encrypt: false,
    decrypt: algorithm.kind === 'key-management',
    publicKey,
    ...(cipher && { cipher }),
  });
}

/**
 * The public half of an external key (undefined for any other key): what a JWKS publishes.
 *
 * @example
 * ```ts
 * const jwk = await exportKey(externalPublicKey(hsmKey) ?? hsmKey, 'jwk');
 * ```
 */
export function externalPublicKey(key: Key): Key | undefined {
  return key instanceof Key ? key.internals.publicKey : undefined;
}
