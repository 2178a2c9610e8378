/** Verification of a key-binding JWT (RFC 9901 §7.3): holder key from `cnf.jwk`, `typ`, `aud`, `nonce`, `iat`, `sd_hash`. */

import type { HashName } from '../algorithms/index.js';
import { isJSONObject, type JSONObject } from '../encoding/json.js';
import { JWTClaimError, JWTKitError, type KeyBindingReason, SDJWTKeyBindingInvalidError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import { type VerifyJWTOptions, verifyJWT } from '../jwt/verify.js';
import type { JWK } from '../keys/jwk.js';
import { optionNames } from '../options.js';
import { digestText } from './hash.js';

export interface KeyBindingOptions {
  /** Refuse a presentation without a key-binding JWT. Default: true when the credential has `cnf`, false otherwise. */
  required?: boolean;
  /** The `aud` the key-binding JWT must carry: this verifier. Needed whenever a key-binding JWT is checked. */
  audience?: string;
  /** The nonce this verifier gave the holder. Needed whenever a key-binding JWT is checked. */
  nonce?: string;
  /** Largest age of the key-binding JWT by its `iat` (seconds or duration string, default 300). */
  maxAge?: number | string;
  /** Leeway for `iat` (default: the verify call's `clockTolerance`, else 0). */
  clockTolerance?: number | string;
  /** Algorithms accepted for the key-binding JWT (default: the one the `cnf.jwk` implies). */
  algorithms?: string[];
}

/** @internal */
export const KEY_BINDING_OPTIONS = /* @__PURE__ */ optionNames<KeyBindingOptions>()([
  'required',
  'audience',
  'nonce',
  'maxAge',
  'clockTolerance',
  'algorithms',
]);

/** A verified key-binding JWT. */
export interface VerifiedKeyBinding {
  header: JWSHeader;
  payload: JSONObject;
}

const DEFAULT_KB_MAX_AGE = 300;

const invalid = (reason: KeyBindingReason, message: string, cause?: unknown) =>
  new SDJWTKeyBindingInvalidError(reason, `key-binding JWT: ${message}`, cause === undefined ? undefined : { cause });

function reasonOf(error: JWTKitError): KeyBindingReason {
  if (error instanceof JWTClaimError) {
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'typ') return 'typ';
    if (error.claim === 'iat') return 'iat';
    if (error.claim === 'nonce') return 'nonce';
    if (error.claim === 'sd_hash') return 'sd_hash';
    return 'malformed';
  }
  if (error.code === 'ERR_JWS_SIGNATURE_INVALID' || error.code === 'ERR_ALG_NOT_ALLOWED') return 'signature';
  if (error.code.startsWith('ERR_KEY_')) return 'key';
  return 'malformed';
}

export async function verifyKeyBinding(
  kbJwt: string,
  claims: JSONObject,
  presented: string,
  hash: HashName,
  options: KeyBindingOptions & Pick<VerifyJWTOptions, 'now'>,
): Promise<VerifiedKeyBinding> {
  const cnf = claims.cnf;
  const jwk = isJSONObject(cnf) ? cnf.jwk : undefined;
  if (!isJSONObject(jwk)) throw invalid('key', 'the credential has no cnf.jwk');
  // A symmetric cnf key would make every holder of the credential able to sign for it.
  if (jwk.kty === 'oct') throw invalid('key', 'cnf.jwk is a symmetric key');
  let verified: { header: JWSHeader; payload: JSONObject };
  try {
    verified = await verifyJWT<JSONObject>(kbJwt, jwk as JWK, {
      typ: 'kb+jwt',
      audience: options.audience,
      maxAge: options.maxAge ?? DEFAULT_KB_MAX_AGE,
      requiredClaims: ['iat', 'aud', 'nonce', 'sd_hash'],
      ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    });
  } catch (error) {
    if (error instanceof JWTKitError) throw invalid(reasonOf(error), error.message, error);
    throw error;
  }
  const { header, payload } = verified;
  if (payload.nonce !== options.nonce) throw invalid('nonce', 'nonce is not the one this verifier gave');
  if (payload.sd_hash !== (await digestText(hash, presented))) {
    throw invalid('sd_hash', 'sd_hash is not the hash of the presented SD-JWT and Disclosures');
  }
  return { header, payload };
}
