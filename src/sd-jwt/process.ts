/**
 * The processing of RFC 9901 §7.1 step 3: the issuer-signed payload with the presented
 * Disclosures put in place of their digests, `_sd`, `_sd_alg` and undisclosed `...` elements
 * removed. Every digest may appear once in the whole structure (payload and Disclosures), every
 * Disclosure must be reached, and no Disclosure may write a claim name twice at one level. A
 * Disclosure pointing back at an ancestor is a digest seen twice, so loops end there.
 */

import { isJSONObject, type JSONObject, type JSONValue, setMember } from '../encoding/json.js';
import {
  SDJWTClaimCollisionError,
  SDJWTDigestDuplicateError,
  SDJWTDisclosureUnreferencedError,
  SDJWTMalformedError,
} from '../errors.js';
import type { Disclosure } from './disclosure.js';

/** Nesting cap over payload and Disclosures together: each piece is capped by the JSON parser, their chain here. */
const MAX_DEPTH = 256;

/** Whether a value holds SD-JWT structure: an `_sd` member or a `{"...": digest}` array element. */
export function hasDigests(value: JSONValue): boolean {
  if (Array.isArray(value)) return value.some((element) => arrayDigestOf(element) !== undefined || hasDigests(element));
  if (!isJSONObject(value)) return false;
  return Object.hasOwn(value, '_sd') || Object.values(value).some((member) => hasDigests(member as JSONValue));
}

/** `{"...": digest}` with no other member: an array-element digest (RFC 9901 §4.2.4.2, §7.1 step 3.3). */
export function arrayDigestOf(element: JSONValue): JSONValue | undefined {
  if (!isJSONObject(element)) return undefined;
  const names = Object.keys(element);
  return names.length === 1 && names[0] === '...' ? element['...'] : undefined;
}

class Processor {
  readonly seen = new Set<string>();
  readonly used = new Set<string>();
  constructor(readonly byDigest: ReadonlyMap<string, Disclosure>) {}

  see(digest: JSONValue, where: string): Disclosure | undefined {
    if (typeof digest !== 'string') throw new SDJWTMalformedError(`${where}: a digest is not a string`);
    if (this.seen.has(digest)) throw new SDJWTDigestDuplicateError(`${where}: a digest appears more than once`);
    this.seen.add(digest);
    const disclosure = this.byDigest.get(digest);
    if (disclosure !== undefined) this.used.add(digest);
    return disclosure;
  }

  value(value: JSONValue, path: string, depth: number): JSONValue {
    if (depth > MAX_DEPTH) throw new SDJWTMalformedError(`nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(value)) return this.array(value, path, depth);
    if (isJSONObject(value)) return this.object(value, path, depth, false);
    return value;
  }

  object(object: JSONObject, path: string, depth: number, top: boolean): JSONObject {
    const out: JSONObject = {};
    for (const name of Object.keys(object)) {
      if (name === '_sd' || (top && name === '_sd_alg')) continue;
      setMember(out, name, this.value(object[name] as JSONValue, `${path}.${name}`, depth + 1));
    }
    if (!Object.hasOwn(object, '_sd')) return out;
    const digests = object._sd;
    if (!Array.isArray(digests)) throw new SDJWTMalformedError(`${path}._sd is not an array`);
    for (const digest of digests) {
      const disclosure = this.see(digest, `${path}._sd`);
      if (disclosure === undefined) continue;
      if (disclosure.name === undefined) {
        throw new SDJWTMalformedError(`${path}._sd refers to an array-element Disclosure (2 elements, no claim name)`);
      }
      if (Object.hasOwn(out, disclosure.name)) {
        throw new SDJWTClaimCollisionError(
          disclosure.name,
          `${path}: a Disclosure names claim "${disclosure.name.slice(0, 64)}", which is already there`,
        );
      }
      setMember(out, disclosure.name, this.value(disclosure.value, `${path}.${disclosure.name}`, depth + 1));
    }
    return out;
  }

  array(array: readonly JSONValue[], path: string, depth: number): JSONValue[] {
    const out: JSONValue[] = [];
    array.forEach((element, index) => {
      const digest = arrayDigestOf(element);
      if (digest === undefined) {
        out.push(this.value(element, `${path}[${index}]`, depth + 1));
        return;
      }
      const disclosure = this.see(digest, `${path}[${index}]`);
      // An undisclosed element, or a decoy: it is removed, not shown as null.
      if (disclosure === undefined) return;
      if (disclosure.name !== undefined) {
        throw new SDJWTMalformedError(`${path}[${index}] refers to an object-member Disclosure (3 elements)`);
      }
      out.push(this.value(disclosure.value, `${path}[${index}]`, depth + 1));
    });
    return out;
  }
}

/** The digest-indexed Disclosures; the same Disclosure twice is refused (its digest would be consumed once). */
export function indexDisclosures(disclosures: readonly Disclosure[]): Map<string, Disclosure> {
  const byDigest = new Map<string, Disclosure>();
  disclosures.forEach((disclosure, index) => {
    if (byDigest.has(disclosure.digest)) throw new SDJWTDigestDuplicateError(`Disclosure ${index + 1} is given twice`);
    byDigest.set(disclosure.digest, disclosure);
  });
  return byDigest;
}

/** The processed payload: only the disclosed claims, with no `_sd`, `_sd_alg` or digest left. */
export function processPayload(payload: JSONObject, disclosures: readonly Disclosure[]): JSONObject {
  const byDigest = indexDisclosures(disclosures);
  const processor = new Processor(byDigest);
  const claims = processor.object(payload, '$', 0, true);
  disclosures.forEach((disclosure, index) => {
    if (!processor.used.has(disclosure.digest)) {
      throw new SDJWTDisclosureUnreferencedError(
        `Disclosure ${index + 1}: its digest is not in the payload or in another Disclosure`,
      );
    }
  });
  return claims;
}
