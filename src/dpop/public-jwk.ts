/** The public members of a DPoP key, and the refusal of private or symmetric ones (RFC 9449 §4.2, §4.3 check 7). */
import { decodeBase64url } from '../encoding/base64url.js';
import { type JWK, PRIVATE_JWK_MEMBERS } from '../keys/jwk.js';

// RFC 7638 §3.2: the members that define a public key of each type (AKP: RFC 9964).
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'e', 'n'],
  AKP: ['kty', 'alg', 'pub'],
};

/** The public part of a JWK: only the members that define the public key, so no private member can leak into a proof. */
export function publicMembers(jwk: JWK): JWK {
  const names = PUBLIC_MEMBERS[String(jwk.kty)];
  if (names === undefined) return { kty: jwk.kty };
  const result: JWK = {};
  for (const name of names) if (jwk[name] !== undefined) result[name] = jwk[name];
  return result;
}

/** Why a header `jwk` cannot be a DPoP key, or undefined when it is a public asymmetric JWK. */
export function jwkProblem(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'the header has no "jwk" object';
  const kty = (jwk as JWK).kty;
  if (typeof kty !== 'string' || !Object.hasOwn(PUBLIC_MEMBERS, kty)) {
    return kty === 'oct' ? 'the "jwk" is a symmetric key' : 'the "jwk" has no supported asymmetric "kty"';
  }
  const found = PRIVATE_JWK_MEMBERS.find((name) => Object.hasOwn(jwk, name));
  return found === undefined ? undefined : `the "jwk" carries the private member "${found}"`;
}

// Catalogue 38 (work amplification): RSA verification costs grow with the modulus and exponent,
// both chosen by whoever sends the proof. 8192 bits is the largest modulus in use; every DPoP
// client library makes keys with e = 65537 ("AQAB").
const MAX_RSA_MODULUS_BITS = 8192;

/** Why an RSA proof key would cost too much to verify, or undefined (checked before it is imported). */
export function jwkCostProblem(jwk: JWK): string | undefined {
  if (jwk.kty !== 'RSA') return undefined;
  if (jwk.e !== 'AQAB') return 'the RSA "jwk" must have the exponent 65537 ("AQAB")';
  const n = typeof jwk.n === 'string' ? decodeBase64url(jwk.n) : undefined;
  if (n === undefined) return undefined; // the import refuses it
  let first = 0;
  while (first < n.length && n[first] === 0) first++;
  const bits = first === n.length ? 0 : (n.length - first - 1) * 8 + (32 - Math.clz32(n[first] as number));
  if (bits > MAX_RSA_MODULUS_BITS) return `the RSA "jwk" has a modulus over ${MAX_RSA_MODULUS_BITS} bits`;
  return undefined;
}
