/**
 * `jwtkit/koa`: middleware for Koa. The payload goes on `ctx.state.user` and the whole result on
 * `ctx.state.auth`; a failure is thrown with `status`, `expose` and `headers`, which Koa's error
 * handling sends (the status, the challenge and the message). A CORS preflight is answered here
 * (204) and never reaches the next middleware; `@koa/cors` mounted before this one answers it first.
 */
import type { JWTPayload } from '../../index.js';
import { type AuthOptions, type AuthResult, createAuthenticator } from '../authenticate.js';
import { AuthError } from '../errors.js';
import type { HeaderRecord } from '../request.js';

/** What the middleware reads and writes of a Koa context. */
export interface KoaContextLike {
  method: string;
  headers: HeaderRecord;
  url: string;
  /** The URL before a mounted router cut its prefix (koa-mount): what a DPoP proof's htu names. */
  originalUrl?: string;
  req: { rawHeaders: string[] };
  state: Record<string, unknown>;
  status: number;
  body: unknown;
  set(headers: Record<string, string>): void;
}

/** `ctx.state` after {@link jwtAuth}. */
export interface AuthState<P extends object = JWTPayload> {
  user?: P & JWTPayload;
  auth?: AuthResult<P>;
}

/**
 * Authentication middleware.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { jwtAuth } from 'jwtkit/koa';
 *
 * const app = new Koa();
 * app.use(jwtAuth({ key: secret, algorithms: ['HS256'] }));
 * app.use((ctx) => { ctx.body = { user: ctx.state.user.sub }; });
 * ```
 */
export function jwtAuth<P extends object = JWTPayload>(
  options: AuthOptions<P>,
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void> {
  const authenticate = createAuthenticator(options);
  return async (ctx, next) => {
    let auth: AuthResult<P> | undefined;
    try {
      auth = await authenticate({
        method: ctx.method,
        headers: ctx.headers,
        rawHeaders: ctx.req.rawHeaders,
        url: ctx.originalUrl ?? ctx.url,
      });
    } catch (error) {
      if (!(error instanceof AuthError && error.preflight)) throw error;
      // Koa's error path answers only statuses of 400 and above: a preflight is answered here.
      ctx.set(error.headers);
      ctx.status = error.status;
      ctx.body = null;
      return;
    }
    if (auth !== undefined) {
      ctx.state.user = auth.payload;
      ctx.state.auth = auth;
      if (auth.dpop?.nonce !== undefined) ctx.set({ 'DPoP-Nonce': auth.dpop.nonce });
    }
    await next();
  };
}
