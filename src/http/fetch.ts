/**
 * `withAuth` for Web `fetch` handlers: Deno.serve, Bun.serve, Cloudflare Workers and any
 * `(Request) => Response` server. Unauthenticated requests are answered here; the handler gets
 * the verified result as its second argument.
 */
import type { JWTPayload } from '../index.js';
import { type AuthOptions, type AuthResult, createAuthenticator } from './authenticate.js';
import { AuthError } from './errors.js';

/** Adds `DPoP-Nonce` to the handler's response; a response with immutable headers (a fetched one) is copied. */
function withNonce(response: Response, nonce: string): Response {
  try {
    response.headers.set('DPoP-Nonce', nonce);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set('DPoP-Nonce', nonce);
    return copy;
  }
}

/**
 * Wraps a fetch handler so that it runs only for authenticated requests (or anonymous ones, with
 * `credentialsRequired: false`). Other arguments (Deno's info, Bun's server, a Worker's env and
 * context) are passed through after the result.
 *
 * @example
 * ```ts
 * Deno.serve(withAuth((request, auth) => Response.json({ user: auth?.payload.sub }), {
 *   key: secret,
 *   algorithms: ['HS256'],
 * }));
 * ```
 */
export function withAuth<P extends object = JWTPayload, A extends unknown[] = []>(
  handler: (request: Request, auth: AuthResult<P> | undefined, ...rest: A) => Response | Promise<Response>,
  options: AuthOptions<P>,
): (request: Request, ...rest: A) => Promise<Response> {
  const authenticate = createAuthenticator(options);
  return async (request, ...rest) => {
    let auth: AuthResult<P> | undefined;
    try {
      auth = await authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) return error.toResponse();
      throw error;
    }
    const response = await handler(request, auth, ...rest);
    return auth?.dpop?.nonce === undefined ? response : withNonce(response, auth.dpop.nonce);
  };
}
