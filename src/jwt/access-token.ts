/**
 * The JWT profile for OAuth 2.0 access tokens (RFC 9068), on the resource server's side: a verifier
 * that takes only what the profile allows, so that an ID token or any other JWT the same
 * authorization server signs cannot be used as an access token (RFC 9068 §5, RFC 8725 §3.11).
 */
import { JWS_ALGORITHMS, signatureAlgorithm } from '../algorithms/index.js';
import { InvalidOptionError, JWTClaimError, KeyMismatchError } from '../errors.js';
import { checkAlgorithmsOption, type KeyOrResolver } from '../jws/key-source.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { JWTPayload, VerifiedJWT } from './types.js';
import { createVerifier, type Verifier, type VerifierOptions, type VerifyJWTOptions, verifyJWT } from './verify.js';

/** The media type of the profile (RFC 9068 §2.1), compared per RFC 8725 §3.11: `application/at+jwt` passes too. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** The claims RFC 9068 §2.2 requires of every access token; `iss` and `aud` come with `issuer` and `audience`. */
const PROFILE_CLAIMS = ['exp', 'sub', 'client_id', 'iat', 'jti'] as const;

/** The claims of an access token that passed the profile (RFC 9068 §2.2). */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  exp: number;
  aud: string | string[];
  sub: string;
  client_id: string;
  iat: number;
  jti: string;
  /** Space-separated scopes (RFC 8693 §4.2), when the token has any. */
  scope?: string;
  auth_time?: number;
  acr?: string;
  amr?: string[];
}

export interface AccessTokenVerifyOptions extends Omit<VerifyJWTOptions, 'typ' | 'issuer' | 'audience'> {
  /** The authorization server's issuer identifier: required, matched exactly (RFC 9068 §4 step 3). */
  issuer: string | string[];
  /** This resource server's identifier: required, one of the token's `aud` must match (RFC 9068 §4 step 4). */
  audience: string | string[];
  /**
   * Accept tokens signed with a shared secret (HS256, HS384, HS512). Off by default: a resource
   * server holding the authorization server's secret can mint access tokens itself. With it on and
   * no `algorithms`, HS256/384/512 join the default list of every asymmetric algorithm.
   */
  allowSymmetric?: boolean;
}

export interface AccessTokenVerifierOptions extends AccessTokenVerifyOptions {
  /** The authorization server's keys: its JWKS (createRemoteJWKS, fromIssuer), a key, or a resolver. */
  key: KeyOrResolver;
  /** The verified-token cache of {@link createVerifier}. */
  cache?: VerifierOptions['cache'];
}

const VERIFY_NAMES = [
  'issuer',
  'audience',
  'allowSymmetric',
  'algorithms',
  'crit',
  'maxTokenLength',
  'subject',
  'maxAge',
  'clockTolerance',
  'requiredClaims',
  'now',
] as const;

// Built on first use: a bundle that never verifies an access token keeps none of this.
let verifyOptionNames: ReadonlySet<string> | undefined;
let verifierOptionNames: ReadonlySet<string> | undefined;
const verifyNames = () => {
  verifyOptionNames ??= /* @__PURE__ */ optionNames<AccessTokenVerifyOptions>()(VERIFY_NAMES);
  return verifyOptionNames;
};
const verifierNames = () => {
  verifierOptionNames ??= /* @__PURE__ */ optionNames<AccessTokenVerifierOptions>()(['key', 'cache', ...VERIFY_NAMES]);
  return verifierOptionNames;
};

const isSymmetric = (alg: string) => signatureAlgorithm(alg)?.kty === 'oct';

/**
 * The algorithm allowlist: the caller's, or every asymmetric algorithm (RFC 9068 §4 step 5: the
 * `alg` of the header, under the keys of the authorization server). A secret-keyed algorithm only
 * with `allowSymmetric`; `none` never (the core refuses it in any list).
 */
function profileAlgorithms(algorithms: unknown, allowSymmetric: unknown): string[] {
  if (allowSymmetric !== undefined && typeof allowSymmetric !== 'boolean')
    throw new InvalidOptionError('allowSymmetric', 'must be a boolean');
  if (algorithms === undefined) return JWS_ALGORITHMS.filter((alg) => allowSymmetric === true || !isSymmetric(alg));
  checkAlgorithmsOption(algorithms);
  const symmetric = (algorithms as string[]).find(isSymmetric);
  if (symmetric !== undefined && allowSymmetric !== true)
    throw new InvalidOptionError(
      'algorithms',
      `${symmetric} needs a secret the authorization server shares, with which this server could mint access tokens itself; give allowSymmetric: true to accept it anyway`,
    );
  return algorithms as string[];
}

/** Checks the profile's options and turns them into verifyJWT's. */
function toVerifyOptions(options: AccessTokenVerifyOptions): VerifyJWTOptions {
  const { allowSymmetric, algorithms, requiredClaims = [], ...claims } = options;
  for (const name of ['issuer', 'audience'] as const)
    if (options[name] === undefined)
      throw new InvalidOptionError(
        name,
        `is required: RFC 9068 §4 has a resource server check the token's ${name === 'issuer' ? '"iss"' : '"aud"'}`,
      );
  if (!Array.isArray(requiredClaims)) throw new InvalidOptionError('requiredClaims', 'must be an array of claim names');
  return {
    ...claims,
    typ: ACCESS_TOKEN_TYP,
    algorithms: profileAlgorithms(algorithms, allowSymmetric),
    requiredClaims: [...PROFILE_CLAIMS, ...requiredClaims],
  };
}

/** What the core's claim checks leave to the profile: the types of `client_id` and `scope`. */
function checkProfileClaims<P extends object>(result: VerifiedJWT<P>): VerifiedJWT<P & AccessTokenClaims> {
  const { payload } = result;
  if (typeof payload.client_id !== 'string')
    throw new JWTClaimError('client_id', 'invalid', '"client_id" must be a string (RFC 9068 §2.2)');
  if (payload.scope !== undefined && typeof payload.scope !== 'string')
    throw new JWTClaimError('scope', 'invalid', '"scope" must be a space-separated string (RFC 9068 §2.2.3)');
  return result as VerifiedJWT<P & AccessTokenClaims>;
}

/**
 * With the default allowlist, a key no asymmetric algorithm can use is a secret (or not a key):
 * the core's message says why it does not fit; this says what the profile wants instead.
 */
function explainKeyMismatch(error: unknown, options: AccessTokenVerifyOptions): never {
  if (error instanceof KeyMismatchError && options.algorithms === undefined && options.allowSymmetric !== true)
    throw new KeyMismatchError(
      `${error.message}. An access-token verifier takes the authorization server's public keys; a shared secret needs allowSymmetric: true`,
    );
  throw error;
}

/** An options object, without `typ`, whose names are all known. */
function checkOptions(options: unknown, known: ReadonlySet<string>): asserts options is object {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  // typ is the profile's own: a caller's value could only loosen it, or contradict it.
  if (Object.hasOwn(options, 'typ'))
    throw new InvalidOptionError('typ', `the access-token profile requires typ "${ACCESS_TOKEN_TYP}" itself (RFC 9068 §4)`);
  checkOptionNames(options, known);
}

/**
 * Verifies an OAuth 2.0 access token in the JWT profile (RFC 9068 §4): `typ` must be `at+jwt`
 * (an ID token, typed `JWT` or not at all, is refused), `iss` and `aud` must match the required
 * `issuer` and `audience`, and `exp`, `sub`, `client_id`, `iat` and `jti` must be present.
 * Tokens signed with a shared secret are refused unless `allowSymmetric` is set.
 *
 * @example
 * ```ts
 * const jwks = createRemoteJWKS(new URL('https://auth.example.com/.well-known/jwks.json'));
 * const { payload } = await verifyAccessToken(token, jwks, {
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 * });
 * console.log(payload.client_id, payload.scope);
 * ```
 */
export async function verifyAccessToken<P extends object = AccessTokenClaims>(
  token: string,
  keyOrResolver: KeyOrResolver,
  options: AccessTokenVerifyOptions,
): Promise<VerifiedJWT<P & AccessTokenClaims>> {
  checkOptions(options, verifyNames());
  const verifyOptions = toVerifyOptions(options);
  const result = await verifyJWT<P>(token, keyOrResolver, verifyOptions).catch((error) => {
    // A resolver's key can misfit one token's alg: only static material is the caller's choice.
    if (typeof keyOrResolver === 'function') throw error;
    return explainKeyMismatch(error, options);
  });
  return checkProfileClaims(result);
}

/**
 * Creates a verifier for RFC 9068 access tokens: {@link verifyAccessToken}'s checks with the keys
 * imported once. Give it to the HTTP middleware as its `verifier`.
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({
 *   key: createRemoteJWKS(new URL('https://auth.example.com/.well-known/jwks.json')),
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 * });
 * const { payload } = await verifier(token);
 * // app.use(jwtAuth({ verifier, requiredScopes: 'read' }))
 * ```
 */
export function createAccessTokenVerifier<P extends object = AccessTokenClaims>(
  options: AccessTokenVerifierOptions,
): Verifier<P & AccessTokenClaims> {
  checkOptions(options, verifierNames());
  const { key, cache, ...rest } = options;
  const verifyOptions = toVerifyOptions(rest);
  let inner: Verifier<P>;
  try {
    inner = createVerifier<P>({ ...verifyOptions, key, ...(cache === undefined ? {} : { cache }) });
  } catch (error) {
    explainKeyMismatch(error, rest);
  }
  const verifier = ((token: string) => inner(token).then(checkProfileClaims)) as Verifier<P & AccessTokenClaims>;
  verifier.sync = (token) => checkProfileClaims(inner.sync(token));
  verifier.clearCache = () => inner.clearCache();
  return verifier;
}
