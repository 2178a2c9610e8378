/** decodeSDJWT: an SD-JWT or presentation taken apart WITHOUT verifying anything, for tools and display. */

import type { JSONObject } from '../encoding/json.js';
import type { JWSHeader } from '../jws/header.js';
import { decodeJWT } from '../jwt/decode.js';
import { checkOptionNames, optionNames } from '../options.js';
import { DEFAULT_MAX_SD_JWT_LENGTH, type SDJWTParts, splitSDJWT } from './compact.js';
import { type Disclosure, parseDisclosure } from './disclosure.js';
import { type SDHashAlgorithm, sdHashOf } from './hash.js';
import { processPayload } from './process.js';

export interface DecodeSDJWTOptions {
  /** Largest SD-JWT accepted, in characters (default 65536). */
  maxTokenLength?: number;
}

const DECODE_OPTIONS = /* @__PURE__ */ optionNames<DecodeSDJWTOptions>()(['maxTokenLength']);

/** An SD-JWT taken apart by {@link decodeSDJWT}: nothing in it is verified. */
export interface DecodedSDJWT {
  /** The issuer-signed JWT's header. */
  header: JWSHeader;
  /** The issuer-signed payload as signed: `_sd` digests, `_sd_alg`, `...` elements. */
  payload: JSONObject;
  /** The payload with the Disclosures in place (what verification would return, if it passed). */
  claims: JSONObject;
  /** Every Disclosure, in order, with its digest. */
  disclosures: Disclosure[];
  /** The `_sd_alg` in use. */
  sdAlg: SDHashAlgorithm;
  /** The key-binding JWT's header and payload, when there is one. */
  keyBinding?: { header: JWSHeader; payload: JSONObject };
}

/** @internal The parts, issuer payload, hash and Disclosures of an SD-JWT, unverified. */
export async function readSDJWT(parts: SDJWTParts, payload: JSONObject) {
  const { name, hash } = sdHashOf(payload._sd_alg);
  const disclosures = await Promise.all(parts.disclosures.map((encoded, index) => parseDisclosure(encoded, hash, index)));
  return { sdAlg: name, hash, disclosures };
}

/**
 * Takes an SD-JWT or SD-JWT+KB apart WITHOUT verifying any signature, and checks only its
 * structure (the same digest rules as {@link verifySDJWT}). For inspection tools; never trust the
 * result. Asynchronous because digests go through the crypto backend.
 *
 * @example
 * ```ts
 * import { decodeSDJWT } from 'jwtkit/sd-jwt';
 *
 * const { claims, disclosures } = await decodeSDJWT(sdJwt);
 * for (const d of disclosures) console.log(d.digest, d.name, d.value);
 * ```
 */
export async function decodeSDJWT(sdJwt: string, options: DecodeSDJWTOptions = {}): Promise<DecodedSDJWT> {
  checkOptionNames(options, DECODE_OPTIONS);
  const parts = splitSDJWT(sdJwt, options.maxTokenLength ?? DEFAULT_MAX_SD_JWT_LENGTH);
  const { header, payload } = decodeJWT<JSONObject>(parts.jwt, { maxTokenLength: parts.jwt.length });
  const { sdAlg, disclosures } = await readSDJWT(parts, payload);
  const claims = processPayload(payload, disclosures);
  const decoded: DecodedSDJWT = { header, payload, claims, disclosures, sdAlg };
  if (parts.keyBindingJWT !== undefined) {
    const kb = decodeJWT<JSONObject>(parts.keyBindingJWT, { maxTokenLength: parts.keyBindingJWT.length });
    decoded.keyBinding = { header: kb.header, payload: kb.payload };
  }
  return decoded;
}
