/**
 * The framework-agnostic core: from a request to `{ payload, header, token }` or an AuthError whose
 * status and challenge follow RFC 6750. Adapters call the authenticator this builds and only
 * translate where the request is, where the result goes and how the error is answered.
 */
import { type Awaitable, after, recover, settle } from '../backend/types.js';
import { dpopProofFromHeaders } from '../dpop/extract.js';
import {
  DPoPNonceRequiredError,
  DPoPProofInvalidError,
  InvalidOptionError,
  JWTClaimError,
  JWTKitError,
  JWTMalformedError,
} from '../errors.js';
import {
  createVerifier,
  type JWSHeader,
  type JWTPayload,
  type KeyOrResolver,
  type VerifiedJWT,
  type Verifier,
  type VerifierOptions,
  type VerifyJWTOptions,
} from '../index.js';
import { ownClaim } from '../jwt/claims.js';
import { VERIFIER_NAMES, verifyNowOf } from '../jwt/verify.js';
import { checkOptionNames, optionNames } from '../options.js';
import { checkRealm, checkScopes } from './challenge.js';
import { DEFAULT_TOKEN_COOKIE, isCookieName } from './cookies.js';
import { type CSRFOptions, compileCSRF, passesCSRF } from './csrf.js';
import { boundThumbprint, compileDPoP, type DPoPAuthOptions, type DPoPAuthResult, type DPoPPolicy } from './dpop.js';
import { AuthError, type AuthErrorCode, type AuthErrorResponse, type ChallengeContext } from './errors.js';
import { type ExtractOptions, extractToken, type TokenScheme, type TokenSource } from './extract.js';
import { type AuthRequest, type RequestView, viewOf } from './request.js';

/** A verified request. */
export interface AuthResult<P extends object = JWTPayload> extends VerifiedJWT<P> {
  /** The token as sent. */
  token: string;
  /** Where it was found. */
  source: TokenSource;
  /** With the `dpop` option, for a token sent as `Authorization: DPoP`: the verified proof, `jkt` its key's thumbprint. */
  dpop?: DPoPAuthResult;
}

export interface AuthOptions<P extends object = JWTPayload> extends VerifyJWTOptions {
  /** A verifier from `createVerifier`; or give `key` (and any verify options) and one is made. */
  verifier?: Verifier<P>;
  /** The key, key material, JWKS or resolver to verify with, when no `verifier` is given. */
  key?: KeyOrResolver;
  /** The verified-token cache of `createVerifier`, when no `verifier` is given. */
  cache?: VerifierOptions['cache'];
  /** The realm in the challenge (default `api`); a fixed name, never the request URL. */
  realm?: string;
  /** Read the `Authorization: Bearer` header (default true). */
  header?: boolean;
  /** Read the token from this cookie too (`true`: `access_token`). Enables CSRF checks for it. */
  cookie?: string | boolean;
  /** Read the token from this query parameter (off by default; RFC 6750 §2.3 discourages it). */
  query?: string;
  /** Your own way to find the token; replaces header, cookie and query. */
  getToken?: (request: AuthRequest) => Awaitable<string | undefined | null>;
  /** Let requests without a token through, with no result (default true: a token is required). */
  credentialsRequired?: boolean;
  /** Revocation check: return true to refuse the token (401 `invalid_token`). */
  isRevoked?: (payload: P & JWTPayload, header: JWSHeader) => Awaitable<boolean>;
  /** Scopes the token must grant (its `scope` string or `scp` list); otherwise 403 `insufficient_scope`. */
  requiredScopes?: string[] | string;
  /** Any other rule on the claims; false gives 403. */
  requireClaims?: (payload: P & JWTPayload, header: JWSHeader) => Awaitable<boolean>;
  /** CSRF checks for unsafe requests authenticated by the `cookie` (on by default when `cookie` is set). */
  csrf?: CSRFOptions | boolean;
  /**
   * Answer CORS preflights (`OPTIONS` with `Access-Control-Request-Method`) with 204 and no CORS
   * grant, without running the handler (default true). `false` authenticates them like any other
   * request. Mount the framework's CORS middleware before this one to grant cross-origin access.
   */
  preflight?: boolean;
  /**
   * Accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP <token>` with one `DPoP` proof,
   * checked against the request, the token's hash and its `cnf.jkt`. `required: true` accepts
   * nothing else. Without this option, a DPoP-bound token is refused all the same (never a bearer token).
   */
  dpop?: DPoPAuthOptions;
  /** Reshapes error responses: return the fields to change (status, headers, body). */
  onError?: (error: AuthError) => Partial<AuthErrorResponse> | undefined;
}

/**
 * Authenticates one request: the result, `undefined` (no token where none is required), or an
 * AuthError (a CORS preflight is one too, `preflight` true and status 204, so that it never reaches
 * a handler).
 */
export type Authenticator<P extends object = JWTPayload> = (request: AuthRequest) => Promise<AuthResult<P> | undefined>;

const DESCRIPTIONS = {
  missing: 'Authentication required',
  expired: 'The access token expired',
  revoked: 'The access token was revoked',
  invalid: 'The access token is invalid',
  scope: 'The access token does not grant the required scope',
  forbidden: 'The access token does not grant access to this resource',
  csrf: 'Cross-site request refused: send the CSRF token or use the same origin',
  unavailable: 'The access token cannot be checked right now; try again shortly',
  preflight: 'CORS preflight answered without running the handler',
  dpopOnly: 'This resource accepts DPoP-bound access tokens only (Authorization: DPoP with a DPoP proof)',
  notBound: 'The access token is not DPoP-bound: send it with the Bearer scheme',
  bound: 'The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof',
} as const;

/** Failures of what verification depends on (a remote JWKS, a revocation store), not of the token. */
const UNAVAILABLE = new Set(['ERR_JWKS_FETCH_FAILED', 'ERR_JWKS_TIMEOUT', 'ERR_STORE_UNAVAILABLE']);

/** The scopes a token grants: `scope` (space-separated, RFC 8693 / RFC 9068) and `scp` (a list or string). */
export function grantedScopes(payload: JWTPayload): Set<string> {
  const granted = new Set<string>();
  const add = (value: unknown) => {
    const list = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const scope of list) if (typeof scope === 'string' && scope !== '') granted.add(scope);
  };
  add(ownClaim(payload, 'scope'));
  add(ownClaim(payload, 'scp'));
  return granted;
}

/** Options of the HTTP layer; every other option goes to `createVerifier`. */
const HTTP_NAMES = [
  'verifier',
  'realm',
  'header',
  'cookie',
  'query',
  'getToken',
  'credentialsRequired',
  'isRevoked',
  'requiredScopes',
  'requireClaims',
  'csrf',
  'preflight',
  'dpop',
  'onError',
] as const;
const HTTP_OPTIONS: ReadonlySet<string> = new Set(HTTP_NAMES);

/** Every option name of {@link AuthOptions}: the HTTP layer's and createVerifier's. */
export const AUTH_OPTIONS = /* @__PURE__ */ optionNames<AuthOptions>()([...HTTP_NAMES, ...VERIFIER_NAMES]);

function buildVerifier<P extends object>(options: AuthOptions<P>): Verifier<P> {
  const { verifier, key } = options;
  if (verifier !== undefined) {
    if (typeof verifier !== 'function') throw new InvalidOptionError('verifier', 'must be a verifier made by createVerifier');
    if (key !== undefined) throw new InvalidOptionError('key', 'give either a verifier or a key, not both');
    return verifier;
  }
  if (key === undefined) throw new InvalidOptionError('key', 'a key, JWKS or verifier is required');
  const verifyOptions = Object.fromEntries(Object.entries(options).filter(([name]) => !HTTP_OPTIONS.has(name)));
  return createVerifier<P>({ ...verifyOptions, key });
}

function checkFunction(options: object, name: string): void {
  const value = (options as Record<string, unknown>)[name];
  if (value !== undefined && typeof value !== 'function') throw new InvalidOptionError(name, 'must be a function');
}

function cookieName(cookie: unknown): string | undefined {
  if (cookie === undefined || cookie === false) return undefined;
  if (cookie === true) return DEFAULT_TOKEN_COOKIE;
  if (!isCookieName(cookie)) throw new InvalidOptionError('cookie', 'must be true or a cookie name');
  return cookie;
}

function isPreflight(view: RequestView): boolean {
  return view.method === 'OPTIONS' && view.header('access-control-request-method') !== undefined;
}

/**
 * Builds the authenticator once (options checked, keys imported), for every request after.
 *
 * @example
 * ```ts
 * const authenticate = createAuthenticator({ key: jwks, algorithms: ['RS256'], audience: 'api' });
 * const auth = await authenticate(request); // AuthResult, or throws AuthError
 * ```
 */
export function createAuthenticator<P extends object = JWTPayload>(options: AuthOptions<P>): Authenticator<P> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  checkOptionNames(options, AUTH_OPTIONS);
  for (const name of ['getToken', 'isRevoked', 'requireClaims', 'onError']) checkFunction(options, name);
  const verify = buildVerifier(options);
  const verifyNow = verifyNowOf(verify);
  const realm = checkRealm(options.realm);
  const scopes = checkScopes(options.requiredScopes);
  const dpop = compileDPoP(options.dpop);
  const extract: ExtractOptions = {
    header: options.header !== false,
    dpop: dpop !== undefined,
    cookie: cookieName(options.cookie),
    query: options.query,
  };
  if (extract.query !== undefined && (typeof extract.query !== 'string' || extract.query === ''))
    throw new InvalidOptionError('query', 'must be a query parameter name');
  if (!extract.header && extract.cookie === undefined && extract.query === undefined && options.getToken === undefined)
    throw new InvalidOptionError('header', 'with the header off, give a cookie, a query parameter or getToken');
  if (dpop?.required === true) {
    if (!extract.header)
      throw new InvalidOptionError('header', 'must be on with dpop.required: DPoP tokens come in the Authorization header');
    // A cookie, a query parameter or a custom getter carries bearer tokens, which dpop.required refuses.
    for (const name of ['cookie', 'query', 'getToken'] as const)
      if (options[name] !== undefined && options[name] !== false)
        throw new InvalidOptionError(
          name,
          'cannot be used with dpop.required: only the Authorization header carries a DPoP token',
        );
  }
  const csrf = extract.cookie === undefined ? undefined : compileCSRF(options.csrf);
  const required = options.credentialsRequired !== false;
  const preflight = options.preflight !== false;
  const { getToken, isRevoked, requireClaims, onError } = options;

  // Which schemes the challenges name, and the one an error goes in (RFC 9449 §7.1, §7.2).
  const contexts: Record<TokenScheme, ChallengeContext> = {
    Bearer: { bearer: dpop?.required !== true, dpopAlgs: dpop?.algs, scheme: dpop?.required === true ? 'DPoP' : 'Bearer' },
    DPoP: { bearer: dpop?.required !== true, dpopAlgs: dpop?.algs, scheme: dpop === undefined ? 'Bearer' : 'DPoP' },
  };
  const fail = (
    code: AuthErrorCode,
    description: string,
    cause?: unknown,
    scope?: readonly string[],
    challenge: ChallengeContext = contexts.Bearer,
  ): never => {
    const error = new AuthError(code, description, { realm, scope, cause, challenge });
    throw onError === undefined ? error : error.reshape(onError(error));
  };

  // Each step returns a value where it could answer at once and a promise only where it waits (the
  // verifier, the application's hooks), so a request costs no microtask turns it does not need.
  const checked = (
    verified: VerifiedJWT<P>,
    token: string,
    source: TokenSource,
    scheme: TokenScheme,
    proof: DPoPAuthResult | undefined,
  ): Awaitable<AuthResult<P>> => {
    const { payload, header } = verified;
    const context = contexts[scheme];
    const refuse = (code: AuthErrorCode, description: string, scope?: readonly string[]): never =>
      fail(code, description, undefined, scope, context);
    const failed = (error: unknown): never => hookFailed(error, context);
    const revocation = isRevoked === undefined ? false : recover(() => isRevoked(payload, header), failed);
    return after(revocation, (revoked) => {
      if (revoked) refuse('ERR_AUTH_INVALID_TOKEN', DESCRIPTIONS.revoked);
      if (scopes !== undefined) {
        const granted = grantedScopes(payload);
        if (!scopes.every((scope) => granted.has(scope))) refuse('ERR_AUTH_INSUFFICIENT_SCOPE', DESCRIPTIONS.scope, scopes);
      }
      return after(requireClaims === undefined ? true : recover(() => requireClaims(payload, header), failed), (allowed) => {
        if (!allowed) refuse('ERR_AUTH_FORBIDDEN', DESCRIPTIONS.forbidden);
        return proof === undefined ? { payload, header, token, source } : { payload, header, token, source, dpop: proof };
      });
    });
  };

  const unavailable = (error: unknown): never => {
    if (error instanceof JWTKitError && UNAVAILABLE.has(error.code))
      fail('ERR_AUTH_UNAVAILABLE', DESCRIPTIONS.unavailable, error);
    throw error;
  };
  // A signed token can still carry claims the application's checks cannot use (`sid: 5`, `jti: ""`,
  // refused by the revocation list with a claim error): that is the token's fault, not the server's.
  const hookFailed = (error: unknown, context: ChallengeContext = contexts.Bearer): never => {
    if (error instanceof JWTClaimError || error instanceof JWTMalformedError)
      fail('ERR_AUTH_INVALID_TOKEN', DESCRIPTIONS.invalid, error, undefined, context);
    return unavailable(error);
  };
  const rejectedIn =
    (scheme: TokenScheme) =>
    (error: unknown): never => {
      if (!(error instanceof JWTKitError) || UNAVAILABLE.has(error.code)) return unavailable(error);
      const description = error.code === 'ERR_JWT_EXPIRED' ? DESCRIPTIONS.expired : DESCRIPTIONS.invalid;
      return fail('ERR_AUTH_INVALID_TOKEN', description, error, undefined, contexts[scheme]);
    };
  const rejected = rejectedIn('Bearer');
  const dpopRejected = rejectedIn('DPoP');

  /** A proof refused: 401 invalid_dpop_proof, or use_dpop_nonce with a fresh nonce (RFC 9449 §7.1, §8). */
  const proofRefused = (policy: DPoPPolicy) => (error: unknown) => {
    if (error instanceof DPoPProofInvalidError)
      return fail('ERR_DPOP_PROOF_INVALID', error.message, error, undefined, contexts.DPoP);
    if (error instanceof DPoPNonceRequiredError && policy.nonces !== undefined)
      return policy.nonces
        .issue()
        .then((nonce) => fail('ERR_DPOP_NONCE_REQUIRED', error.message, error, undefined, { ...contexts.DPoP, nonce }));
    return unavailable(error);
  };

  /** The DPoP scheme: the token must be bound, and its one proof must be for this request, token and key. */
  const proven = (
    policy: DPoPPolicy,
    request: AuthRequest,
    view: RequestView,
    token: string,
    verified: VerifiedJWT<P>,
  ): Promise<DPoPAuthResult> => {
    const jkt = boundThumbprint(verified.payload);
    if (jkt === undefined) return fail('ERR_AUTH_INVALID_TOKEN', DESCRIPTIONS.notBound, undefined, undefined, contexts.DPoP);
    if (jkt === null) return fail('ERR_AUTH_INVALID_TOKEN', DESCRIPTIONS.invalid, undefined, undefined, contexts.DPoP);
    const { value, count } = view.sent('dpop');
    return Promise.resolve()
      .then(() => {
        // Node's raw headers tell two DPoP fields apart; a Headers object joins them with ", ",
        // which dpopProofFromHeaders refuses as well.
        if (count > 1) throw new DPoPProofInvalidError('count', 'the request has several DPoP headers; exactly one is allowed');
        const proof = dpopProofFromHeaders(value);
        return policy.verify(proof, view.method, policy.htu(request, view), token, jkt);
      })
      .then(async (result): Promise<DPoPAuthResult> => {
        if (policy.nonces === undefined) return result;
        // A proof may carry the previous step's nonce: hand the client the current one (RFC 9449 §8.2).
        const current = await policy.nonces.issue();
        return result.payload.nonce === current ? result : { ...result, nonce: current };
      }, proofRefused(policy));
  };

  const withToken = (
    request: AuthRequest,
    view: RequestView,
    token: string | undefined,
    source: TokenSource,
    scheme: TokenScheme,
  ): Awaitable<AuthResult<P> | undefined> => {
    if (token === undefined || token === '') {
      if (!required) return undefined;
      return fail('ERR_AUTH_MISSING', DESCRIPTIONS.missing);
    }
    // RFC 6750 §3.1: a scheme the resource does not accept is answered like no credentials (no error
    // code), whether credentials are required or not: never as an anonymous request.
    if (dpop?.required === true && scheme !== 'DPoP') return fail('ERR_AUTH_MISSING', DESCRIPTIONS.dpopOnly);
    if (csrf !== undefined && source === 'cookie' && !passesCSRF(view, csrf)) fail('ERR_AUTH_CSRF', DESCRIPTIONS.csrf);
    if (scheme === 'DPoP' && dpop !== undefined) {
      const policy = dpop;
      return verify(token).then(
        (verified) =>
          proven(policy, request, view, token, verified).then((proof) => checked(verified, token, source, scheme, proof)),
        dpopRejected,
      );
    }
    const bearer = (verified: VerifiedJWT<P>): Awaitable<AuthResult<P>> => {
      // RFC 9449 §7.2: a DPoP-bound token is never accepted as a bearer token (no downgrade), with
      // or without the dpop option: whoever stole it has no key to prove with.
      if (boundThumbprint(verified.payload) !== undefined)
        fail('ERR_AUTH_INVALID_TOKEN', DESCRIPTIONS.bound, undefined, undefined, contexts.Bearer);
      return checked(verified, token, source, 'Bearer', undefined);
    };
    // A cache hit answers at once: no promise, no microtask turn. A failure of the verifier,
    // thrown or rejected, goes to `rejected` alike; a failure of `bearer` is its own (as with .then).
    let verified: Awaitable<VerifiedJWT<P>>;
    try {
      verified = verifyNow(token);
    } catch (error) {
      return rejected(error);
    }
    return verified instanceof Promise ? verified.then(bearer, rejected) : bearer(verified);
  };

  const custom = (request: AuthRequest, view: RequestView, token: unknown) => {
    if (token !== undefined && token !== null && typeof token !== 'string')
      fail('ERR_AUTH_INVALID_REQUEST', 'the token must be a string');
    return withToken(request, view, (token ?? undefined) as string | undefined, 'custom', 'Bearer');
  };

  const run = (request: AuthRequest): Awaitable<AuthResult<P> | undefined> => {
    const view = viewOf(request);
    if (preflight && isPreflight(view)) return fail('ERR_AUTH_PREFLIGHT', DESCRIPTIONS.preflight);
    if (getToken !== undefined) return after(getToken(request), (token) => custom(request, view, token));
    const found = extractToken(view, extract);
    if ('problem' in found) return fail('ERR_AUTH_INVALID_REQUEST', found.problem);
    if (found.token === undefined) return withToken(request, view, undefined, 'header', 'Bearer');
    return withToken(request, view, found.token, found.source, found.scheme);
  };
  const authenticator: Authenticator<P> = (request) => settle(() => run(request));
  Object.defineProperty(authenticator, AUTHENTICATE_NOW, { value: run });
  return authenticator;
}

/**
 * @internal An authenticator's steps without the promise around them (a value where the answer is
 * ready, a promise where it waits; it may throw), for adapters that can call the handler at once.
 */
export const AUTHENTICATE_NOW: unique symbol = Symbol('jwtkit.authenticateNow');

/** @internal {@link AUTHENTICATE_NOW} of an authenticator made by {@link createAuthenticator}. */
export function authenticateNowOf<P extends object>(
  authenticator: Authenticator<P>,
): (request: AuthRequest) => Awaitable<AuthResult<P> | undefined> {
  const now = (
    authenticator as Authenticator<P> & { [AUTHENTICATE_NOW]?: (request: AuthRequest) => Awaitable<AuthResult<P> | undefined> }
  )[AUTHENTICATE_NOW];
  return now ?? ((request) => authenticator(request));
}

/**
 * Authenticates one request with one-off options. For a server, build the authenticator once with
 * {@link createAuthenticator}: keys are then imported once.
 *
 * @example
 * ```ts
 * const { payload } = (await authenticate(request, { key: secret, algorithms: ['HS256'] }))!;
 * ```
 */
export function authenticate<P extends object = JWTPayload>(
  request: AuthRequest,
  options: AuthOptions<P>,
): Promise<AuthResult<P> | undefined> {
  return createAuthenticator(options)(request);
}
