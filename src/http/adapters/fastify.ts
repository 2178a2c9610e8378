/**
 * `jwtkit/fastify`: a Fastify 5 plugin (through fastify-plugin, so its decorations are visible to
 * the whole app). It decorates `request.jwtVerify()`, `reply.jwtSign()`, `request.user`,
 * `request.auth` and `fastify.authenticate` for `onRequest`. A failure is thrown as an AuthError
 * with `statusCode` and `headers`, which Fastify's error handler sends with its usual JSON body.
 * The hooks answer a CORS preflight themselves (204), so that it never reaches the route handler;
 * a handler's own `request.jwtVerify()` refuses one with 403 (see {@link preflightRefusal}).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  createSigner,
  InvalidOptionError,
  type JWTPayload,
  type SignerOptions,
  type SignJWTOptions,
  signJWT,
} from '../../index.js';
import { type Authenticator, type AuthOptions, type AuthResult, createAuthenticator } from '../authenticate.js';
import { AuthError } from '../errors.js';

/**
 * Runs a verification for an `onRequest` hook. Fastify's error handler answers any status under
 * 400 with 500, so a preflight is sent from here, and the route handler never runs for it.
 */
async function hook(verify: () => Promise<unknown>, reply: FastifyReply): Promise<FastifyReply | undefined> {
  try {
    await verify();
    const nonce = reply.request.auth?.dpop?.nonce;
    if (nonce !== undefined) reply.header('DPoP-Nonce', nonce);
    return undefined;
  } catch (error) {
    if (!(error instanceof AuthError && error.preflight)) throw error;
    // An async hook that answers returns the reply, or Fastify goes on to the handler.
    return reply.code(error.status).headers(error.headers).send();
  }
}

/**
 * What a handler's own `request.jwtVerify()` throws for a CORS preflight. The handler is running
 * already, so only a throw stops it, and Fastify's error handler answers any status under 400 with
 * 500: the preflight is refused with 403 instead, which fails it as cleanly as a 204 without a CORS
 * grant does. A status of 400 or more chosen by `onError` is kept, and so are its headers.
 */
function preflightRefusal(error: AuthError): AuthError {
  if (error.status >= 400) return error;
  const description =
    'CORS preflight refused: this handler authenticates with request.jwtVerify(); let @fastify/cors answer preflights, or authenticate in the onRequest hook (app.authenticate), which answers them 204';
  return new AuthError('ERR_AUTH_PREFLIGHT', description, { realm: 'api', cause: error }).reshape({
    status: 403,
    headers: error.headers,
    body: { error: 'preflight', error_description: description, code: 'ERR_AUTH_PREFLIGHT' },
  });
}

/**
 * Declaration merging point for your claim types, as with `@fastify/jwt`:
 *
 * ```ts
 * declare module 'jwtkit/fastify' {
 *   interface FastifyJWT { payload: { sub: string; role: 'admin' | 'user' } }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by users through declaration merging
export interface FastifyJWT {}

/** The claims type: `FastifyJWT['payload']` when declared, else {@link JWTPayload}. */
export type UserPayload = FastifyJWT extends { payload: infer P extends object } ? P & JWTPayload : JWTPayload;

export interface FastifyJwtkitOptions extends AuthOptions<UserPayload> {
  /** Key and defaults for `reply.jwtSign()`; without it `jwtSign` throws. */
  sign?: SignerOptions;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Verifies the request's token; sets and returns `request.user` (undefined when anonymous is allowed). */
    jwtVerify(): Promise<UserPayload | undefined>;
    /** The verified claims, after `jwtVerify()`. */
    user: UserPayload | undefined;
    /** The whole result (payload, header, token, source), after `jwtVerify()`. */
    auth: AuthResult<UserPayload> | undefined;
  }
  interface FastifyReply {
    /** Signs claims with the plugin's `sign` key and defaults (per-call options override them). */
    jwtSign(claims: object, options?: SignJWTOptions): Promise<string>;
  }
  interface FastifyInstance {
    /** An `onRequest` hook that refuses unauthenticated requests. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
    /**
     * An `onRequest` hook with options of its own over the plugin's (`requiredScopes`,
     * `requireClaims`, `credentialsRequired`, ...): build it once per route.
     */
    jwtAuth(
      options: Partial<AuthOptions<UserPayload>>,
    ): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  }
}

const plugin: FastifyPluginAsync<FastifyJwtkitOptions> = async (fastify, options) => {
  // Fastify's own register options (encapsulation, logging) arrive here too; they are not ours to check.
  const {
    sign,
    prefix: _prefix,
    logLevel: _level,
    logSerializers: _serializers,
    ...authOptions
  } = options as FastifyJwtkitOptions & Record<'prefix' | 'logLevel' | 'logSerializers', unknown>;
  const signer = sign === undefined ? undefined : createSigner(sign);

  const verifyWith = (authenticate: Authenticator<UserPayload>) =>
    async function jwtVerify(this: FastifyRequest): Promise<UserPayload | undefined> {
      const auth = await authenticate({
        method: this.method,
        headers: this.headers,
        rawHeaders: this.raw.rawHeaders,
        url: this.url,
      });
      this.auth = auth;
      this.user = auth?.payload;
      return this.user;
    };
  const verify = verifyWith(createAuthenticator<UserPayload>(authOptions));
  // The hooks get the preflight as it is (they answer it 204); a handler's own call gets a refusal it can throw.
  async function jwtVerify(this: FastifyRequest): Promise<UserPayload | undefined> {
    try {
      return await verify.call(this);
    } catch (error) {
      throw error instanceof AuthError && error.preflight ? preflightRefusal(error) : error;
    }
  }

  fastify.decorateRequest('user', undefined);
  fastify.decorateRequest('auth', undefined);
  fastify.decorateRequest('jwtVerify', jwtVerify);
  fastify.decorateReply('jwtSign', async (claims: object, callOptions?: SignJWTOptions) => {
    if (sign === undefined || signer === undefined)
      throw new InvalidOptionError('sign', 'give the plugin a sign key to use reply.jwtSign()');
    if (callOptions === undefined) return signer(claims as JWTPayload);
    const { key, ...defaults } = sign;
    return signJWT(claims, key, { ...defaults, ...callOptions });
  });
  fastify.decorate('authenticate', (request: FastifyRequest, reply: FastifyReply) => hook(() => verify.call(request), reply));
  fastify.decorate('jwtAuth', (overrides: Partial<AuthOptions<UserPayload>>) => {
    const verify = verifyWith(createAuthenticator<UserPayload>({ ...authOptions, ...overrides }));
    return (request: FastifyRequest, reply: FastifyReply) => hook(() => verify.call(request), reply);
  });
};

/**
 * The plugin.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import jwtkit from 'jwtkit/fastify';
 *
 * const app = Fastify();
 * await app.register(jwtkit, { key: secret, algorithms: ['HS256'], sign: { key: secret, expiresIn: '15m' } });
 * app.get('/me', { onRequest: [app.authenticate] }, async (request) => ({ user: request.user?.sub }));
 * ```
 */
export const fastifyJwtkit = fp(plugin, { fastify: '5.x', name: 'jwtkit' });
export default fastifyJwtkit;
