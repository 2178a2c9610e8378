/** verifySDJWT: the verifier's side of RFC 9901 §7 (issuer signature, Disclosures, key binding). */

import type { JSONObject } from '../encoding/json.js';
import { InvalidOptionError, SDJWTKeyBindingInvalidError, SDJWTKeyBindingMissingError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import type { KeyOrResolver } from '../jws/key-source.js';
import { checkClaims, compileClaimPolicy } from '../jwt/claims.js';
import { parseDuration } from '../jwt/duration.js';
import { VERIFY_JWT_OPTIONS, type VerifyJWTOptions, verifyJWT } from '../jwt/verify.js';
import { checkOptionNames } from '../options.js';
import { DEFAULT_MAX_SD_JWT_LENGTH, splitSDJWT } from './compact.js';
import { readSDJWT } from './decode.js';
import type { Disclosure } from './disclosure.js';
import type { SDHashAlgorithm } from './hash.js';
import { KEY_BINDING_OPTIONS, type KeyBindingOptions, type VerifiedKeyBinding, verifyKeyBinding } from './key-binding.js';
import { processPayload } from './process.js';

export interface VerifySDJWTOptions extends VerifyJWTOptions {
  /** Key binding: whether it is required, and the audience, nonce and age its JWT must have. */
  keyBinding?: KeyBindingOptions;
}

const VERIFY_SD_JWT_OPTIONS: ReadonlySet<string> = new Set([...VERIFY_JWT_OPTIONS, 'keyBinding']);

/** A verified SD-JWT presentation. */
export interface VerifiedSDJWT<P extends object = JSONObject> {
  /** The processed payload: plain claims and disclosed ones, no `_sd`, `_sd_alg` or digests. */
  payload: P & JSONObject;
  /** The issuer-signed JWT's header. */
  header: JWSHeader;
  /** The Disclosures presented, each with its digest. */
  disclosures: Disclosure[];
  /** The `_sd_alg` of the SD-JWT. */
  sdAlg: SDHashAlgorithm;
  /** The key-binding JWT, when the presentation had one (it was verified). */
  keyBinding?: VerifiedKeyBinding;
}

/**
 * Verifies an SD-JWT presentation (RFC 9901 §7): the issuer's signature and claims with the usual
 * `verifyJWT` options; each Disclosure's digest found exactly once, no digest twice, no claim
 * written twice, `...` array elements and nested Disclosures; `_sd_alg` one of sha-256/384/512;
 * and the key-binding JWT (`typ`, holder signature by `cnf.jwk`, `aud`, `nonce`, `iat`, `sd_hash`).
 * Key binding is required by default when the credential has `cnf`; a key-binding JWT is only
 * accepted against the `audience` and `nonce` given here.
 *
 * @example
 * ```ts
 * import { verifySDJWT } from 'jwtkit/sd-jwt';
 *
 * const { payload } = await verifySDJWT(presentation, issuerPublicKey, {
 *   issuer: 'https://issuer.example',
 *   typ: 'example+sd-jwt',
 *   keyBinding: { audience: 'https://verifier.example', nonce: expectedNonce },
 * });
 * payload.given_name; // disclosed claims only
 * ```
 */
export async function verifySDJWT<P extends object = JSONObject>(
  presentation: string,
  issuerKey: KeyOrResolver,
  options: VerifySDJWTOptions = {},
): Promise<VerifiedSDJWT<P>> {
  checkOptionNames(options, VERIFY_SD_JWT_OPTIONS);
  const { keyBinding: kbOptions = {}, ...jwtOptions } = options;
  checkOptionNames(kbOptions, KEY_BINDING_OPTIONS, 'keyBinding');
  // The verifier's own settings, checked before any input is read: a bad one is the caller's
  // mistake (ERR_INVALID_OPTION), never blamed on the presentation.
  for (const name of ['audience', 'nonce'] as const) {
    const value = kbOptions[name];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0))
      throw new InvalidOptionError(`keyBinding.${name}`, 'must be a non-empty string');
  }
  if (kbOptions.maxAge !== undefined) parseDuration(kbOptions.maxAge, 'keyBinding.maxAge');
  if (kbOptions.clockTolerance !== undefined) parseDuration(kbOptions.clockTolerance, 'keyBinding.clockTolerance');
  const configured = kbOptions.audience !== undefined && kbOptions.nonce !== undefined;
  const maxLength = jwtOptions.maxTokenLength ?? DEFAULT_MAX_SD_JWT_LENGTH;
  const parts = splitSDJWT(presentation, maxLength);
  // Claims a Disclosure may carry (RFC 9901 §7.1, §9.7) are checked on the processed payload below.
  const { requiredClaims: _r, audience: _a, issuer: _i, subject: _s, ...signedOptions } = jwtOptions;
  const { payload, header } = await verifyJWT<JSONObject>(parts.jwt, issuerKey, { ...signedOptions, maxTokenLength: maxLength });
  const { sdAlg, hash, disclosures } = await readSDJWT(parts, payload as JSONObject);
  const claims = processPayload(payload as JSONObject, disclosures);
  // RFC 9901 §7.1: exp, nbf, aud and the rest are checked in the processed payload too, where a
  // Disclosure may have put them.
  checkClaims(claims, header, compileClaimPolicy(jwtOptions));
  const result: VerifiedSDJWT<P> = { payload: claims as P & JSONObject, header, disclosures, sdAlg };
  // A verifier that gives an audience and a nonce expects key binding: a credential whose cnf was
  // concealed (and left out) must not pass without it.
  const required = kbOptions.required ?? (Object.hasOwn(claims, 'cnf') || configured);
  if (parts.keyBindingJWT === undefined) {
    if (required) throw new SDJWTKeyBindingMissingError('key binding is required and the presentation has no key-binding JWT');
    return result;
  }
  if (!configured) {
    // A holder-bound credential needs the verifier's audience and nonce: its setting is missing.
    if (required) {
      const missing = kbOptions.audience === undefined ? 'audience' : 'nonce';
      throw new InvalidOptionError(`keyBinding.${missing}`, "is needed to check the presentation's key-binding JWT");
    }
    // A verifier that binds nothing was sent a key-binding JWT (or anything after the last "~"):
    // the presentation's fault, not the verifier's settings'.
    throw new SDJWTKeyBindingInvalidError(
      'malformed',
      'the presentation ends in a key-binding JWT, and this verifier checks none (no keyBinding.audience and keyBinding.nonce)',
    );
  }
  result.keyBinding = await verifyKeyBinding(parts.keyBindingJWT, claims, parts.sdJWT, hash, {
    ...kbOptions,
    clockTolerance: kbOptions.clockTolerance ?? jwtOptions.clockTolerance,
    now: jwtOptions.now,
  });
  return result;
}
