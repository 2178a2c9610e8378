/**
 * Header rules shared by every serialization: RFC 7515 §4.1.11 `crit`, RFC 7797 `b64`, disjoint
 * protected and unprotected headers, a string `alg`.
 */
import type { JSONObject } from '../encoding/json.js';
import { CritUnsupportedError } from '../errors.js';

/** A JOSE header as parsed: every member jwtkit reads is typed, others are `unknown`. */
export interface JWSHeader {
  alg?: string;
  kid?: string;
  typ?: string;
  cty?: string;
  crit?: string[];
  b64?: boolean;
  jku?: string;
  jwk?: Record<string, unknown>;
  x5u?: string;
  x5c?: string[];
  [parameter: string]: unknown;
}

// Parameters defined by JWS, JWE and JWA: RFC 7515 §4.1.11 forbids listing them in `crit`.
const REGISTERED = new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'enc',
  'zip',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
]);

export interface HeaderRules {
  /** Extension parameters the caller understands (besides `b64` for JWS). */
  readonly understood: ReadonlySet<string>;
  /** JWT APIs refuse `b64` altogether. */
  readonly allowB64: boolean;
}

/** Validates a protected/unprotected header pair; returns the `b64` value (true when absent). */
export function checkHeaders(
  protectedHeader: JSONObject | undefined,
  unprotectedHeader: JSONObject | undefined,
  rules: HeaderRules,
  malformed: (message: string) => Error,
): { b64: boolean; alg: string } {
  if (protectedHeader && unprotectedHeader) {
    for (const name of Object.keys(unprotectedHeader)) {
      if (Object.hasOwn(protectedHeader, name))
        throw malformed(`header parameter "${name.slice(0, 32)}" is both protected and unprotected`);
    }
  }
  const alg = protectedHeader?.alg ?? unprotectedHeader?.alg;
  if (typeof alg !== 'string' || alg.length === 0) throw malformed('header "alg" is missing or not a string');
  if (unprotectedHeader && Object.hasOwn(unprotectedHeader, 'crit')) throw malformed('"crit" must be integrity protected');
  if (unprotectedHeader && Object.hasOwn(unprotectedHeader, 'b64')) throw malformed('"b64" must be integrity protected');

  const crit = protectedHeader?.crit;
  const critical = new Set<string>();
  if (crit !== undefined) {
    if (!Array.isArray(crit) || crit.length === 0) throw malformed('"crit" must be a non-empty array');
    for (const name of crit) {
      if (typeof name !== 'string' || name.length === 0) throw malformed('"crit" must list strings');
      if (critical.has(name)) throw malformed(`"crit" lists "${name.slice(0, 32)}" twice`);
      if (REGISTERED.has(name)) throw malformed(`"crit" must not list the registered parameter "${name}"`);
      if (!Object.hasOwn(protectedHeader as JSONObject, name))
        throw malformed(`"crit" lists "${name.slice(0, 32)}" but the protected header lacks it`);
      if (name === 'b64' && !rules.allowB64) throw malformed('"b64" is only for JWS, not a JWT or JWE');
      if (name !== 'b64' && !rules.understood.has(name)) throw new CritUnsupportedError(name.slice(0, 32));
      critical.add(name);
    }
  }

  let b64 = true;
  if (protectedHeader && Object.hasOwn(protectedHeader, 'b64')) {
    if (!rules.allowB64) throw malformed('"b64" is only for JWS, not a JWT or JWE');
    const value = protectedHeader.b64;
    if (typeof value !== 'boolean') throw malformed('"b64" must be a boolean');
    // RFC 7797 §6 and catalogue entry 19: b64 is honoured only when it is also listed in crit.
    if (!critical.has('b64')) throw malformed('"b64" must be listed in "crit"');
    b64 = value;
  }
  return { b64, alg };
}

/** Builds the HeaderRules of a verify call from its `crit` option. */
export function headerRules(crit: readonly string[] | undefined, allowB64: boolean): HeaderRules {
  return { understood: new Set(crit ?? []), allowB64 };
}
