/**
 * `jwtkit/http`: bearer and cookie authentication for any server, and the core every framework
 * adapter (`jwtkit/express`, `jwtkit/fastify`, `jwtkit/hono`, `jwtkit/koa`, `jwtkit/oak`,
 * `jwtkit/node-http`) is a thin layer over.
 *
 * @example
 * ```ts
 * import { withAuth } from 'jwtkit/http';
 *
 * export default {
 *   fetch: withAuth((request, auth) => Response.json({ hello: auth?.payload.sub }), {
 *     key: jwks,
 *     algorithms: ['RS256'],
 *     audience: 'api',
 *   }),
 * };
 * ```
 *
 * @packageDocumentation
 */
export {
  type Authenticator,
  type AuthOptions,
  type AuthResult,
  authenticate,
  createAuthenticator,
  grantedScopes,
} from './authenticate.js';
export { bearerChallenge } from './challenge.js';
export {
  type CookieOptions,
  type CookieTarget,
  clearTokenCookie,
  createCSRFToken,
  DEFAULT_CSRF_COOKIE,
  DEFAULT_CSRF_HEADER,
  DEFAULT_TOKEN_COOKIE,
  setCSRFCookie,
  setTokenCookie,
  tokenCookie,
} from './cookies.js';
export type { CSRFOptions } from './csrf.js';
export type { DPoPAuthOptions, DPoPAuthResult } from './dpop.js';
export {
  AuthError,
  type AuthErrorCode,
  type AuthErrorResponse,
  type BearerErrorName,
  type ChallengeContext,
} from './errors.js';
export type { TokenSource } from './extract.js';
export { withAuth } from './fetch.js';
export type { AuthRequest, HeaderRecord, HeadersLike } from './request.js';
