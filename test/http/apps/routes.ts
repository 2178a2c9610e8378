// What every test app serves, free of node:test so that a worker bundle can import it.
import { type JWTPayload, StoreUnavailableError } from 'jwtkit';
import type { AuthOptions, CookieOptions } from 'jwtkit/http';
import { createRevocationList } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';

export const ISSUER = 'https://issuer.test';
export const SECRET = new TextEncoder().encode('jwtkit http adapter tests: a 64-byte HMAC secret, never in prod!');
export const REALM = 'test "realm"';

// A real revocation list, so that claims it cannot use (`sid: 5`, `jti: ""`) reach its own checks.
const revocations = createRevocationList(createMemoryStore({ max: 1000 }));

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
    return payload.jti === 'revoked' || revocations.isRevoked(payload);
  },
};

/** The options of each route every test app mounts: GET and POST /protected, GET /optional, /scoped and /admin. */
export const ROUTES = {
  protected: base,
  optional: { ...base, credentialsRequired: false },
  scoped: { ...base, requiredScopes: ['write:things'] },
  admin: { ...base, requireClaims: (payload: JWTPayload) => payload.role === 'admin' },
} satisfies Record<string, AuthOptions>;

/** Every other path (any method): credentials optional, the token may also come from `?access_token=`. */
export const FALLBACK: AuthOptions = { ...base, credentialsRequired: false, query: 'access_token' };

/** A token to store in a cookie (never verified: the login routes only write it). */
export const LOGIN_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl';

/** The login routes every app mounts (GET): each sets the token cookie with these options and the request. */
export const LOGINS = {
  '/login': {},
  '/login-auto': { secure: 'auto' },
  '/login-trust': { secure: 'auto', trustProxy: true },
} satisfies Record<string, CookieOptions>;

/** The first path segment, without parsing the target (which may be no URL at all). */
export function pathOf(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** What every route answers once authenticated (or let through anonymously). */
export function answer(auth: { payload: JWTPayload; source: string } | undefined): { sub: string | null; source: string | null } {
  return { sub: auth?.payload.sub ?? null, source: auth?.source ?? null };
}

export interface Server {
  url: string;
  close(): Promise<void>;
}
