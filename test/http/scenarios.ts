// The requests every adapter must answer the same way, sent to a real server of that framework on
// 127.0.0.1: the exact status, challenge and body for no token, another scheme, two tokens, a
// malformed, forged, expired, not-yet-valid, wrong-audience or revoked token, a revocation store
// that cannot be reached (503), a missing scope, a
// valid header or cookie, and cookie requests with and without CSRF proof. Never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type JWTPayload, signJWT } from 'jwtkit';
import { ISSUER, SECRET, type Server } from './apps/routes.js';

/** How a framework writes an AuthError's body: our JSON, Fastify's error JSON, or Koa's and Oak's message text. */
export type BodyStyle = 'json' | 'fastify' | 'text';

export type { Server };

const now = () => Math.floor(Date.now() / 1000);

function token(claims: JWTPayload = {}): Promise<string> {
  return signJWT({ sub: 'ada', iss: ISSUER, aud: 'api', iat: now(), exp: now() + 600, jti: 'ok', ...claims }, SECRET, {
    alg: 'HS256',
  });
}

const REASONS = {
  missing: ['ERR_AUTH_MISSING', 'unauthorized', 'Authentication required'],
  invalid: ['ERR_AUTH_INVALID_TOKEN', 'invalid_token', 'The access token is invalid'],
  expired: ['ERR_AUTH_INVALID_TOKEN', 'invalid_token', 'The access token expired'],
  revoked: ['ERR_AUTH_INVALID_TOKEN', 'invalid_token', 'The access token was revoked'],
  request: ['ERR_AUTH_INVALID_REQUEST', 'invalid_request', undefined],
  scope: ['ERR_AUTH_INSUFFICIENT_SCOPE', 'insufficient_scope', 'The access token does not grant the required scope'],
  forbidden: ['ERR_AUTH_FORBIDDEN', 'insufficient_scope', 'The access token does not grant access to this resource'],
  csrf: ['ERR_AUTH_CSRF', 'csrf_failed', 'Cross-site request refused: send the CSRF token or use the same origin'],
  unavailable: [
    'ERR_AUTH_UNAVAILABLE',
    'temporarily_unavailable',
    'The access token cannot be checked right now; try again shortly',
  ],
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};
const REALM_PARAM = 'realm="test \\"realm\\""';

interface Expected {
  status: number;
  reason: keyof typeof REASONS;
  /** Extra auth-params expected in the challenge after the error code. */
  scope?: string;
}

async function send(server: Server, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
}

async function expectFailure(response: Response, expected: Expected, style: BodyStyle): Promise<void> {
  const [code, name, fixedDescription] = REASONS[expected.reason];
  const text = await response.text();
  assert.equal(response.status, expected.status, `status (body: ${text.slice(0, 300)})`);
  const header = response.headers.get('www-authenticate');
  const challenge = header ?? '';
  if (expected.reason === 'csrf' || expected.reason === 'unavailable') {
    assert.equal(header, null, `no challenge for ${expected.reason}`);
  } else if (expected.reason === 'missing') {
    assert.equal(challenge, `Bearer ${REALM_PARAM}`);
  } else {
    assert.ok(challenge.startsWith(`Bearer ${REALM_PARAM}, error="${name}"`), `challenge: ${challenge}`);
    if (fixedDescription !== undefined) assert.ok(challenge.includes(`error_description="${fixedDescription}"`), challenge);
    if (expected.scope !== undefined) assert.ok(challenge.endsWith(`, scope="${expected.scope}"`), challenge);
    else assert.ok(!challenge.includes('scope='), challenge);
  }
  const description = fixedDescription ?? /error_description="([^"]*)"/.exec(challenge)?.[1];
  if (style === 'text') {
    assert.equal(text, description);
    return;
  }
  const body = JSON.parse(text);
  if (style === 'fastify')
    assert.deepEqual(body, { statusCode: expected.status, code, error: STATUS_TEXT[expected.status], message: description });
  else assert.deepEqual(body, { error: name, error_description: description, code });
}

async function expectOK(response: Response, expected: { sub: string | null; source: string | null }): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, 200, `status (body: ${text.slice(0, 300)})`);
  assert.deepEqual(JSON.parse(text), expected);
}

/**
 * Registers the scenario tests for one adapter. `start` serves an app with the routes of
 * {@link ROUTES} on 127.0.0.1 and returns its URL.
 */
export function describeAdapter(name: string, style: BodyStyle, start: () => Promise<Server>): void {
  describe(name, () => {
    let server: Server;
    const tokens: Record<string, string> = {};
    before(async () => {
      server = await start();
      tokens.valid = await token();
      tokens.expired = await token({ iat: now() - 1200, exp: now() - 600 });
      tokens.early = await token({ nbf: now() + 600 });
      tokens.audience = await token({ aud: 'other' });
      tokens.revoked = await token({ jti: 'revoked' });
      tokens.storeDown = await token({ jti: 'store-down' });
      tokens.admin = await token({ role: 'admin' });
      tokens.scoped = await token({ scope: 'read:things write:things' });
      const valid = tokens.valid;
      const signature = valid.slice(valid.lastIndexOf('.') + 1);
      const flipped = signature[10] === 'A' ? 'B' : 'A';
      tokens.forged = `${valid.slice(0, valid.lastIndexOf('.') + 1)}${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
    });
    after(() => server?.close());

    const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
    const cookie = (name: string) => ({ cookie: `access_token=${tokens[name]}` });

    it('answers a request without a token 401 with the realm and no error code', async () => {
      await expectFailure(await send(server, '/protected'), { status: 401, reason: 'missing' }, style);
    });
    it('treats another scheme (Basic) as no bearer credentials, even when it carries a valid JWT', async () => {
      for (const credentials of [btoa('ada:secret'), tokens.valid]) {
        const headers = { authorization: `Basic ${credentials}` };
        await expectFailure(await send(server, '/protected', { headers }), { status: 401, reason: 'missing' }, style);
      }
    });
    it('never reads a token from the query string', async () => {
      for (const name of ['access_token', 'token', 'jwt']) {
        const path = `/protected?${name}=${tokens.valid}`;
        await expectFailure(await send(server, path), { status: 401, reason: 'missing' }, style);
      }
    });
    it('refuses two tokens in one Authorization header with 400 invalid_request', async () => {
      const headers = { authorization: `Bearer ${tokens.valid}, Bearer ${tokens.admin}` };
      await expectFailure(await send(server, '/protected', { headers }), { status: 400, reason: 'request' }, style);
    });
    it('refuses a token in both the header and the cookie with 400 invalid_request', async () => {
      const headers = { ...bearer('valid'), ...cookie('valid') };
      await expectFailure(await send(server, '/protected', { headers }), { status: 400, reason: 'request' }, style);
    });
    it('refuses "Bearer" with no token with 400 invalid_request', async () => {
      const headers = { authorization: 'Bearer' };
      await expectFailure(await send(server, '/protected', { headers }), { status: 400, reason: 'request' }, style);
    });
    it('answers a malformed token 401 invalid_token', async () => {
      const headers = { authorization: 'Bearer not.a.jwt' };
      await expectFailure(await send(server, '/protected', { headers }), { status: 401, reason: 'invalid' }, style);
    });
    it('answers a bad signature 401 invalid_token', async () => {
      await expectFailure(
        await send(server, '/protected', { headers: bearer('forged') }),
        { status: 401, reason: 'invalid' },
        style,
      );
    });
    it('tells an expired token apart in the description', async () => {
      await expectFailure(
        await send(server, '/protected', { headers: bearer('expired') }),
        { status: 401, reason: 'expired' },
        style,
      );
    });
    it('answers a not-yet-valid token 401 invalid_token', async () => {
      await expectFailure(
        await send(server, '/protected', { headers: bearer('early') }),
        { status: 401, reason: 'invalid' },
        style,
      );
    });
    it('answers a token for another audience 401 invalid_token', async () => {
      await expectFailure(
        await send(server, '/protected', { headers: bearer('audience') }),
        { status: 401, reason: 'invalid' },
        style,
      );
    });
    it('answers a revoked token 401 invalid_token', async () => {
      await expectFailure(
        await send(server, '/protected', { headers: bearer('revoked') }),
        { status: 401, reason: 'revoked' },
        style,
      );
    });
    it('answers 503 without a challenge when the revocation store cannot be reached', async () => {
      await expectFailure(
        await send(server, '/protected', { headers: bearer('storeDown') }),
        { status: 503, reason: 'unavailable' },
        style,
      );
    });
    it('answers a missing scope 403 insufficient_scope naming the scope', async () => {
      const response = await send(server, '/scoped', { headers: bearer('valid') });
      await expectFailure(response, { status: 403, reason: 'scope', scope: 'write:things' }, style);
    });
    it('lets a token with the scope through', async () => {
      await expectOK(await send(server, '/scoped', { headers: bearer('scoped') }), { sub: 'ada', source: 'header' });
    });
    it('answers a failed claims rule 403', async () => {
      await expectFailure(
        await send(server, '/admin', { headers: bearer('valid') }),
        { status: 403, reason: 'forbidden' },
        style,
      );
      await expectOK(await send(server, '/admin', { headers: bearer('admin') }), { sub: 'ada', source: 'header' });
    });
    it('accepts a valid bearer token', async () => {
      await expectOK(await send(server, '/protected', { headers: bearer('valid') }), { sub: 'ada', source: 'header' });
    });
    it('accepts the scheme in any case', async () => {
      const headers = { authorization: `bEaReR ${tokens.valid}` };
      await expectOK(await send(server, '/protected', { headers }), { sub: 'ada', source: 'header' });
    });
    it('accepts a valid token cookie', async () => {
      await expectOK(await send(server, '/protected', { headers: cookie('valid') }), { sub: 'ada', source: 'cookie' });
    });
    it('refuses a cross-site POST authenticated by the cookie without CSRF proof (403)', async () => {
      const headers = { ...cookie('valid'), origin: 'https://evil.test' };
      await expectFailure(await send(server, '/protected', { method: 'POST', headers }), { status: 403, reason: 'csrf' }, style);
      await expectFailure(
        await send(server, '/protected', { method: 'POST', headers: cookie('valid') }),
        { status: 403, reason: 'csrf' },
        style,
      );
    });
    it('accepts a cookie POST with the double-submit token or from the same origin', async () => {
      const csrf = 'f'.repeat(43);
      const doubled = {
        cookie: `access_token=${tokens.valid}; csrf_token=${csrf}`,
        'x-csrf-token': csrf,
        origin: 'https://evil.test',
      };
      await expectOK(await send(server, '/protected', { method: 'POST', headers: doubled }), { sub: 'ada', source: 'cookie' });
      const same = { ...cookie('valid'), origin: new URL(server.url).origin };
      await expectOK(await send(server, '/protected', { method: 'POST', headers: same }), { sub: 'ada', source: 'cookie' });
      const wrong = { cookie: `access_token=${tokens.valid}; csrf_token=${csrf}`, 'x-csrf-token': `${csrf.slice(1)}g` };
      await expectFailure(
        await send(server, '/protected', { method: 'POST', headers: wrong }),
        { status: 403, reason: 'csrf' },
        style,
      );
    });
    it('does not apply CSRF checks to a bearer header', async () => {
      const headers = { ...bearer('valid'), origin: 'https://evil.test' };
      await expectOK(await send(server, '/protected', { method: 'POST', headers }), { sub: 'ada', source: 'header' });
    });
    it('lets anonymous requests through where credentials are optional, but not bad tokens', async () => {
      await expectOK(await send(server, '/optional'), { sub: null, source: null });
      await expectOK(await send(server, '/optional', { headers: bearer('valid') }), { sub: 'ada', source: 'header' });
      await expectFailure(
        await send(server, '/optional', { headers: bearer('expired') }),
        { status: 401, reason: 'expired' },
        style,
      );
    });
    it('lets a CORS preflight through without a challenge', async () => {
      const headers = { origin: 'https://app.test', 'access-control-request-method': 'GET' };
      const response = await send(server, '/protected', { method: 'OPTIONS', headers });
      await response.body?.cancel();
      assert.notEqual(response.status, 401);
      assert.ok(response.status < 500, `status ${response.status}`);
      assert.equal(response.headers.get('www-authenticate'), null);
    });
  });
}
