// The requests every adapter must answer the same way, sent to a real server of that framework on
// 127.0.0.1: the exact status, challenge and body for no token, another scheme, two tokens, a
// malformed, forged, expired, not-yet-valid, wrong-audience or revoked token, a revocation store
// that cannot be reached (503), a missing scope, a
// valid header or cookie, and cookie requests with and without CSRF proof. Never a 500.
// Catalogue entries 40-43 (preflights, whitespace schemes, client input reaching our own code,
// cookie flags) have a describe each, with generated inputs where the input space is open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type JWTPayload, signJWT } from 'jwtkit';
import { createAuthenticator } from 'jwtkit/http';
import { ISSUER, ROUTES, SECRET, type Server } from './apps/routes.js';

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
  bound: [
    'ERR_AUTH_INVALID_TOKEN',
    'invalid_token',
    'The access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof',
  ],
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
    it('refuses a DPoP-bound token (cnf.jkt) as a bearer token, without the dpop option too (RFC 9449 §7.2)', async () => {
      const bound = await token({ cnf: { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' } });
      await expectFailure(
        await send(server, '/protected', { headers: { authorization: `Bearer ${bound}` } }),
        { status: 401, reason: 'bound' },
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

    describe('40. CORS preflight', () => {
      // Every route of the test apps runs its handler for every method (Express and Hono `app.all`,
      // Fastify `all`, Koa, Oak, node:http and fetch handlers): a preflight let through would run it.
      const preflight = async (path: string, headers: Record<string, string>) => {
        const response = await send(server, path, { method: 'OPTIONS', headers });
        const text = await response.text();
        assert.equal(response.status, 204, `${path}: status (body: ${text.slice(0, 200)})`);
        assert.equal(text, '', `${path}: the handler's answer must not be sent`);
        for (const name of ['www-authenticate', 'access-control-allow-origin', 'access-control-allow-credentials'])
          assert.equal(response.headers.get(name), null, `${path}: ${name}`);
      };
      it('40. answers a preflight 204, with no CORS grant, without running the handler', async () => {
        for (const path of ['/protected', '/optional', '/scoped', '/admin', '/elsewhere'])
          await preflight(path, { origin: 'https://app.test', 'access-control-request-method': 'DELETE' });
      });
      it('40. answers every generated preflight the same way', async () => {
        const method = fc.stringMatching(/^[A-Za-z-]{1,12}$/);
        const origin = fc.oneof(
          fc.webAuthority().map((authority) => `https://${authority}`),
          fc.constant('null'),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom('/protected', '/optional', '/scoped', '/admin', '/elsewhere'),
            origin,
            method,
            fc.option(fc.stringMatching(/^[a-z-]{1,20}(, ?[a-z-]{1,20}){0,3}$/), { nil: undefined }),
            async (path, from, requested, requestedHeaders) => {
              const headers: Record<string, string> = { origin: from, 'access-control-request-method': requested };
              if (requestedHeaders !== undefined) headers['access-control-request-headers'] = requestedHeaders;
              await preflight(path, headers);
            },
          ),
          { numRuns: 40 },
        );
      });
      it('40. authenticates an OPTIONS request that is no preflight like any other', async () => {
        await expectFailure(await send(server, '/protected', { method: 'OPTIONS' }), { status: 401, reason: 'missing' }, style);
        await expectOK(await send(server, '/protected', { method: 'OPTIONS', headers: bearer('valid') }), {
          sub: 'ada',
          source: 'header',
        });
      });
    });

    describe('41. whitespace schemes', () => {
      // What reaches a server is bytes: a client that puts U+2003 in a header sends its UTF-8 bytes,
      // which the server reads as Latin-1. The same is sent here, as Latin-1 characters.
      const wire = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));
      const separators = [
        '\t',
        '\u00a0',
        '\u0085',
        wire('\u2003'),
        wire('\u00a0'),
        wire('\u3000'),
        wire('\u200b'),
        wire('\ufeff'),
        wire('\u2028'),
        ',',
        '  ',
        ' \t',
        '\t ',
      ];
      it('41. refuses Bearer<TAB>, <NBSP>, <U+2003> and other separators 400 where credentials are optional', async () => {
        for (const separator of separators) {
          const headers = { authorization: `Bearer${separator}${tokens.valid}` };
          await expectFailure(await send(server, '/optional', { headers }), { status: 400, reason: 'request' }, style);
        }
      });
      it('41. refuses any generated whitespace between the scheme and the token, never anonymous', async () => {
        const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR');
        const latin = fc.constantFrom('\t', ' ', '\u0085', '\u00a0', '\u00ad', '\u00e2', '\u0080', '\u0083');
        const unicode = fc.integer({ min: 0x80, max: 0x10ffff }).map((code) => wire(String.fromCodePoint(code)));
        const separator = fc
          .array(fc.oneof(latin, unicode), { minLength: 1, maxLength: 4 })
          .map((parts) => parts.join(''))
          .filter((text) => text !== ' ');
        await fc.assert(
          fc.asyncProperty(scheme, separator, async (name, between) => {
            const headers = { authorization: `${name}${between}${tokens.valid}` };
            await expectFailure(await send(server, '/optional', { headers }), { status: 400, reason: 'request' }, style);
          }),
          { numRuns: 60 },
        );
      });
      it('41. refuses a second credential after a comma, and a Bearer header with trailing junk', async () => {
        for (const value of [`Basic YWRhOng=, Bearer ${tokens.valid}`, `Bearer ${tokens.valid}${wire('\u00a0')}`, 'Bearer ,']) {
          const headers = { authorization: value };
          await expectFailure(await send(server, '/optional', { headers }), { status: 400, reason: 'request' }, style);
        }
      });
      it('41. accepts exactly one space in any case of the scheme (positive control)', async () => {
        for (const name of ['Bearer', 'bearer', 'BEARER']) {
          const headers = { authorization: `${name} ${tokens.valid}` };
          await expectOK(await send(server, '/optional', { headers }), { sub: 'ada', source: 'header' });
        }
        await expectOK(await send(server, '/optional', { headers: { authorization: 'Bearerish x' } }), {
          sub: null,
          source: null,
        });
      });
    });

    describe('42. client input reaching our own code', () => {
      it('42. answers a signed token whose sid, jti or sub the revocation list cannot use 401 invalid_token', async () => {
        for (const claims of [{ sid: 5 }, { jti: '' }, { jti: {} }, { sid: [] }, { sid: '' }, { sub: 5 }, { sid: null }]) {
          const headers = { authorization: `Bearer ${await token(claims as JWTPayload)}` };
          await expectFailure(await send(server, '/protected', { headers }), { status: 401, reason: 'invalid' }, style);
        }
      });
      it('42. answers generated sid and jti values 200 or 401, never 500', async () => {
        const claim = fc.oneof(
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.string({ minLength: 2000, maxLength: 3000 }),
          fc.jsonValue({ maxDepth: 2 }),
        );
        await fc.assert(
          fc.asyncProperty(fc.constantFrom('sid', 'jti'), claim, async (name, value) => {
            const headers = { authorization: `Bearer ${await token({ [name]: value })}` };
            const special = name === 'jti' && (value === 'revoked' || value === 'store-down');
            const response = await send(server, '/protected', { headers });
            if (typeof value !== 'string' || value === '')
              await expectFailure(response, { status: 401, reason: 'invalid' }, style);
            else if (!special) await expectOK(response, { sub: 'ada', source: 'header' });
            else await response.body?.cancel();
          }),
          { numRuns: 40 },
        );
      });
      it('42. answers malformed request targets 4xx or normally, never 500, and keeps serving', async () => {
        const targets = [
          '//[::1/x?access_token=',
          '//[?access_token=a',
          '/%zz%?access_token=%',
          `/${'a'.repeat(3000)}`,
          '/x?access_token=%E0%A4%A',
        ];
        for (const target of targets) {
          const response = await send(server, target);
          const text = await response.text();
          assert.ok(response.status < 500, `${target.slice(0, 40)}: ${response.status} ${text.slice(0, 200)}`);
        }
        const part = fc.constantFrom(
          '/',
          '//',
          '[',
          ']',
          ':',
          '::1',
          '%',
          '%zz',
          '%E0%A4',
          '?',
          '&',
          '=',
          '#',
          '@',
          '.',
          '..',
          'a',
          'access_token=',
          '\u00e9',
        );
        await fc.assert(
          fc.asyncProperty(fc.array(part, { maxLength: 12 }), async (parts) => {
            const target = `/${parts.join('')}`;
            const response = await send(server, target);
            const text = await response.text();
            assert.ok(response.status < 500, `${target}: ${response.status} ${text.slice(0, 200)}`);
          }),
          { numRuns: 60 },
        );
        await expectOK(await send(server, `/elsewhere?access_token=${tokens.valid}`), { sub: 'ada', source: 'query' });
      });
      it('42. answers generated Authorization and Cookie values 400, 401 or anonymously, never 500', async () => {
        // Printable Latin-1 but DEL, which fetch refuses to send.
        const unit = fc.integer({ min: 0x20, max: 0xff }).filter((code) => code !== 0x7f);
        const value = fc.string({ unit: unit.map((code) => String.fromCharCode(code)), maxLength: 80 });
        // fetch trims what HTTP calls whitespace; the server would too.
        const trimmed = value.map((text) => text.replace(/^[ \t]+|[ \t]+$/g, ''));
        await fc.assert(
          fc.asyncProperty(fc.constantFrom('authorization', 'cookie'), trimmed, async (name, text) => {
            const response = await send(server, '/optional', { headers: { [name]: text } });
            const body = await response.text();
            assert.ok(
              [200, 400, 401].includes(response.status),
              `${name}: ${JSON.stringify(text)}: ${response.status} ${body.slice(0, 200)}`,
            );
          }),
          { numRuns: 60 },
        );
      });
    });

    describe('43. cookie flags from rewritten headers', () => {
      const cookieOf = async (path: string, headers: Record<string, string> = {}) => {
        const response = await send(server, path, { headers });
        const text = await response.text();
        assert.equal(response.status, 200, `${path}: ${text.slice(0, 200)}`);
        const cookie = response.headers.get('set-cookie') ?? '';
        assert.ok(cookie.startsWith('access_token='), cookie);
        return cookie.split(';').map((part) => part.trim().toLowerCase());
      };
      const forwarded = fc.record(
        {
          'x-forwarded-proto': fc.constantFrom('http', 'https', 'HTTP', 'http, https', 'ws'),
          'x-forwarded-host': fc.constantFrom('localhost', '127.0.0.1:3000', '[::1]', 'app.test'),
          forwarded: fc.constantFrom('proto=http', 'for=1.2.3.4;proto=http;host=localhost', 'proto="http"'),
          'x-forwarded-ssl': fc.constantFrom('off', 'on'),
        },
        { requiredKeys: [] },
      );
      it('43. keeps Secure by default on a loopback Host, whatever forwarded headers say', async () => {
        // The test servers are on 127.0.0.1 over plain HTTP: what a proxy that rewrites Host sends.
        await fc.assert(
          fc.asyncProperty(forwarded, async (headers) => {
            assert.ok((await cookieOf('/login', headers)).includes('secure'), JSON.stringify(headers));
          }),
          { numRuns: 25 },
        );
      });
      it("43. with secure: 'auto', follows the real connection and ignores forwarded headers unless trustProxy", async () => {
        await fc.assert(
          fc.asyncProperty(forwarded, async (headers) => {
            assert.ok(!(await cookieOf('/login-auto', { ...headers, 'x-forwarded-proto': 'https' })).includes('secure'));
          }),
          { numRuns: 25 },
        );
        assert.ok(!(await cookieOf('/login-auto', { forwarded: 'proto=https' })).includes('secure'));
        assert.ok(!(await cookieOf('/login-trust')).includes('secure'), 'plain HTTP, no proxy header');
        assert.ok((await cookieOf('/login-trust', { 'x-forwarded-proto': 'https' })).includes('secure'));
        assert.ok((await cookieOf('/login-trust', { forwarded: 'for=1.2.3.4;proto=https' })).includes('secure'));
        assert.ok(!(await cookieOf('/login-trust', { 'x-forwarded-proto': 'http' })).includes('secure'));
      });
    });
  });
}

describe('41. whitespace schemes (the core, with code points no HTTP client sends as such)', () => {
  const authenticate = createAuthenticator({ ...ROUTES.optional, isRevoked: undefined });
  const attempt = (authorization: string) => authenticate({ method: 'GET', headers: { authorization } });
  it('41. refuses every Unicode whitespace or format character between Bearer and the token', async () => {
    const valid = await token();
    const spaceLike = fc
      .integer({ min: 0, max: 0x10ffff })
      .map((code) => String.fromCodePoint(code))
      .filter((char) => /[\s\p{Cf}\p{Cc}\p{Z}]/u.test(char) && char !== ' ');
    await fc.assert(
      fc.asyncProperty(spaceLike, fc.constantFrom('', ' '), fc.constantFrom('', ' '), async (char, before, after) => {
        await assert.rejects(attempt(`Bearer${before}${char}${after}${valid}`), { code: 'ERR_AUTH_INVALID_REQUEST' });
      }),
      { numRuns: 200 },
    );
    for (const char of ['\t', '\u00a0', '\u2003', '\u3000', '\u200b', '\ufeff', '\u2028'])
      await assert.rejects(attempt(`Bearer${char}${valid}`), { code: 'ERR_AUTH_INVALID_REQUEST' }, JSON.stringify(char));
    assert.equal((await attempt(`Bearer ${valid}`))?.payload.sub, 'ada');
    assert.equal(await attempt('Basic YWRhOng='), undefined);
  });
});
