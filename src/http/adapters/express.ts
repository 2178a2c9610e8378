/**
 * `jwtkit/express`: middleware for Express 4 and 5. The result goes on `req.auth`; failures go to
 * `next(err)` with `status`, `headers` (the challenge) and `body`, so Express's own error handler
 * sends the right status and `WWW-Authenticate`, and `authErrorHandler()` sends the JSON body.
 * A CORS preflight is answered here (204), never passed on: with `app.all` or `app.options` the
 * handler would otherwise run unauthenticated. Mount `cors()` before this middleware.
 */
import type { Request as ExpressRequest, NextFunction, RequestHandler, Response } from 'express';
import type { JWTPayload } from '../../index.js';
import { type AuthOptions, type AuthResult, createAuthenticator } from '../authenticate.js';
import { AuthError } from '../errors.js';

/** An Express request after {@link jwtAuth}: `auth` is set unless the request was anonymous. */
export type Request<P extends object = JWTPayload> = ExpressRequest & { auth?: AuthResult<P> };

function send(res: Response, error: AuthError): void {
  res.status(error.status).set(error.headers);
  if (error.body === undefined) res.end();
  else if (typeof error.body === 'string') res.send(error.body);
  else res.json(error.body);
}

/**
 * Authentication middleware. Express 4 does not catch rejected promises, so every failure is
 * passed to `next` here.
 *
 * @example
 * ```ts
 * import { authErrorHandler, jwtAuth, type Request } from 'jwtkit/express';
 *
 * app.get('/me', jwtAuth({ key: secret, algorithms: ['HS256'] }), (req: Request, res) => {
 *   res.json({ user: req.auth?.payload.sub });
 * });
 * app.use(authErrorHandler());
 * ```
 */
export function jwtAuth<P extends object = JWTPayload>(options: AuthOptions<P>): RequestHandler {
  const authenticate = createAuthenticator(options);
  return (req, res, next) => {
    authenticate(req).then(
      (auth) => {
        if (auth !== undefined) (req as Request<P>).auth = auth;
        if (auth?.dpop?.nonce !== undefined) res.set('DPoP-Nonce', auth.dpop.nonce);
        next();
      },
      // Express's error path turns any status under 400 into 500: a preflight is answered here.
      (error: unknown) => (error instanceof AuthError && error.preflight ? send(res, error) : next(error)),
    );
  };
}

/**
 * Error middleware that answers an AuthError with its status, challenge and JSON body, and passes
 * every other error on.
 *
 * @example
 * ```ts
 * app.use(authErrorHandler());
 * ```
 */
export function authErrorHandler(): (error: unknown, req: ExpressRequest, res: Response, next: NextFunction) => void {
  return (error, _req, res, next) => {
    if (!(error instanceof AuthError) || res.headersSent) {
      next(error);
      return;
    }
    send(res, error);
  };
}
