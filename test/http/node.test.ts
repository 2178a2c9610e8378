// Every Node adapter against a real server of its framework (scenarios.ts lists the requests).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { decodeJWT } from 'jwtkit';
import fastifyJwtkit from 'jwtkit/fastify';
import { startExpress, startFastify, startFetch, startHono, startKoa, startNodeHTTP } from './apps/node.js';
import { ISSUER, ROUTES, SECRET } from './apps/routes.js';
import { describeAdapter } from './scenarios.js';

describeAdapter('Express 4 (jwtkit/express)', 'json', () => startExpress(4));
describeAdapter('Express 5 (jwtkit/express)', 'json', () => startExpress(5));
describeAdapter('Fastify 5 (jwtkit/fastify)', 'fastify', startFastify);
describeAdapter('Koa (jwtkit/koa)', 'text', startKoa);
describeAdapter('node:http (jwtkit/node-http)', 'json', startNodeHTTP);
describeAdapter('Hono on Node (jwtkit/hono)', 'json', startHono);
describeAdapter('fetch handler on Node (jwtkit/http withAuth)', 'json', startFetch);

describe('Fastify 5: reply.jwtSign and request.jwtVerify', () => {
  it('signs with the plugin defaults, verifies with its options, and refuses without a sign key', async () => {
    const app = Fastify();
    await app.register(fastifyJwtkit, {
      ...ROUTES.protected,
      sign: { key: SECRET, alg: 'HS256', issuer: ISSUER, audience: 'api', expiresIn: '5m' },
    });
    app.post('/login', async (_request, reply) => ({ token: await reply.jwtSign({ sub: 'ada' }) }));
    app.post('/login-short', async (_request, reply) => ({ token: await reply.jwtSign({ sub: 'ada' }, { expiresIn: 30 }) }));
    app.get('/me', async (request) => ({ user: (await request.jwtVerify())?.sub }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { token } = (await (await fetch(`${url}/login`, { method: 'POST' })).json()) as { token: string };
      const { payload } = decodeJWT(token);
      assert.equal((payload.exp as number) - (payload.iat as number), 300);
      const me = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await me.json(), { user: 'ada' });
      const short = (await (await fetch(`${url}/login-short`, { method: 'POST' })).json()) as { token: string };
      const claims = decodeJWT(short.token).payload;
      assert.equal((claims.exp as number) - (claims.iat as number), 30);
      assert.equal(claims.iss, ISSUER);
    } finally {
      await app.close();
    }
    const unsigned = Fastify();
    await unsigned.register(fastifyJwtkit, ROUTES.protected);
    unsigned.get('/login', async (_request, reply) => reply.jwtSign({ sub: 'ada' }));
    const response = await unsigned.inject({ method: 'GET', url: '/login' });
    assert.equal(response.statusCode, 500);
    assert.equal(response.json().code, 'ERR_INVALID_OPTION');
    await unsigned.close();
  });
});
