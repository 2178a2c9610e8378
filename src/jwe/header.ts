/**
 * JWE header rules (RFC 7516 §4, §7.2.1): the protected, shared unprotected and per-recipient
 * headers are disjoint; `alg` and `enc` are strings; `crit` as for JWS; `zip` only integrity
 * protected and only "DEF" (catalogue entry 13).
 */
import type { JSONObject } from '../encoding/json.js';
import { JWEMalformedError } from '../errors.js';
import { checkHeaders, type HeaderRules } from '../jws/header.js';
import type { JWEHeader } from './types.js';

const malformed = (message: string) => new JWEMalformedError(message);

export interface CheckedHeader {
  /** The JOSE header of one recipient: the union of the three. */
  readonly header: JWEHeader;
  readonly alg: string;
  readonly enc: string;
  readonly zip: boolean;
}

/** Checks the headers one recipient sees and merges them. */
export function checkJWEHeaders(
  protectedHeader: JSONObject | undefined,
  shared: JSONObject | undefined,
  recipient: JSONObject | undefined,
  rules: HeaderRules,
): CheckedHeader {
  if (shared && recipient) {
    for (const name of Object.keys(recipient)) {
      if (Object.hasOwn(shared, name)) {
        throw malformed(`header parameter "${name.slice(0, 32)}" is both in the shared and the recipient header`);
      }
    }
  }
  const unprotected = shared || recipient ? ({ ...shared, ...recipient } as JSONObject) : undefined;
  const { alg } = checkHeaders(protectedHeader, unprotected, rules, malformed);
  if (unprotected && Object.hasOwn(unprotected, 'zip')) throw new JWEMalformedError('"zip" must be integrity protected', 'zip');
  const zip = protectedHeader?.zip;
  if (zip !== undefined && zip !== 'DEF') throw new JWEMalformedError('"zip" must be "DEF"', 'zip');
  // A spread defines members (a "__proto__" member stays data); Object.assign would call the setter.
  const header = { ...unprotected, ...protectedHeader } as JWEHeader;
  if (typeof header.enc !== 'string' || header.enc.length === 0)
    throw new JWEMalformedError('header "enc" is missing or not a string', 'enc');
  return { header, alg, enc: header.enc, zip: zip === 'DEF' };
}
