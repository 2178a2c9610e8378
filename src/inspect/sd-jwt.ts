/**
 * SD-JWTs (RFC 9901) explained for tools: every Disclosure with its digest and the claim it fills
 * in, the processed payload, and the digests nothing disclosed. Nothing is verified; the key
 * binding is only shown (`verifySDJWT` checks it).
 */
import { isJSONObject, type JSONObject, type JSONValue } from '../encoding/json.js';
import { JWTKitError } from '../errors.js';
import type { JWSHeader } from '../jws/header.js';
import { decodeJWT } from '../jwt/decode.js';
import { DEFAULT_MAX_SD_JWT_LENGTH, splitSDJWT } from '../sd-jwt/compact.js';
import { readSDJWT } from '../sd-jwt/decode.js';
import type { Disclosure } from '../sd-jwt/disclosure.js';
import { arrayDigestOf, processPayload } from '../sd-jwt/process.js';
import { checkInputLength, MAX_INSPECT_INPUT_LENGTH } from './limits.js';

/** One Disclosure and where it goes. */
export interface ExplainedDisclosure extends Disclosure {
  /**
   * The claim it reveals, as a path: `given_name`, `address.locality`, `nationalities[1]`. A
   * Disclosure whose digest is nowhere (verification refuses it), or that is nested deeper than
   * verification accepts (256 levels), has none. A path over 128 characters is shortened to its
   * start and its end with `…` between.
   */
  readonly path?: string;
}

/** An SD-JWT taken apart by {@link explainSDJWT}. */
export interface ExplainedSDJWT {
  readonly header: JWSHeader;
  /** The issuer-signed payload, digests and all. */
  readonly payload: JSONObject;
  /** The payload with the Disclosures in place: what a verifier would see if it all verified (absent when they cannot be put in place). */
  readonly claims?: JSONObject;
  /** Why the Disclosures cannot be put in place (a digest listed twice, a claim overwritten, ...): verification refuses it too. */
  readonly problem?: { readonly code: string; readonly message: string };
  readonly sdAlg: string;
  readonly disclosures: readonly ExplainedDisclosure[];
  /** Digests in the payload that no Disclosure presented fills in: withheld claims and decoys alike. */
  readonly undisclosed: number;
  /** The key-binding JWT's header and payload, unverified, when there is one. */
  readonly keyBinding?: { readonly header: JWSHeader; readonly payload: JSONObject };
  /** The issuer-signed JWT alone, for tools that look at it as a JWT. */
  readonly jwt: string;
}

const SD_JWT_TEXT = /^[A-Za-z0-9_\-.~]+$/;

/**
 * The SD-JWT in pasted text (white space, quotes and line breaks dropped), or undefined when the
 * text is not one: an SD-JWT is a JWT followed by `~`-separated parts. Linear in the text's length.
 *
 * @example
 * ```ts
 * extractSDJWT('  eyJhbGciOi...~WyJzYWx0Ii...~ '); // 'eyJhbGciOi...~WyJzYWx0Ii...~'
 * extractSDJWT('eyJhbGciOi...'); // undefined: a plain JWT
 * ```
 */
export function extractSDJWT(text: string): string | undefined {
  checkInputLength(text, MAX_INSPECT_INPUT_LENGTH);
  let compact = text.replace(/\s+/g, '');
  if (compact.length >= 2 && /^["']/.test(compact) && compact.endsWith(compact[0] as string)) compact = compact.slice(1, -1);
  if (!compact.startsWith('eyJ') || !compact.includes('~') || !SD_JWT_TEXT.test(compact)) return undefined;
  return compact;
}

/**
 * How deep the path walk follows Disclosures into Disclosures: processPayload's limit (src/sd-jwt/
 * process.ts), past which verification refuses the SD-JWT anyway. Deeper Disclosures get no path.
 */
const MAX_PATH_DEPTH = 256;

/**
 * The longest path shown, in characters. A chain of nested Disclosures makes each path as long
 * as all those above it: uncapped, a 250 KB SD-JWT explained into 69 MB. Capped, a path costs at
 * most this much for a Disclosure that is itself at least a digest long in the input.
 */
const MAX_SHOWN_PATH_LENGTH = 128;
const PATH_HEAD = 40;

/** A path over the cap: its start and its end (the claim itself), an ellipsis between. */
function shorten(path: string): string {
  if (path.length <= MAX_SHOWN_PATH_LENGTH) return path;
  return `${path.slice(0, PATH_HEAD)}…${path.slice(path.length - (MAX_SHOWN_PATH_LENGTH - PATH_HEAD - 1))}`;
}

/**
 * Path text of one step: `.name` (or `["odd name"]`) and `[index]`, shortened to the cap. The
 * prefix is already short, so building each path costs at most the cap plus the name.
 */
function step(prefix: string, name: string | number): string {
  if (typeof name === 'number') return shorten(`${prefix}[${name}]`);
  const plain = /^[A-Za-z_$][\w$-]*$/.test(name);
  return shorten(plain ? (prefix === '' ? name : `${prefix}.${name}`) : `${prefix}[${JSON.stringify(name)}]`);
}

/** Maps each digest to the claim path it fills in, walking the payload and, recursively, the Disclosures. */
function digestPaths(payload: JSONObject, byDigest: ReadonlyMap<string, Disclosure>): Map<string, string> {
  const paths = new Map<string, string>();
  const seen = new Set<string>();
  const walk = (value: JSONValue, prefix: string, depth: number): void => {
    if (depth > MAX_PATH_DEPTH) return;
    if (Array.isArray(value)) {
      let index = 0;
      for (const element of value) {
        const digest = arrayDigestOf(element);
        if (digest === undefined) walk(element, step(prefix, index++), depth + 1);
        else if (typeof digest === 'string') {
          const disclosure = byDigest.get(digest);
          if (disclosure === undefined) continue; // withheld elements leave no index behind
          const path = step(prefix, index++);
          if (!paths.has(digest)) paths.set(digest, path);
          if (!seen.has(digest)) {
            seen.add(digest);
            walk(disclosure.value, path, depth + 1);
          }
        }
      }
    } else if (isJSONObject(value)) {
      for (const name of Object.keys(value))
        if (name !== '_sd' && name !== '_sd_alg') walk(value[name] as JSONValue, step(prefix, name), depth + 1);
      const digests = Array.isArray(value._sd) ? value._sd : [];
      for (const digest of digests) {
        const disclosure = typeof digest === 'string' ? byDigest.get(digest) : undefined;
        if (disclosure?.name === undefined || paths.has(disclosure.digest)) continue;
        const path = step(prefix, disclosure.name);
        paths.set(disclosure.digest, path);
        if (!seen.has(disclosure.digest)) {
          seen.add(disclosure.digest);
          walk(disclosure.value, path, depth + 1);
        }
      }
    }
  };
  walk(payload, '', 0);
  return paths;
}

/** Every digest the payload and the Disclosures list (`_sd` members and `...` elements). */
function countDigests(value: JSONValue, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const element of value) {
      const digest = arrayDigestOf(element);
      if (typeof digest === 'string') into.add(digest);
      else countDigests(element, into);
    }
  } else if (isJSONObject(value)) {
    for (const name of Object.keys(value)) {
      if (name === '_sd' && Array.isArray(value._sd)) for (const d of value._sd) typeof d === 'string' && into.add(d);
      else countDigests(value[name] as JSONValue, into);
    }
  }
}

/**
 * Takes an SD-JWT or presentation apart WITHOUT verifying it: each Disclosure with its digest and
 * the claim it reveals, the processed payload, how many digests stay undisclosed, and the
 * key-binding JWT. Throws the library's typed errors for a malformed SD-JWT (the same structural
 * checks as `verifySDJWT`).
 *
 * @example
 * ```ts
 * const explained = await explainSDJWT(presentation);
 * for (const d of explained.disclosures) console.log(d.path, d.digest);
 * ```
 */
export async function explainSDJWT(sdJwt: string): Promise<ExplainedSDJWT> {
  const parts = splitSDJWT(sdJwt, Math.max(DEFAULT_MAX_SD_JWT_LENGTH, MAX_INSPECT_INPUT_LENGTH));
  const { header, payload } = decodeJWT<JSONObject>(parts.jwt, { maxTokenLength: parts.jwt.length });
  const { sdAlg, disclosures } = await readSDJWT(parts, payload);
  // The digest rules of verification, kept apart so that a tool still shows every Disclosure of a broken SD-JWT.
  let claims: JSONObject | undefined;
  let problem: ExplainedSDJWT['problem'];
  try {
    claims = processPayload(payload, disclosures);
  } catch (error) {
    if (!(error instanceof JWTKitError)) throw error;
    problem = { code: error.code, message: error.message };
  }
  const byDigest = new Map(disclosures.map((disclosure) => [disclosure.digest, disclosure]));
  const paths = digestPaths(payload, byDigest);
  const all = new Set<string>();
  countDigests(payload, all);
  for (const disclosure of disclosures) countDigests(disclosure.value, all);
  const disclosed = disclosures.filter((disclosure) => all.has(disclosure.digest)).length;
  let keyBinding: ExplainedSDJWT['keyBinding'];
  if (parts.keyBindingJWT !== undefined) {
    const kb = decodeJWT<JSONObject>(parts.keyBindingJWT, { maxTokenLength: parts.keyBindingJWT.length });
    keyBinding = { header: kb.header, payload: kb.payload };
  }
  return {
    header,
    payload,
    ...(claims !== undefined && { claims }),
    ...(problem !== undefined && { problem }),
    sdAlg,
    disclosures: disclosures.map((disclosure) => {
      const path = paths.get(disclosure.digest);
      return path === undefined ? { ...disclosure } : { ...disclosure, path };
    }),
    undisclosed: all.size - disclosed,
    ...(keyBinding !== undefined && { keyBinding }),
    jwt: parts.jwt,
  };
}
