/**
 * `jwtkit/oak`: middleware for Oak (Deno, and its npm build on Node). The payload goes on
 * `ctx.state.user` and the result on `ctx.state.auth`. A refusal is answered here, like the other
 * adapters answer it: the status, the `WWW-Authenticate` challenge and the JSON body (or what
 * `onError` made of them). It is not thrown: Oak would answer a thrown error as text and, in a
 * default `new Application()`, log `[uncaught application error]` with a stack trace for every
 * 401. A CORS preflight is answered the same way (204) and never reaches the next middleware.
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

/** Writes the AuthError's status, challenge and body on Oak's response. */
function answer(error: AuthError, ctx: OakContextLike): void {
  const { headers, text } = error.serialize();
  const target = ctx.response.headers as Headers;
  for (const [name, value] of Object.entries(headers)) target.set(name, value);
  ctx.response.status = error.status;
  // The serialized text, not the object: Oak would otherwise pick its own content type.
  if (text !== undefined) ctx.response.body = text;
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
      answer(error, ctx);
      return;
    }
    if (auth !== undefined) {
      ctx.state.user = auth.payload;
      ctx.state.auth = auth;
      if (auth.dpop?.nonce !== undefined) (ctx.response.headers as Headers).set('DPoP-Nonce', auth.dpop.nonce);
    }
    await next();
  };
}
