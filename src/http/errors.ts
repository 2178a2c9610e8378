/**
 * The one error every HTTP adapter turns into a response: the status, the RFC 6750 challenge and a
 * JSON body are decided here, once, so that Express, Fastify, Hono, Koa, Oak and plain handlers
 * answer the same request the same way.
 */
import { type ErrorCode, JWTKitError } from '../errors.js';
import { bearerChallenge } from './challenge.js';

/** The codes an {@link AuthError} carries. */
export type AuthErrorCode = Extract<
  ErrorCode,
  | 'ERR_AUTH_MISSING'
  | 'ERR_AUTH_INVALID_REQUEST'
  | 'ERR_AUTH_INVALID_TOKEN'
  | 'ERR_AUTH_INSUFFICIENT_SCOPE'
  | 'ERR_AUTH_FORBIDDEN'
  | 'ERR_AUTH_CSRF'
  | 'ERR_AUTH_UNAVAILABLE'
  | 'ERR_AUTH_PREFLIGHT'
>;

/** The RFC 6750 §3.1 error codes, and the two bodies that have none in the challenge. */
export type BearerErrorName = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** What an adapter sends for an {@link AuthError}; the `onError` option may reshape it. */
export interface AuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Spec {
  readonly status: 204 | 400 | 401 | 403 | 503;
  readonly error: BearerErrorName | undefined;
  /** Whether the answer carries a `WWW-Authenticate` challenge. */
  readonly challenge: boolean;
  readonly name: string;
}

const SPECS: Record<AuthErrorCode, Spec> = {
  ERR_AUTH_MISSING: { status: 401, error: undefined, challenge: true, name: 'unauthorized' },
  ERR_AUTH_INVALID_REQUEST: { status: 400, error: 'invalid_request', challenge: true, name: 'invalid_request' },
  ERR_AUTH_INVALID_TOKEN: { status: 401, error: 'invalid_token', challenge: true, name: 'invalid_token' },
  ERR_AUTH_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope', challenge: true, name: 'insufficient_scope' },
  ERR_AUTH_FORBIDDEN: { status: 403, error: 'insufficient_scope', challenge: true, name: 'insufficient_scope' },
  ERR_AUTH_CSRF: { status: 403, error: undefined, challenge: false, name: 'csrf_failed' },
  // The keys or the revocation list could not be reached: the token was not judged, so it is not
  // called invalid (a client would throw a good token away); fail closed, and say to retry.
  ERR_AUTH_UNAVAILABLE: { status: 503, error: undefined, challenge: false, name: 'temporarily_unavailable' },
  // Not a failure: the answer to a CORS preflight, which must never reach the handler (entry 40).
  // Thrown like the others so that code that only knows "result or AuthError" cannot run the
  // handler for it; 204 without any Access-Control-* header grants nothing.
  ERR_AUTH_PREFLIGHT: { status: 204, error: undefined, challenge: false, name: 'preflight' },
};

/**
 * Authentication or authorization failed. `status`, `headers` (with `WWW-Authenticate`) and `body`
 * are ready to send; `expose` is true because the message is written for clients. The verification
 * error behind an invalid token is kept in `cause`, for logs, and never sent.
 *
 * @example
 * ```ts
 * try {
 *   const auth = await authenticate(request);
 * } catch (error) {
 *   if (error instanceof AuthError) return error.toResponse();
 *   throw error;
 * }
 * ```
 */
export class AuthError extends JWTKitError {
  declare readonly code: AuthErrorCode;
  /** HTTP status: 400, 401, 403, 503 when the keys or revocation list could not be reached, or 204 for a CORS preflight. */
  status: number;
  /** The same, under the name Fastify and http-errors use. */
  statusCode: number;
  /** Safe to show the message to the client (Koa, Oak and http-errors read this). */
  readonly expose = true;
  /** The RFC 6750 error code sent in the challenge, where there is one. */
  readonly error: BearerErrorName | undefined;
  /** Scopes the request needed (for `insufficient_scope`). */
  readonly scope: readonly string[] | undefined;
  /** Response headers: the `WWW-Authenticate` challenge. */
  headers: Record<string, string>;
  /** The JSON body: `{ error, error_description, code }` unless reshaped by `onError`. */
  body: unknown;

  constructor(code: AuthErrorCode, description: string, options: { realm: string; scope?: readonly string[]; cause?: unknown }) {
    super(code, description, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = SPECS[code];
    this.status = spec.status;
    this.statusCode = spec.status;
    this.error = spec.error;
    this.scope = options.scope;
    this.headers = spec.challenge
      ? {
          'WWW-Authenticate': bearerChallenge(options.realm, {
            error: spec.error,
            error_description: spec.error === undefined ? undefined : description,
            scope: options.scope?.join(' '),
          }),
        }
      : {};
    this.body = code === 'ERR_AUTH_PREFLIGHT' ? undefined : { error: spec.name, error_description: description, code };
  }

  /** Whether this is the answer to a CORS preflight (204, no body) rather than a refusal. */
  get preflight(): boolean {
    return this.code === 'ERR_AUTH_PREFLIGHT';
  }

  /** Applies an `onError` hook's answer: fields it leaves out keep their defaults. */
  reshape(shaped: Partial<AuthErrorResponse> | undefined): this {
    if (shaped === undefined) return this;
    if (shaped.status !== undefined) {
      this.status = shaped.status;
      this.statusCode = shaped.status;
    }
    if (shaped.headers !== undefined) this.headers = shaped.headers;
    if ('body' in shaped) this.body = shaped.body;
    return this;
  }

  /** The headers and body text to send: the challenge, plus `Content-Type` when the body is JSON. */
  serialize(): { headers: Record<string, string>; text: string | undefined } {
    if (this.body === undefined || typeof this.body === 'string') return { headers: this.headers, text: this.body };
    return { headers: { ...this.headers, 'Content-Type': 'application/json' }, text: JSON.stringify(this.body) };
  }

  /** A Web `Response` with the status, the challenge and the body. */
  toResponse(): Response {
    const { headers, text } = this.serialize();
    return new Response(text ?? null, { status: this.status, headers });
  }
}
