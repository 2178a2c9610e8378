/** presentSDJWT: the holder's side, choosing Disclosures by claim path and adding a key-binding JWT. */

import { isJSONObject, type JSONObject, type JSONValue } from '../encoding/json.js';
import { InvalidOptionError, KeyMismatchError, SDJWTMalformedError } from '../errors.js';
import { decodeJWT } from '../jwt/decode.js';
import { signJWT } from '../jwt/sign.js';
import { importKey } from '../keys/import.js';
import type { JWK } from '../keys/jwk.js';
import type { KeyMaterial } from '../keys/material.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import { checkOptionNames, optionNames } from '../options.js';
import { DEFAULT_MAX_SD_JWT_LENGTH, splitSDJWT } from './compact.js';
import { readSDJWT } from './decode.js';
import type { Disclosure } from './disclosure.js';
import { digestText } from './hash.js';
import { arrayDigestOf, indexDisclosures, processPayload } from './process.js';

/** A claim: a top-level name, or the names and array indexes leading to it (`['address', 'locality']`, `['nationalities', 0]`). */
export type ClaimPath = string | readonly (string | number)[];

export interface PresentKeyBindingOptions {
  /** The holder's private key, the one whose public half is the SD-JWT's `cnf.jwk`. */
  key: KeyMaterial;
  /** The verifier, as it asked to be named (`aud`). */
  aud: string;
  /** The verifier's fresh nonce. */
  nonce: string;
  /** Issued-at, seconds (default: now). */
  iat?: number;
  /** The signing algorithm, when the key does not imply one. */
  alg?: string;
}

export interface PresentSDJWTOptions {
  /** The claims to disclose: each path discloses what leads to it and everything under it. Default: none. */
  disclose?: readonly ClaimPath[];
  /** Add a key-binding JWT (RFC 9901 §4.3): `typ: kb+jwt`, `aud`, `nonce`, `iat`, `sd_hash`. */
  keyBinding?: PresentKeyBindingOptions;
  /** Largest SD-JWT accepted, in characters (default 65536). */
  maxTokenLength?: number;
}

const PRESENT_OPTIONS = /* @__PURE__ */ optionNames<PresentSDJWTOptions>()(['disclose', 'keyBinding', 'maxTokenLength']);
const KEY_BINDING_OPTIONS = /* @__PURE__ */ optionNames<PresentKeyBindingOptions>()(['key', 'aud', 'nonce', 'iat', 'alg']);

class Selector {
  readonly picked = new Set<string>();
  constructor(readonly byDigest: ReadonlyMap<string, Disclosure>) {}

  /** The members of an object as the holder sees them: plain ones and every Disclosure of its `_sd`. */
  members(object: JSONObject): Map<string, { value: JSONValue; digest?: string }> {
    const members = new Map<string, { value: JSONValue; digest?: string }>();
    for (const name of Object.keys(object)) if (name !== '_sd') members.set(name, { value: object[name] as JSONValue });
    const digests = Array.isArray(object._sd) ? object._sd : [];
    for (const digest of digests) {
      const disclosure = typeof digest === 'string' ? this.byDigest.get(digest) : undefined;
      if (disclosure?.name !== undefined) members.set(disclosure.name, { value: disclosure.value, digest: disclosure.digest });
    }
    return members;
  }

  /** The elements of an array as the holder sees them: decoys and unknown digests left out. */
  elements(array: readonly JSONValue[]): { value: JSONValue; digest?: string }[] {
    const elements: { value: JSONValue; digest?: string }[] = [];
    for (const element of array) {
      const digest = arrayDigestOf(element);
      if (digest === undefined) elements.push({ value: element });
      else {
        const disclosure = typeof digest === 'string' ? this.byDigest.get(digest) : undefined;
        if (disclosure !== undefined) elements.push({ value: disclosure.value, digest: disclosure.digest });
      }
    }
    return elements;
  }

  children(value: JSONValue): { value: JSONValue; digest?: string }[] {
    if (Array.isArray(value)) return this.elements(value);
    if (isJSONObject(value)) return [...this.members(value).values()];
    return [];
  }

  all(value: JSONValue): void {
    for (const child of this.children(value)) {
      if (child.digest !== undefined) this.picked.add(child.digest);
      this.all(child.value);
    }
  }

  path(root: JSONObject, path: readonly (string | number)[]): void {
    let value: JSONValue = root;
    for (const step of path) {
      const child: { value: JSONValue; digest?: string } | undefined = Array.isArray(value)
        ? typeof step === 'number'
          ? this.elements(value)[step]
          : undefined
        : isJSONObject(value) && typeof step === 'string'
          ? this.members(value).get(step)
          : undefined;
      if (child === undefined) {
        throw new InvalidOptionError('disclose', `no claim at ${JSON.stringify(path).slice(0, 128)}`);
      }
      if (child.digest !== undefined) this.picked.add(child.digest);
      value = child.value;
    }
    this.all(value);
  }
}

/**
 * Builds a presentation of an SD-JWT: the issuer-signed JWT, the Disclosures of the claims in
 * `disclose` (and of whatever contains them), and, with `keyBinding`, a key-binding JWT over
 * exactly those. The SD-JWT's structure is checked; its signature is not (the holder may not have
 * the issuer's key; the verifier checks it).
 *
 * @example
 * ```ts
 * import { presentSDJWT } from 'jwtkit/sd-jwt';
 *
 * const presentation = await presentSDJWT(sdJwt, {
 *   disclose: ['given_name', ['address', 'country']],
 *   keyBinding: { key: holderPrivateKey, aud: 'https://verifier.example', nonce: 'n-0S6_WzA2Mj' },
 * });
 * ```
 */
export async function presentSDJWT(sdJwt: string, options: PresentSDJWTOptions = {}): Promise<string> {
  checkOptionNames(options, PRESENT_OPTIONS);
  checkOptionNames(options.keyBinding, KEY_BINDING_OPTIONS, 'keyBinding');
  const parts = splitSDJWT(sdJwt, options.maxTokenLength ?? DEFAULT_MAX_SD_JWT_LENGTH);
  if (parts.keyBindingJWT !== undefined) throw new SDJWTMalformedError('this is already a presentation with a key-binding JWT');
  const { payload } = decodeJWT<JSONObject>(parts.jwt, { maxTokenLength: parts.jwt.length });
  const { hash, disclosures } = await readSDJWT(parts, payload);
  processPayload(payload, disclosures);
  const selector = new Selector(indexDisclosures(disclosures));
  const disclose = options.disclose ?? [];
  if (!Array.isArray(disclose)) throw new InvalidOptionError('disclose', 'must be an array of claim paths');
  for (const path of disclose) selector.path(payload, typeof path === 'string' ? [path] : path);
  const kept = disclosures.filter((disclosure) => selector.picked.has(disclosure.digest));
  const presented = `${parts.jwt}~${kept.map((disclosure) => `${disclosure.encoded}~`).join('')}`;
  const binding = options.keyBinding;
  if (binding === undefined) return presented;
  if (typeof binding.aud !== 'string' || binding.aud.length === 0)
    throw new InvalidOptionError('keyBinding.aud', 'must be a non-empty string');
  if (typeof binding.nonce !== 'string' || binding.nonce.length === 0)
    throw new InvalidOptionError('keyBinding.nonce', 'must be a non-empty string');
  const key = await importKey(binding.key, binding.alg === undefined ? {} : { alg: binding.alg });
  await checkHolderKey(payload, key);
  const iat = binding.iat ?? Math.floor(Date.now() / 1000);
  const sdHash = await digestText(hash, presented);
  const kbJwt = await signJWT({ iat, aud: binding.aud, nonce: binding.nonce, sd_hash: sdHash }, key, { typ: 'kb+jwt' });
  return presented + kbJwt;
}

/** The holder key must be the one in `cnf.jwk`: a key-binding JWT signed with another key could never verify. */
async function checkHolderKey(payload: JSONObject, key: Awaited<ReturnType<typeof importKey>>): Promise<void> {
  const cnf = payload.cnf;
  const jwk = isJSONObject(cnf) ? cnf.jwk : undefined;
  if (!isJSONObject(jwk)) throw new InvalidOptionError('keyBinding', 'the SD-JWT has no cnf.jwk to bind a presentation to');
  let thumbprint: string;
  try {
    thumbprint = await jwkThumbprint(key);
  } catch {
    return; // a non-extractable key: the verifier's signature check still decides
  }
  if (thumbprint !== (await jwkThumbprint(jwk as JWK)))
    throw new KeyMismatchError("keyBinding.key is not the key in the SD-JWT's cnf.jwk");
}
