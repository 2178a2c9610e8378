// What every test app serves, free of node:test so that a worker bundle can import it.
import { type JWTPayload, StoreUnavailableError } from 'jwtkit';
import type { AuthOptions } from 'jwtkit/http';

export const ISSUER = 'https://issuer.test';
export const SECRET = new TextEncoder().encode('jwtkit http adapter tests: a 64-byte HMAC secret, never in prod!');
export const REALM = 'test "realm"';

const base: AuthOptions = {
  key: SECRET,
  algorithms: ['HS256'],
  issuer: ISSUER,
  audience: 'api',
  realm: REALM,
  cookie: true,
  // jti "store-down" plays a revocation store that cannot be reached.
  isRevoked: (payload) => {
    if (payload.jti === 'store-down') throw new StoreUnavailableError('the test store is down');
    return payload.jti === 'revoked';
  },
};

/** The options of each route every test app mounts: GET and POST /protected, GET /optional, /scoped and /admin. */
export const ROUTES = {
  protected: base,
  optional: { ...base, credentialsRequired: false },
  scoped: { ...base, requiredScopes: ['write:things'] },
  admin: { ...base, requireClaims: (payload: JWTPayload) => payload.role === 'admin' },
} satisfies Record<string, AuthOptions>;

/** What every route answers once authenticated (or let through anonymously). */
export function answer(auth: { payload: JWTPayload; source: string } | undefined): { sub: string | null; source: string | null } {
  return { sub: auth?.payload.sub ?? null, source: auth?.source ?? null };
}

export interface Server {
  url: string;
  close(): Promise<void>;
}
