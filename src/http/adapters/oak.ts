/**
 * `jwtkit/oak`: middleware for Oak (Deno). The payload goes on `ctx.state.user` and the result on
 * `ctx.state.auth`. Oak clears the response headers before it answers a thrown error and copies
 * only the error's own `headers` when they are a `Headers` instance, so the challenge travels there.
 * A CORS preflight is answered here (204) and never reaches the next middleware.
 */
import type { JWTPayload } from '../../index.js';
import { type AuthOptions, type AuthResult, createAuthenticator } from '../authenticate.js';
import { AuthError } from '../errors.js';
import type { HeadersLike } from '../request.js';

/** What the middleware reads and writes of an Oak context. */
export interface OakContextLike {
  request: { method: string; headers: HeadersLike; url: URL };
  response: { headers: object; status: number; body?: unknown };
  state: Record<string, unknown>;
}

/** `ctx.state` after {@link jwtAuth}. */
export interface AuthState<P extends object = JWTPayload> {
  user?: P & JWTPayload;
  auth?: AuthResult<P>;
}

/** Oak reads `status`, `expose` and `headers` of a thrown error; the headers must be a `Headers` instance. */
function forOak(error: AuthError, ctx: OakContextLike): AuthError {
  // Oak tests `instanceof Headers` against its own class: the global one in its Deno build, undici's
  // in its npm build. The response's headers are made by that class, so the copy is too.
  const HeadersClass = ctx.response.headers.constructor as typeof Headers;
  const headers = new HeadersClass(error.headers);
  Object.defineProperty(error, 'headers', { value: headers, writable: true, enumerable: true, configurable: true });
  return error;
}

/**
 * Authentication middleware.
 *
 * @example
 * ```ts
 * import { Application } from '@oakserver/oak';
 * import { jwtAuth } from 'jwtkit/oak';
 *
 * const app = new Application();
 * app.use(jwtAuth({ key: secret, algorithms: ['HS256'] }));
 * app.use((ctx) => { ctx.response.body = { user: ctx.state.user.sub }; });
 * ```
 */
export function jwtAuth<P extends object = JWTPayload>(
  options: AuthOptions<P>,
): (ctx: OakContextLike, next: () => Promise<unknown>) => Promise<void> {
  const authenticate = createAuthenticator(options);
  return async (ctx, next) => {
    let auth: AuthResult<P> | undefined;
    try {
      const { method, headers, url } = ctx.request;
      auth = await authenticate({ method, headers, url });
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      if (!error.preflight) throw forOak(error, ctx);
      const headers = ctx.response.headers as Headers;
      for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
      ctx.response.status = error.status;
      return;
    }
    if (auth !== undefined) {
      ctx.state.user = auth.payload;
      ctx.state.auth = auth;
    }
    await next();
  };
}
