/** Building the protected header a signer writes, shared by signJWS and signJWT. */

import { encodeBase64urlString } from '../encoding/base64url.js';
import type { JSONObject } from '../encoding/json.js';
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

/** The protected header for a key and options, checked with the same rules a verifier applies. */
export function buildProtectedHeader(key: Key, options: HeaderOptions, b64: boolean, allowB64: boolean): JWSHeader {
  const header: JWSHeader = { alg: key.alg };
  const kid = options.kid ?? key.kid;
  if (options.typ !== undefined) header.typ = options.typ;
  if (kid !== undefined) header.kid = kid;
  if (options.cty !== undefined) header.cty = options.cty;
  for (const [name, value] of Object.entries(options.header ?? {})) {
    if (name === 'alg' && value !== key.alg) throw invalid(`"alg" comes from the key (${key.alg})`);
    if (name === 'b64' || name === 'crit') throw invalid(`set "${name}" through its own option, not the header`);
    if (value !== undefined) header[name] = value;
  }
  const crit = [...(options.crit ?? []), ...(b64 ? [] : ['b64'])];
  if (!b64) header.b64 = false;
  if (crit.length > 0) header.crit = crit;
  checkHeaders(header as JSONObject, undefined, headerRules(options.crit, allowB64), invalid);
  return header;
}

/** Encodes a header object as its base64url segment. */
export function encodeHeader(header: JWSHeader): string {
  return encodeBase64urlString(JSON.stringify(header));
}
