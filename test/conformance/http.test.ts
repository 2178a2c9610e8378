// jwtkit/http's core on Web Requests, on every runtime: where a token may come from, what each
// failure answers (status, RFC 6750 challenge, body), the guards, CSRF and the cookie helpers. The
// adapters are tested against real servers in test/http.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, type JWTPayload, signJWT } from 'jwtkit';
import {
  AuthError,
  type AuthOptions,
  type AuthRequest,
  authenticate,
  clearTokenCookie,
  createAuthenticator,
  createCSRFToken,
  setCSRFCookie,
  setTokenCookie,
  tokenCookie,
  withAuth,
} from 'jwtkit/http';
import { rejectsWith } from '../support/errors.js';

const SECRET = new TextEncoder().encode('jwtkit http core tests: a 64-byte HMAC secret, for tests only!!');
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: JWTPayload = {}) => signJWT({ sub: 'ada', exp: now() + 600, ...claims }, SECRET, { alg: 'HS256' });
const base: AuthOptions = { key: SECRET, algorithms: ['HS256'] };

/**
 * A request as a server sees it. Not a `Request`: browsers drop the headers only they may set
 * (Cookie, Origin, Referer, Access-Control-Request-Method) from one made by script.
 */
function request(headers: Record<string, string> = {}, init: { method?: string; url?: string } = {}): AuthRequest {
  return { method: init.method ?? 'GET', headers: new Headers(headers), url: init.url ?? 'https://api.example.com/things' };
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await rejectsWith(promise, [
    'ERR_AUTH_MISSING',
    'ERR_AUTH_INVALID_REQUEST',
    'ERR_AUTH_INVALID_TOKEN',
    'ERR_AUTH_INSUFFICIENT_SCOPE',
    'ERR_AUTH_FORBIDDEN',
    'ERR_AUTH_CSRF',
    'ERR_AUTH_PREFLIGHT',
  ]);
  assert.ok(error instanceof AuthError);
  return error;
}

describe('jwtkit/http: where the token comes from', () => {
  it('reads a Bearer token from a Web Request and reports where it came from', async () => {
    const token = await sign();
    const auth = await authenticate(
      new Request('https://api.example.com/', { headers: { authorization: `Bearer ${token}` } }),
      base,
    );
    assert.equal(auth?.payload.sub, 'ada');
    assert.equal(auth?.token, token);
    assert.equal(auth?.source, 'header');
    assert.equal(auth?.header.alg, 'HS256');
  });

  it('ignores the query string unless asked, and reads it when asked', async () => {
    const token = await sign();
    const url = `https://api.example.com/things?access_token=${token}`;
    const missing = await refusal(authenticate(request({}, { url }), base));
    assert.equal(missing.code, 'ERR_AUTH_MISSING');
    const auth = await authenticate(request({}, { url }), { ...base, query: 'access_token' });
    assert.equal(auth?.source, 'query');
    const both = await refusal(
      authenticate(request({ authorization: `Bearer ${token}` }, { url }), { ...base, query: 'access_token' }),
    );
    assert.equal(both.code, 'ERR_AUTH_INVALID_REQUEST');
  });

  it('refuses a cookie sent twice (cookie tossing) with 400', async () => {
    const token = await sign();
    const error = await refusal(
      authenticate(request({ cookie: `access_token=${token}; access_token=${token}` }), { ...base, cookie: true }),
    );
    assert.equal(error.status, 400);
  });

  it('reads a named cookie, and no cookie unless asked', async () => {
    const token = await sign();
    const auth = await authenticate(request({ cookie: `theme=dark; session=${token}` }), { ...base, cookie: 'session' });
    assert.equal(auth?.source, 'cookie');
    assert.equal((await refusal(authenticate(request({ cookie: `access_token=${token}` }), base))).code, 'ERR_AUTH_MISSING');
  });

  it('counts repeated Authorization headers where Node keeps them apart', async () => {
    const token = await sign();
    const nodeRequest = {
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
      rawHeaders: ['Authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`],
    };
    const error = await refusal(authenticate(nodeRequest, base));
    assert.equal(error.code, 'ERR_AUTH_INVALID_REQUEST');
    assert.equal(error.status, 400);
  });

  it('uses a custom getter instead of every other source', async () => {
    const token = await sign();
    const options = { ...base, getToken: (req: AuthRequest) => (req.headers as Headers).get('x-token') };
    const auth = await authenticate(request({ 'x-token': token, authorization: 'Bearer ignored' }), options);
    assert.equal(auth?.source, 'custom');
    assert.equal((await refusal(authenticate(request(), options))).code, 'ERR_AUTH_MISSING');
  });

  it('refuses the Bearer scheme with two spaces, a comma or trailing text', async () => {
    const token = await sign();
    for (const value of [`Bearer  ${token}`, `Bearer ${token} x`, `Bearer ${token},`, 'Bearer "abc"']) {
      const error = await refusal(authenticate(request({ authorization: value }), base));
      assert.equal(error.code, 'ERR_AUTH_INVALID_REQUEST', value);
    }
  });
});

describe('jwtkit/http: answers', () => {
  it('challenges a request without credentials with the realm only', async () => {
    const error = await refusal(authenticate(request(), base));
    assert.equal(error.status, 401);
    assert.deepEqual(error.headers, { 'WWW-Authenticate': 'Bearer realm="api"' });
    assert.deepEqual(error.body, {
      error: 'unauthorized',
      error_description: 'Authentication required',
      code: 'ERR_AUTH_MISSING',
    });
  });

  it('escapes quotes and backslashes in the realm and never echoes the URL', async () => {
    const error = await refusal(
      authenticate(request({}, { url: 'https://evil.test/"a"' }), { ...base, realm: 'my "api" \\ v1' }),
    );
    assert.equal(error.headers['WWW-Authenticate'], 'Bearer realm="my \\"api\\" \\\\ v1"');
  });

  it('refuses a realm a header cannot carry when the authenticator is made', () => {
    assert.throws(() => createAuthenticator({ ...base, realm: 'a\r\nSet-Cookie: x=1' }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => createAuthenticator({ ...base, realm: 'café' }), { code: 'ERR_INVALID_OPTION' });
  });

  it('keeps the verification error for logs and out of the answer', async () => {
    const token = await sign({ exp: now() - 10 });
    const error = await refusal(authenticate(request({ authorization: `Bearer ${token}` }), base));
    assert.equal(error.error, 'invalid_token');
    assert.equal((error.cause as { code?: string }).code, 'ERR_JWT_EXPIRED');
    assert.ok(!JSON.stringify(error.body).includes(token));
  });

  it('reads scopes from scope (a string) and scp (a list)', async () => {
    const options = { ...base, requiredScopes: 'read write' };
    const fromScope = await sign({ scope: 'write read admin' });
    const fromScp = await sign({ scp: ['read', 'write'] });
    assert.ok(await authenticate(request({ authorization: `Bearer ${fromScope}` }), options));
    assert.ok(await authenticate(request({ authorization: `Bearer ${fromScp}` }), options));
    const partial = await sign({ scope: 'read', scp: 'admin' });
    const error = await refusal(authenticate(request({ authorization: `Bearer ${partial}` }), options));
    assert.equal(error.status, 403);
    assert.equal(
      error.headers['WWW-Authenticate'],
      'Bearer realm="api", error="insufficient_scope", error_description="The access token does not grant the required scope", scope="read write"',
    );
  });

  it('refuses scope names a challenge cannot carry', () => {
    assert.throws(() => createAuthenticator({ ...base, requiredScopes: ['a"b'] }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => createAuthenticator({ ...base, requiredScopes: [] }), { code: 'ERR_INVALID_OPTION' });
  });

  it('lets onError reshape the answer and keeps what it leaves out', async () => {
    const options = { ...base, onError: (error: AuthError) => ({ body: { message: error.message } }) };
    const error = await refusal(authenticate(request(), options));
    assert.equal(error.status, 401);
    assert.deepEqual(error.body, { message: 'Authentication required' });
    assert.equal(error.headers['WWW-Authenticate'], 'Bearer realm="api"');
    const response = error.toResponse();
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(await response.json(), { message: 'Authentication required' });
  });

  it('passes a failing revocation check on as it is: a server fault, not a bad token', async () => {
    const token = await sign();
    const failure = new Error('store down');
    const options = {
      ...base,
      isRevoked: () => {
        throw failure;
      },
    };
    await assert.rejects(authenticate(request({ authorization: `Bearer ${token}` }), options), (error) => error === failure);
  });

  it('answers a preflight 204 (never "no result"), and challenges it when preflight answering is off', async () => {
    const preflight = request({ 'access-control-request-method': 'POST', origin: 'https://app.test' }, { method: 'OPTIONS' });
    const answered = await refusal(authenticate(preflight, { ...base, credentialsRequired: false }));
    assert.equal(answered.code, 'ERR_AUTH_PREFLIGHT');
    assert.equal(answered.preflight, true);
    const response = answered.toResponse();
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    assert.deepEqual([...response.headers.keys()], []);
    assert.equal((await refusal(authenticate(preflight, { ...base, preflight: false }))).status, 401);
    const granted = await refusal(
      authenticate(preflight, {
        ...base,
        onError: (error) => (error.preflight ? { headers: { 'Access-Control-Allow-Origin': 'https://app.test' } } : undefined),
      }),
    );
    assert.equal(granted.toResponse().headers.get('access-control-allow-origin'), 'https://app.test');
  });
});

describe('jwtkit/http: options', () => {
  it('takes a verifier made by createVerifier, or a key, not both', async () => {
    const verifier = createVerifier({ key: SECRET, algorithms: ['HS256'], subject: 'ada' });
    const token = await sign();
    assert.equal((await authenticate(request({ authorization: `Bearer ${token}` }), { verifier }))?.payload.sub, 'ada');
    assert.throws(() => createAuthenticator({ verifier, key: SECRET }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => createAuthenticator({}), { code: 'ERR_INVALID_OPTION' });
  });

  it('passes verify options through (audience) and refuses those that switch checks off', async () => {
    const token = await sign({ aud: 'other' });
    const error = await refusal(authenticate(request({ authorization: `Bearer ${token}` }), { ...base, audience: 'api' }));
    assert.equal((error.cause as { code?: string }).code, 'ERR_JWT_CLAIM_INVALID');
    assert.throws(() => createAuthenticator({ ...base, clockTolerance: Number.POSITIVE_INFINITY }), {
      code: 'ERR_INVALID_OPTION',
    });
  });

  it('refuses to read no source at all', () => {
    assert.throws(() => createAuthenticator({ ...base, header: false }), { code: 'ERR_INVALID_OPTION' });
  });
});

describe('jwtkit/http: CSRF for cookie authentication', () => {
  const options: AuthOptions = { ...base, cookie: true, csrf: { origins: ['https://app.example.com'] } };
  const post = (headers: Record<string, string>) => request(headers, { method: 'POST' });

  it('accepts a listed origin, and a listed origin only', async () => {
    const cookie = `access_token=${await sign()}`;
    assert.ok(await authenticate(post({ cookie, origin: 'https://app.example.com' }), options));
    for (const origin of ['https://api.example.com', 'null', 'https://app.example.com.evil.test']) {
      assert.equal((await refusal(authenticate(post({ cookie, origin }), options))).code, 'ERR_AUTH_CSRF', origin);
    }
  });

  it('falls back to the Referer when there is no Origin', async () => {
    const cookie = `access_token=${await sign()}`;
    assert.ok(await authenticate(post({ cookie, referer: 'https://app.example.com/page?x=1' }), options));
    assert.equal((await refusal(authenticate(post({ cookie, referer: 'https://evil.test/' }), options))).status, 403);
  });

  it('accepts a double-submitted token of 16 characters or more, compared exactly', async () => {
    const cookie = `access_token=${await sign()}`;
    const csrf = createCSRFToken();
    assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(await authenticate(post({ cookie: `${cookie}; csrf_token=${csrf}`, 'x-csrf-token': csrf }), options));
    const short = 'abc';
    assert.equal(
      (await refusal(authenticate(post({ cookie: `${cookie}; csrf_token=${short}`, 'x-csrf-token': short }), options))).status,
      403,
    );
  });

  it('can be switched off, and never applies to safe methods', async () => {
    const cookie = `access_token=${await sign()}`;
    assert.ok(await authenticate(post({ cookie, origin: 'https://evil.test' }), { ...options, csrf: false }));
    assert.ok(await authenticate(request({ cookie, origin: 'https://evil.test' }), options));
  });
});

describe('jwtkit/http: cookie helpers', () => {
  it('writes HttpOnly, Secure, SameSite=Lax, Path=/ and Max-Age from exp', async () => {
    const token = await sign({ exp: 2_000_000_900 });
    assert.equal(
      tokenCookie(token, { now: 2_000_000_000 }),
      `access_token=${token}; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Lax`,
    );
  });

  it('keeps Secure whatever the Host, unless configured', async () => {
    const token = await sign();
    for (const host of ['localhost:3000', '127.0.0.1:8080', '[::1]:80', 'app.localhost']) {
      assert.ok(tokenCookie(token, { request: request({ host }) }).includes('; Secure'), host);
      assert.ok(!tokenCookie(token, { secure: false, request: request({ host }) }).includes('Secure'), host);
    }
  });

  it("decides secure: 'auto' from the framework's judgement, the socket or the URL, and proxies only when trusted", async () => {
    const token = await sign();
    const secure = (request: AuthRequest, trustProxy?: boolean) =>
      tokenCookie(token, { secure: 'auto', request, trustProxy }).includes('; Secure');
    const headers = { host: '127.0.0.1:3000', 'x-forwarded-proto': 'https' };
    // Express and Koa: req.secure / ctx.secure; Fastify: request.protocol; node:http: the socket.
    assert.equal(secure({ headers, secure: false } as AuthRequest), false);
    assert.equal(secure({ headers, secure: true } as AuthRequest), true);
    assert.equal(secure({ headers, protocol: 'http' } as AuthRequest), false);
    assert.equal(secure({ headers, socket: { encrypted: true } } as AuthRequest), true);
    assert.equal(secure({ headers, socket: {} } as AuthRequest), false);
    assert.equal(secure(new Request('http://127.0.0.1/', { headers })), false);
    assert.equal(secure(new Request('https://app.test/')), true);
    assert.equal(secure({ headers } as AuthRequest), true, 'nothing real is known: Secure');
    // trustProxy: the first proto a proxy reported, from X-Forwarded-Proto or Forwarded.
    assert.equal(secure({ headers, socket: {} } as AuthRequest, true), true);
    assert.equal(
      secure({ headers: { forwarded: 'for=1.2.3.4;proto="https", proto=http' }, secure: false } as AuthRequest, true),
      true,
    );
    assert.equal(secure({ headers: { 'x-forwarded-proto': 'http, https' }, secure: true } as AuthRequest, true), false);
    assert.throws(() => tokenCookie(token, { secure: 'yes' as 'auto' }), { code: 'ERR_INVALID_OPTION' });
  });

  it('refuses SameSite=None without Secure, and names or attributes a header cannot carry', async () => {
    const token = await sign();
    assert.throws(() => tokenCookie(token, { sameSite: 'None', secure: false }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => tokenCookie(token, { name: 'a b' }), { code: 'ERR_INVALID_OPTION' });
    assert.throws(() => tokenCookie(token, { path: '/;Domain=evil.test' }), { code: 'ERR_INVALID_OPTION' });
  });

  it('appends to Headers, to a node-style response and to an append() target', async () => {
    const token = await sign();
    const headers = new Headers({ 'set-cookie': 'theme=dark' });
    setTokenCookie(headers, token);
    clearTokenCookie(headers);
    const cookies = headers.getSetCookie();
    assert.equal(cookies.length, 3);
    assert.match(cookies[2] as string, /^access_token=; Path=\/; Max-Age=0; HttpOnly; Secure; SameSite=Lax$/);

    const stored: Record<string, unknown> = { 'Set-Cookie': 'theme=dark' };
    const nodeResponse = {
      getHeader: (name: string) => stored[name],
      setHeader: (name: string, value: unknown) => {
        stored[name] = value;
      },
    };
    setTokenCookie(nodeResponse, token);
    assert.equal((stored['Set-Cookie'] as string[]).length, 2);

    const appended: string[] = [];
    setCSRFCookie({ append: (_name: string, value: string) => void appended.push(value) }, 'x'.repeat(20));
    assert.equal(appended[0], `csrf_token=${'x'.repeat(20)}; Path=/; Secure; SameSite=Strict`);
  });
});

describe('jwtkit/http: withAuth for fetch handlers', () => {
  const handler = withAuth((_request, auth, suffix: string) => Response.json({ sub: auth?.payload.sub, suffix }), base);
  const fetchRequest = (headers: Record<string, string>) => new Request('https://api.example.com/things', { headers });

  it('calls the handler with the result and the other arguments', async () => {
    const response = await handler(fetchRequest({ authorization: `Bearer ${await sign()}` }), '!');
    assert.deepEqual(await response.json(), { sub: 'ada', suffix: '!' });
  });

  it('answers a refusal itself', async () => {
    const response = await handler(fetchRequest({ authorization: 'Basic YTpi' }), '!');
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(await response.json(), {
      error: 'unauthorized',
      error_description: 'Authentication required',
      code: 'ERR_AUTH_MISSING',
    });
  });
});
