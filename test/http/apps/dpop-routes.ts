// What every DPoP test app serves, free of any framework so that Deno's Oak app can import it. The
// public base URL is a name the servers are never reached by (they listen on 127.0.0.1): a proof's
// htu must name it, whatever the Host header says.
import { createDPoPNonces } from 'jwtkit';
import type { AuthOptions, AuthResult } from 'jwtkit/http';
import { ISSUER, SECRET } from './routes.js';

export const PUBLIC_BASE = 'https://api.example.test';
export const NONCE_SECRET = 'a DPoP nonce secret of 32 bytes or more, tests only';
export const DPOP_ALGS = ['ES256', 'EdDSA', 'RS256', 'PS256'];

const base: AuthOptions = { key: SECRET, algorithms: ['HS256'], issuer: ISSUER, audience: 'api', realm: 'api' };

/** Each route's options: DPoP or Bearer; DPoP only; DPoP only with server nonces. */
export const DPOP_ROUTES = {
  dpop: { ...base, dpop: { baseURL: PUBLIC_BASE, algorithms: DPOP_ALGS } },
  'dpop-only': { ...base, dpop: { baseURL: PUBLIC_BASE, algorithms: DPOP_ALGS, required: true } },
  'dpop-nonce': {
    ...base,
    dpop: { baseURL: PUBLIC_BASE, algorithms: DPOP_ALGS, required: true, nonces: createDPoPNonces({ secret: NONCE_SECRET }) },
  },
} satisfies Record<string, AuthOptions>;

/** What every route answers: the subject, the token's source and the proof key's thumbprint. */
export function dpopAnswer(auth: AuthResult | undefined): { sub: unknown; source: unknown; jkt: unknown } {
  return { sub: auth?.payload.sub ?? null, source: auth?.source ?? null, jkt: auth?.dpop?.jkt ?? null };
}
