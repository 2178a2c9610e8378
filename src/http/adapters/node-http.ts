/**
 * `jwtkit/node-http`: `withAuth` for plain node:http handlers. The result goes on `req.auth`;
 * unauthenticated requests are answered here with the status, challenge and JSON body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWTPayload } from '../../index.js';
import { type AuthOptions, type AuthResult, authenticateNowOf, createAuthenticator } from '../authenticate.js';
import { AuthError } from '../errors.js';

/** A node:http request after {@link withAuth}: `auth` is set unless the request was anonymous. */
export type AuthenticatedRequest<P extends object = JWTPayload> = IncomingMessage & { auth?: AuthResult<P> };

/** Writes an AuthError as the response. */
export function sendAuthError(res: ServerResponse, error: AuthError): void {
  const { headers, text } = error.serialize();
  if (text === undefined) res.writeHead(error.status, headers).end();
  else res.writeHead(error.status, { ...headers, 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function failed(res: ServerResponse, error: unknown): void {
  console.error('jwtkit/node-http: the request could not be answered', error);
  if (res.headersSent) res.destroy();
  else res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"server_error"}');
}

const DONE: Promise<void> = Promise.resolve();
const NOTHING = (): void => undefined;

/**
 * Wraps a node:http request listener so that it runs only for authenticated requests; a CORS
 * preflight is answered 204 without it. A failure that is not the client's (a revocation check
 * that throws) is answered 500 and logged, and so is a handler that throws or rejects: node:http
 * has no error handler, and an unhandled rejection would end the process.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { withAuth } from 'jwtkit/node-http';
 *
 * createServer(withAuth((req, res) => res.end(`hello ${req.auth?.payload.sub}`), {
 *   key: secret,
 *   algorithms: ['HS256'],
 * })).listen(3000, '127.0.0.1');
 * ```
 */
export function withAuth<P extends object = JWTPayload>(
  handler: (req: AuthenticatedRequest<P>, res: ServerResponse) => unknown,
  options: AuthOptions<P>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const authenticate = authenticateNowOf(createAuthenticator(options));
  const refused = (res: ServerResponse, error: unknown): void => {
    // node:http has no error handler of its own: an async listener that throws ends the process.
    if (error instanceof AuthError) sendAuthError(res, error);
    else failed(res, error);
  };
  const serve = (req: IncomingMessage, res: ServerResponse, auth: AuthResult<P> | undefined): unknown => {
    const request = req as AuthenticatedRequest<P>;
    if (auth !== undefined) request.auth = auth;
    if (auth?.dpop?.nonce !== undefined) res.setHeader('DPoP-Nonce', auth.dpop.nonce);
    return handler(request, res);
  };
  // Whatever the handler does, thrown or rejected, ends in `failed`, never in an unhandled rejection.
  const settled = (res: ServerResponse, outcome: () => unknown): Promise<void> => {
    let value: unknown;
    try {
      value = outcome();
    } catch (error) {
      failed(res, error);
      return DONE;
    }
    if (typeof (value as { then?: unknown } | null | undefined)?.then === 'function')
      return Promise.resolve(value).then(NOTHING, (error: unknown) => failed(res, error));
    return DONE;
  };
  return (req, res) => {
    let auth: ReturnType<typeof authenticate>;
    try {
      auth = authenticate(req);
    } catch (error) {
      return settled(res, () => refused(res, error));
    }
    // A cache hit (or any answer ready at once) serves the request in this turn, with no promise.
    if (!(auth instanceof Promise)) return settled(res, () => serve(req, res, auth));
    return auth
      .then(
        (ready) => serve(req, res, ready),
        (error) => refused(res, error),
      )
      .then(NOTHING)
      .catch((error: unknown) => failed(res, error));
  };
}
