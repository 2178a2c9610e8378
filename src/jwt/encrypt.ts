/** encryptJWT: claims (or an already signed JWT, for nesting) encrypted as a compact JWE. */
import { utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError, JWTMalformedError } from '../errors.js';
import { type EncryptJWEOptions, encryptJWE } from '../jwe/encrypt.js';
import { splitCompact } from '../jws/compact.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import { buildClaims, CLAIM_SET_NAMES, type ClaimSetOptions, planClaims } from './claim-set.js';
import type { JWTPayload } from './types.js';

export interface EncryptJWTOptions
  extends ClaimSetOptions,
    Omit<EncryptJWEOptions, 'serialization' | 'unprotectedHeader' | 'recipientHeader' | 'aad'> {}

const ENCRYPT_JWT_OPTIONS = /* @__PURE__ */ optionNames<EncryptJWTOptions>()([
  ...CLAIM_SET_NAMES,
  'alg',
  'kid',
  'apu',
  'apv',
  'p2c',
  'enc',
  'typ',
  'cty',
  'header',
  'crit',
  'zip',
]);

/**
 * Encrypts claims as a compact JWE, adding `iat`, `exp`, `nbf`, `iss`, `sub`, `aud` and `jti`
 * exactly as signJWT does. Pass a signed JWT (a string) instead of claims to nest it: the JWE then
 * gets `cty: "JWT"` and the claims stay signed inside (sign, then encrypt).
 *
 * @example
 * ```ts
 * const key = await generateSecret('A256GCM');
 * const token = await encryptJWT({ sub: 'ada', email: 'ada@example.com' }, key, { expiresIn: '15m' });
 *
 * const signed = await signJWT({ sub: 'ada' }, signingKey, { expiresIn: '15m' });
 * const nested = await encryptJWT(signed, recipientPublicKey, { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
 * ```
 */
export async function encryptJWT<C extends object = JWTPayload>(
  claims: C | string,
  key: KeyMaterial,
  options: EncryptJWTOptions = {},
): Promise<string> {
  checkOptionNames(options, ENCRYPT_JWT_OPTIONS);
  const jweOptions: EncryptJWEOptions = { ...options, serialization: 'compact' };
  for (const name of CLAIM_SET_NAMES) delete (jweOptions as Record<string, unknown>)[name];
  if (typeof claims !== 'string') {
    const plaintext = buildClaims(claims, planClaims(options));
    return encryptJWE(utf8Encode(plaintext), key, jweOptions as EncryptJWEOptions & { serialization: 'compact' });
  }
  // A nested JWT: the signed token is the plaintext, and its claims were fixed when it was signed.
  const given = CLAIM_SET_NAMES.find((name) => options[name] !== undefined);
  if (given !== undefined) throw new InvalidOptionError(given, 'a signed JWT is encrypted as it is; set claims when signing it');
  splitCompact(claims, Number.POSITIVE_INFINITY, (message) => new JWTMalformedError(`the nested JWT: ${message}`));
  if (options.cty !== undefined && options.cty.toUpperCase() !== 'JWT')
    throw new InvalidOptionError('cty', 'a nested JWT has cty "JWT"');
  return encryptJWE(claims, key, { ...jweOptions, cty: 'JWT' } as EncryptJWEOptions & { serialization: 'compact' });
}
