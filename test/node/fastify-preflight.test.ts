// Fastify: a CORS preflight met by a handler's own `request.jwtVerify()` (issue 29, catalogue entry
// 40). Fastify's error handler answers any status under 400 with 500, so the 204 preflight answer
// thrown from inside a handler used to come out as a 500. Must never happen: a 500; the handler
// going on past jwtVerify(); a CORS grant or a challenge in the answer. A real Fastify server on
// 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import Fastify, { type FastifyInstance } from 'fastify';
import { signJWT } from 'jwtkit';
import fastifyJwtkit from 'jwtkit/fastify';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';

describe('fastify: request.jwtVerify() on a CORS preflight', () => {
  let app: FastifyInstance;
  let url: string;
  /** How often each handler went on past its jwtVerify() call. */
  const ran = { direct: 0, ownHook: 0, hooked: 0 };

  before(async () => {
    app = Fastify();
    await app.register(fastifyJwtkit, { key: SECRET, algorithms: ['HS256'] });
    app.all('/direct', async (request) => {
      await request.jwtVerify();
      ran.direct++;
      return { sub: request.user?.sub };
    });
    app.all(
      '/own-hook',
      {
        onRequest: async (request) => {
          await request.jwtVerify();
        },
      },
      async (request) => {
        ran.ownHook++;
        return { sub: request.user?.sub };
      },
    );
    app.all('/hooked', { onRequest: app.authenticate }, async () => {
      ran.hooked++;
      return {};
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => app.close());

  const preflight = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.test', 'access-control-request-method': 'DELETE', ...headers },
    });

  it('is refused 403 with ERR_AUTH_PREFLIGHT, never 500, and the handler does not go on', async () => {
    for (const path of ['/direct', '/own-hook']) {
      const response = await preflight(path);
      const body = (await response.json()) as { code?: string; message?: string };
      assert.equal(response.status, 403, `${path}: ${JSON.stringify(body)}`);
      assert.equal(body.code, 'ERR_AUTH_PREFLIGHT');
      assert.match(body.message ?? '', /@fastify\/cors/);
      for (const name of ['www-authenticate', 'access-control-allow-origin', 'access-control-allow-credentials'])
        assert.equal(response.headers.get(name), null, `${path}: ${name}`);
    }
    assert.deepEqual(ran, { direct: 0, ownHook: 0, hooked: 0 });
  });

  it('every generated preflight, with or without a token, gets the same refusal', async () => {
    const token = await signJWT({ sub: 'ada' }, SECRET, { expiresIn: 60 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/direct', '/own-hook'),
        fc.stringMatching(/^[A-Za-z-]{1,12}$/),
        fc.option(fc.stringMatching(/^[a-z-]{1,20}(, ?[a-z-]{1,20}){0,3}$/), { nil: undefined }),
        fc.boolean(),
        async (path, method, requestedHeaders, withToken) => {
          const headers: Record<string, string> = { 'access-control-request-method': method };
          if (requestedHeaders !== undefined) headers['access-control-request-headers'] = requestedHeaders;
          if (withToken) headers.authorization = `Bearer ${token}`;
          const response = await preflight(path, headers);
          await response.arrayBuffer();
          assert.equal(response.status, 403);
        },
      ),
      { numRuns: 30 },
    );
    assert.deepEqual(ran, { direct: 0, ownHook: 0, hooked: 0 });
  });

  it('the onRequest hook still answers a preflight 204; requests that are no preflight are judged as before (positive control)', async () => {
    const hooked = await preflight('/hooked');
    assert.equal(hooked.status, 204);
    assert.equal(await hooked.text(), '');
    const anonymous = await fetch(`${url}/direct`, { method: 'OPTIONS' });
    await anonymous.arrayBuffer();
    assert.equal(anonymous.status, 401);
    const token = await signJWT({ sub: 'ada' }, SECRET, { expiresIn: 60 });
    for (const path of ['/direct', '/own-hook']) {
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sub: 'ada' });
    }
    assert.deepEqual(ran, { direct: 1, ownHook: 1, hooked: 0 });
  });
});
