/**
 * The one error every HTTP adapter turns into a response: the status, the RFC 6750 challenge and a
 * JSON body are decided here, once, so that Express, Fastify, Hono, Koa, Oak and plain handlers
 * answer the same request the same way.
 */
import { type ErrorCode, JWTKitError } from '../errors.js';
import { bearerChallenge, dpopChallenge } from './challenge.js';

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
  | 'ERR_DPOP_PROOF_INVALID'
  | 'ERR_DPOP_NONCE_REQUIRED'
>;

/** The RFC 6750 §3.1 error codes, and RFC 9449 §7.1's two for DPoP proofs. */
export type BearerErrorName =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/**
 * The schemes a resource accepts, for its challenges (RFC 9449 §7.1): Bearer, DPoP (with its
 * `algs`) or both, the one the error is reported in (the scheme the request used), and the server
 * nonce to send in `DPoP-Nonce`.
 */
export interface ChallengeContext {
  readonly bearer: boolean;
  /** The DPoP challenge's `algs` when DPoP is accepted. */
  readonly dpopAlgs: string | undefined;
  readonly scheme: 'Bearer' | 'DPoP';
  readonly nonce?: string;
}

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
  ERR_DPOP_PROOF_INVALID: { status: 401, error: 'invalid_dpop_proof', challenge: true, name: 'invalid_dpop_proof' },
  ERR_DPOP_NONCE_REQUIRED: { status: 401, error: 'use_dpop_nonce', challenge: true, name: 'use_dpop_nonce' },
};

const BEARER_ONLY: ChallengeContext = { bearer: true, dpopAlgs: undefined, scheme: 'Bearer' };

/** The WWW-Authenticate value: one challenge per accepted scheme, the error in the request's scheme. */
function challenges(realm: string, context: ChallengeContext, params: Record<string, string | undefined>): string {
  const list: string[] = [];
  if (context.bearer) list.push(bearerChallenge(realm, context.scheme === 'Bearer' ? params : {}));
  if (context.dpopAlgs !== undefined) list.push(dpopChallenge(realm, context.dpopAlgs, context.scheme === 'DPoP' ? params : {}));
  return list.join(', ');
}

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

  constructor(
    code: AuthErrorCode,
    description: string,
    options: { realm: string; scope?: readonly string[]; cause?: unknown; challenge?: ChallengeContext },
  ) {
    super(code, description, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = SPECS[code];
    this.status = spec.status;
    this.statusCode = spec.status;
    this.error = spec.error;
    this.scope = options.scope;
    const context = options.challenge ?? BEARER_ONLY;
    this.headers = spec.challenge
      ? {
          'WWW-Authenticate': challenges(options.realm, context, {
            error: spec.error,
            error_description: spec.error === undefined ? undefined : description,
            scope: options.scope?.join(' '),
          }),
        }
      : {};
    if (context.nonce !== undefined) this.headers['DPoP-Nonce'] = context.nonce;
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
