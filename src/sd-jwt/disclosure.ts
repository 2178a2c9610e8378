/**
 * Disclosures (RFC 9901 §4.2.1, §4.2.2): base64url of a JSON array, `[salt, name, value]` for an
 * object member, `[salt, value]` for an array element. The digest is taken over the base64url text
 * as received, never over a re-encoding (the issuer's JSON spacing is part of what was hashed).
 */

import type { HashName } from '../algorithms/index.js';
import { decodeBase64url, encodeBase64url, encodeBase64urlString } from '../encoding/base64url.js';
import { JSONSyntaxError, type JSONValue, parseJSON } from '../encoding/json.js';
import { utf8Decode } from '../encoding/utf8.js';
import { SDJWTMalformedError } from '../errors.js';
import { digestText, randomBytes } from './hash.js';

/** One Disclosure of an SD-JWT, decoded. */
export interface Disclosure {
  /** The Disclosure as it appears between two `~`. */
  readonly encoded: string;
  /** Its digest with the SD-JWT's `_sd_alg`: the value found in an `_sd` array or a `...` element. */
  readonly digest: string;
  readonly salt: string;
  /** The claim name; absent for an array element. */
  readonly name?: string;
  readonly value: JSONValue;
}

/** Claim names a Disclosure may not carry: they would be read as SD-JWT structure (RFC 9901 §4.2.1). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['_sd', '...']);

const malformed = (index: number, what: string) => new SDJWTMalformedError(`Disclosure ${index + 1}: ${what}`);

/** Decodes and checks one Disclosure; `index` numbers it in messages (never its content, which may be personal data). */
export async function parseDisclosure(encoded: string, hash: HashName, index: number): Promise<Disclosure> {
  const bytes = encoded.length === 0 ? undefined : decodeBase64url(encoded);
  if (bytes === undefined) throw malformed(index, 'not base64url');
  const text = utf8Decode(bytes);
  if (text === undefined) throw malformed(index, 'not UTF-8');
  let array: JSONValue;
  try {
    array = parseJSON(text);
  } catch (error) {
    if (error instanceof JSONSyntaxError) throw malformed(index, `not JSON (${error.message})`);
    throw error;
  }
  if (!Array.isArray(array) || (array.length !== 2 && array.length !== 3)) {
    throw malformed(index, 'not a JSON array of 2 or 3 elements');
  }
  const salt = array[0];
  if (typeof salt !== 'string') throw malformed(index, 'the salt is not a string');
  const digest = await digestText(hash, encoded);
  if (array.length === 2) return { encoded, digest, salt, value: array[1] as JSONValue };
  const name = array[1];
  if (typeof name !== 'string') throw malformed(index, 'the claim name is not a string');
  if (RESERVED_NAMES.has(name)) throw malformed(index, `the claim name "${name}" is reserved`);
  return { encoded, digest, salt, name, value: array[2] as JSONValue };
}

/** A new Disclosure with a fresh 128-bit salt; `name` undefined makes an array-element Disclosure. */
export async function createDisclosure(hash: HashName, name: string | undefined, value: JSONValue): Promise<Disclosure> {
  const salt = encodeBase64url(randomBytes());
  const encoded = encodeBase64urlString(JSON.stringify(name === undefined ? [salt, value] : [salt, name, value]));
  const digest = await digestText(hash, encoded);
  return name === undefined ? { encoded, digest, salt, value } : { encoded, digest, salt, name, value };
}
