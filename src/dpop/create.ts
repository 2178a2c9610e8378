/** createDPoPProof: the client's proof of possession for one request (RFC 9449 §4.2). */

import { randomBytes } from '../backend/random.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError } from '../errors.js';
import { signJWS } from '../jws/sign.js';
import { parseNow } from '../jwt/duration.js';
import { exportKey } from '../keys/export.js';
import { importKey } from '../keys/import.js';
import { Key } from '../keys/key.js';
import { checkOptionNames, optionNames } from '../options.js';
import { accessTokenHash } from './hash.js';
import { normalizeHTU } from './htu.js';
import { publicMembers } from './public-jwk.js';

/**
 * A key pair as {@link generateKeyPair} returns it, or a WebCrypto `CryptoKeyPair`
 * (`crypto.subtle.generateKey`, the npm `dpop` package's `generateKeyPair`), imported once.
 */
export type DPoPKeyPair = { privateKey: Key; publicKey: Key } | { privateKey: CryptoKey; publicKey: CryptoKey };

export interface CreateDPoPProofOptions {
  /** The request's HTTP method, as sent (`GET`, `POST`): compared case-sensitively. */
  htm: string;
  /** The request's absolute URL; its query and fragment are left out of the proof. */
  htu: string;
  /** The server's latest `DPoP-Nonce`, when it sent one. */
  nonce?: string;
  /** The access token sent with the request: its hash goes in `ath`. */
  accessToken?: string;
  /** The signature algorithm; the private key's own by default. */
  alg?: string;
  /** Creation time, NumericDate seconds or a Date (default: now). */
  iat?: number | Date;
  /** The proof's unique id (default: 128 random bits, base64url). */
  jti?: string;
}

const CREATE_OPTIONS = /* @__PURE__ */ optionNames<CreateDPoPProofOptions>()([
  'htm',
  'htu',
  'nonce',
  'accessToken',
  'alg',
  'iat',
  'jti',
]);
// RFC 9110 §9.1: a method is a token.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
// RFC 9449 §8.1: a nonce is one or more NQCHAR (printable ASCII but `"` and `\`).
export const NONCE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]{1,1024}$/;

const isCryptoKey = (value: unknown, type: 'private' | 'public'): value is CryptoKey =>
  typeof value === 'object' &&
  value !== null &&
  (value as CryptoKey).type === type &&
  typeof (value as CryptoKey).algorithm === 'object' &&
  Array.isArray((value as CryptoKey).usages);

/** A CryptoKeyPair's jwtkit keys, imported once per pair (the algorithm read from the CryptoKey). */
const imported = new WeakMap<CryptoKey, Promise<{ privateKey: Key; publicKey: Key }>>();

/**
 * Checks a key pair at once, and returns how to get it as jwtkit keys (a CryptoKeyPair is imported
 * on first use, then reused).
 */
export function checkKeyPair(keyPair: unknown): () => Promise<{ privateKey: Key; publicKey: Key }> {
  const pair = keyPair as { privateKey?: unknown; publicKey?: unknown } | null;
  if (typeof pair === 'object' && pair !== null && pair.privateKey instanceof Key && pair.publicKey instanceof Key) {
    if (pair.privateKey.kty === 'oct') throw new InvalidOptionError('keyPair', 'DPoP needs an asymmetric key pair, not a secret');
    const keys = Promise.resolve({ privateKey: pair.privateKey, publicKey: pair.publicKey });
    return () => keys;
  }
  if (
    typeof pair === 'object' &&
    pair !== null &&
    isCryptoKey(pair.privateKey, 'private') &&
    isCryptoKey(pair.publicKey, 'public')
  ) {
    const { privateKey, publicKey } = pair;
    return () => {
      let keys = imported.get(privateKey);
      if (keys === undefined) {
        keys = Promise.all([importKey(privateKey), importKey(publicKey)]).then(([priv, pub]) => ({
          privateKey: priv,
          publicKey: pub,
        }));
        imported.set(privateKey, keys);
        keys.catch(() => imported.delete(privateKey));
      }
      return keys;
    };
  }
  throw new InvalidOptionError(
    'keyPair',
    'must be { privateKey, publicKey }: as generateKeyPair returns them, or a WebCrypto CryptoKeyPair',
  );
}

function checkString(value: unknown, option: string, syntax?: RegExp): string {
  if (typeof value !== 'string' || value === '' || (syntax !== undefined && !syntax.test(value))) {
    throw new InvalidOptionError(option, syntax === undefined ? 'must be a non-empty string' : 'is not of the required syntax');
  }
  return value;
}

/**
 * Makes a DPoP proof for one request: a JWT with `typ: dpop+jwt`, the public key in the header's
 * `jwk` (public members only), and `jti`, `htm`, `htu`, `iat`, plus `nonce` and `ath` when given.
 * Make a new proof for every request: a server refuses a proof it has seen before.
 *
 * @example
 * ```ts
 * const keyPair = await generateKeyPair('ES256');
 * const proof = await createDPoPProof(keyPair, {
 *   htm: 'GET',
 *   htu: 'https://api.example.com/orders?page=2',
 *   accessToken,
 * });
 * const response = await fetch('https://api.example.com/orders?page=2', {
 *   headers: { authorization: `DPoP ${accessToken}`, dpop: proof },
 * });
 * ```
 */
export async function createDPoPProof(keyPair: DPoPKeyPair, options: CreateDPoPProofOptions): Promise<string> {
  const keys = checkKeyPair(keyPair);
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must give htm and htu');
  checkOptionNames(options, CREATE_OPTIONS);
  const htm = checkString(options.htm, 'htm', METHOD);
  const htu = normalizeHTU(options.htu);
  if (htu === undefined) throw new InvalidOptionError('htu', 'must be an absolute http or https URL');
  // A user:password@ in the URL would go into the proof, which the server may log: never sent.
  if (new URL(options.htu).username !== '' || new URL(options.htu).password !== '')
    throw new InvalidOptionError('htu', 'must not carry credentials (user:password@)');
  const claims: Record<string, string | number> = {
    jti: options.jti === undefined ? encodeBase64url(randomBytes(16)) : checkString(options.jti, 'jti'),
    htm,
    htu,
    iat: Math.floor(options.iat === undefined ? Date.now() / 1000 : parseNow(options.iat, 'iat')),
  };
  if (options.nonce !== undefined) claims.nonce = checkString(options.nonce, 'nonce', NONCE_SYNTAX);
  if (options.accessToken !== undefined) claims.ath = await accessTokenHash(checkString(options.accessToken, 'accessToken'));
  const { privateKey, publicKey } = await keys();
  const jwk = publicMembers(await exportKey(publicKey, 'jwk'));
  return signJWS(utf8Encode(JSON.stringify(claims)), privateKey, {
    ...(options.alg !== undefined && { alg: options.alg }),
    typ: 'dpop+jwt',
    header: { jwk },
  }) as Promise<string>;
}
