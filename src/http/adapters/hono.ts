/**
 * `jwtkit/hono`: middleware for Hono on Node, Deno, Bun and Workers. The payload is
 * `c.get('jwtPayload')` and the result `c.get('jwtAuth')`; a failure is an `HTTPException`
 * carrying the ready response (status, challenge, JSON body). A CORS preflight is answered here
 * (204) and never reaches the handler; `hono/cors` mounted before this middleware answers it first.
 */
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { JWTPayload } from '../../index.js';
import { type AuthOptions, type AuthResult, createAuthenticator } from '../authenticate.js';
import { AuthError } from '../errors.js';

/** The context variables the middleware sets: `Hono<{ Variables: JwtVariables<MyClaims> }>`. */
export type JwtVariables<P extends object = JWTPayload> = {
  jwtPayload: P & JWTPayload;
  jwtAuth: AuthResult<P>;
};

/**
 * Authentication middleware.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { jwtAuth, type JwtVariables } from 'jwtkit/hono';
 *
 * const app = new Hono<{ Variables: JwtVariables }>();
 * app.use('/api/*', jwtAuth({ key: secret, algorithms: ['HS256'] }));
 * app.get('/api/me', (c) => c.json({ user: c.get('jwtPayload').sub }));
 * ```
 */
export function jwtAuth<P extends object = JWTPayload>(
  options: AuthOptions<P>,
): MiddlewareHandler<{ Variables: JwtVariables<P> }> {
  const authenticate = createAuthenticator(options);
  return async (c, next) => {
    let auth: AuthResult<P> | undefined;
    try {
      auth = await authenticate(c.req.raw);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      if (error.preflight) return error.toResponse();
      throw new HTTPException(error.status as 400 | 401 | 403, { res: error.toResponse(), message: error.message, cause: error });
    }
    if (auth !== undefined) {
      c.set('jwtPayload', auth.payload);
      c.set('jwtAuth', auth);
      if (auth.dpop?.nonce !== undefined) c.header('DPoP-Nonce', auth.dpop.nonce);
    }
    await next();
  };
}
