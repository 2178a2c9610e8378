/** Building the protected header a signer writes, shared by signJWS and signJWT. */

import { encodeBase64urlString } from '../encoding/base64url.js';
import { type JSONObject, setMember } from '../encoding/json.js';
import { InvalidOptionError } from '../errors.js';
import type { Key } from '../keys/key.js';
import { checkHeaders, headerRules, type JWSHeader } from './header.js';

export interface HeaderOptions {
  /** Key id for the `kid` header; defaults to the key's kid. */
  kid?: string;
  /** Media type of the whole token (`typ`). */
  typ?: string;
  /** Content type of the payload (`cty`). */
  cty?: string;
  /** Further protected header parameters. `alg` comes from the key; `b64`/`crit` have their own options. */
  header?: JWSHeader;
  /** Extension parameters of `header` that verifiers must understand (RFC 7515 §4.1.11). */
  crit?: string[];
}

const invalid = (message: string) => new InvalidOptionError('header', message);

/**
 * The protected header for a key and options, checked with the same rules a verifier applies.
 * `alg` and the key's `kid` go in it unless the caller placed them in the unprotected header
 * (RFC 7520 §4.6, §4.7); with `b64: false` the result may then be empty.
 */
export function buildProtectedHeader(
  key: Key,
  options: HeaderOptions,
  b64: boolean,
  allowB64: boolean,
  unprotected?: JWSHeader,
): JWSHeader {
  const header: JWSHeader = {};
  const outside = (name: string) => unprotected !== undefined && Object.hasOwn(unprotected, name);
  if (outside('alg')) {
    if (unprotected?.alg !== key.alg) throw invalid(`"alg" comes from the key (${key.alg})`);
  } else header.alg = key.alg;
  const kid = options.kid ?? (outside('kid') ? undefined : key.kid);
  if (options.typ !== undefined) header.typ = options.typ;
  if (kid !== undefined) header.kid = kid;
  if (options.cty !== undefined) header.cty = options.cty;
  for (const [name, value] of Object.entries(options.header ?? {})) {
    if (name === 'alg' && value !== key.alg) throw invalid(`"alg" comes from the key (${key.alg})`);
    if (name === 'b64' || name === 'crit') throw invalid(`set "${name}" through its own option, not the header`);
    if (value !== undefined) setMember(header, name, value);
  }
  const crit = [...(options.crit ?? []), ...(b64 ? [] : ['b64'])];
  if (!b64) header.b64 = false;
  if (crit.length > 0) header.crit = crit;
  checkHeaders(header as JSONObject, unprotected as JSONObject | undefined, headerRules(options.crit, allowB64), invalid);
  return header;
}

/** Encodes a header object as its base64url segment; an empty header is an empty segment. */
export function encodeHeader(header: JWSHeader): string {
  return Object.keys(header).length === 0 ? '' : encodeBase64urlString(JSON.stringify(header));
}
