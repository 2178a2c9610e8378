/**
 * decryptJWT: a compact JWE whose plaintext is JWT claims, or a nested signed JWT whose signature is
 * verified with the caller's own keys and algorithms (never the decryption key, never `none`).
 */

import { utf8Decode } from '../encoding/utf8.js';
import { InvalidOptionError, JWTMalformedError } from '../errors.js';
import { compileDecryptPolicy, DECRYPT_JWE_NAMES, type DecryptJWEOptions, decryptWith } from '../jwe/decrypt.js';
import type { JWEHeader } from '../jwe/types.js';
import { parseJSONBytes } from '../jws/compact.js';
import type { JWSHeader } from '../jws/header.js';
import type { KeyOrResolver } from '../jws/key-source.js';
import { checkOptionNames, optionNames } from '../options.js';
import { CLAIM_OPTION_NAMES, type ClaimOptions, checkClaims, compileClaimPolicy } from './claims.js';
import { DEFAULT_MAX_JWT_LENGTH, type JWTPayload } from './types.js';
import { verifyJWTSignature } from './verify.js';

export interface DecryptJWTOptions extends ClaimOptions, DecryptJWEOptions {
  /**
   * For a nested JWT (`cty: "JWT"`): the key and algorithms that verify the inner signed JWT.
   * Required for nested tokens, refused for others.
   */
  verify?: {
    key: KeyOrResolver;
    algorithms?: string[];
    crit?: string[];
  };
}

export interface DecryptedJWT<P extends object = JWTPayload> {
  payload: P & JWTPayload;
  /** The JWE protected header. */
  header: JWEHeader;
  /** The header of the inner signed JWT, for a nested JWT. */
  signedHeader?: Readonly<JWSHeader>;
}

const malformed = (message: string) => new JWTMalformedError(message);

const DECRYPT_JWT_OPTIONS = /* @__PURE__ */ optionNames<DecryptJWTOptions>()([
  'verify',
  ...DECRYPT_JWE_NAMES,
  ...CLAIM_OPTION_NAMES,
]);
const NESTED_VERIFY_OPTIONS = /* @__PURE__ */ optionNames<NonNullable<DecryptJWTOptions['verify']>>()([
  'key',
  'algorithms',
  'crit',
]);

/**
 * Decrypts a compact JWE and checks its claims with the same options as verifyJWT. A nested JWT
 * (`cty: "JWT"`) needs `verify`, and its signature is checked before any claim is read.
 *
 * @example
 * ```ts
 * const { payload } = await decryptJWT(token, key, { issuer: 'auth', audience: 'api' });
 *
 * const nested = await decryptJWT(token, recipientPrivateKey, {
 *   keyManagementAlgorithms: ['ECDH-ES+A256KW'],
 *   verify: { key: issuerPublicKey, algorithms: ['EdDSA'] },
 * });
 * ```
 */
export async function decryptJWT<P extends object = JWTPayload>(
  token: string,
  keyOrResolver: KeyOrResolver,
  options: DecryptJWTOptions = {},
): Promise<DecryptedJWT<P>> {
  checkOptionNames(options, DECRYPT_JWT_OPTIONS);
  checkOptionNames(options.verify, NESTED_VERIFY_OPTIONS, 'verify');
  if (typeof token !== 'string') throw malformed('an encrypted JWT is a compact JWE string');
  const policy = compileDecryptPolicy(keyOrResolver, options, DEFAULT_MAX_JWT_LENGTH);
  const claimPolicy = compileClaimPolicy(options);
  const { verify } = options;
  if (verify !== undefined && (typeof verify !== 'object' || verify === null || verify.key === undefined)) {
    throw new InvalidOptionError('verify', 'must be { key, algorithms? }');
  }
  const { plaintext, header } = await decryptWith(policy, token);
  const nested = typeof header.cty === 'string' && header.cty.toUpperCase() === 'JWT';
  if (nested !== (verify !== undefined)) {
    if (nested) throw new InvalidOptionError('verify', 'the token is a nested JWT (cty "JWT"): pass verify: { key, algorithms }');
    throw malformed('options.verify expects a nested JWT (cty "JWT"); this token carries claims directly');
  }
  if (verify === undefined) {
    const payload = parseJSONBytes(plaintext, 'payload', malformed);
    checkClaims(payload, header, claimPolicy);
    return { payload: payload as P & JWTPayload, header };
  }
  const inner = utf8Decode(plaintext);
  if (inner === undefined) throw malformed('the nested JWT is not UTF-8 text');
  const signed = await verifyJWTSignature(inner, verify.key, {
    ...(verify.algorithms !== undefined && { algorithms: verify.algorithms }),
    ...(verify.crit !== undefined && { crit: verify.crit }),
    maxTokenLength: Math.max(plaintext.length, 1),
  });
  checkClaims(signed.payload, header, claimPolicy);
  return { payload: signed.payload as P & JWTPayload, header, signedHeader: signed.header };
}
