// DPoP on every Node adapter against a real server of its framework (dpop-scenarios.ts lists the requests).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as DPoP from 'dpop';
import fc from 'fast-check';
import { signJWT } from 'jwtkit';
import { AuthError, createAuthenticator } from 'jwtkit/http';
import {
  startDPoPExpress,
  startDPoPFastify,
  startDPoPFetch,
  startDPoPHono,
  startDPoPKoa,
  startDPoPNodeHTTP,
} from './apps/dpop.js';
import { DPOP_ROUTES } from './apps/dpop-routes.js';
import { ISSUER, SECRET } from './apps/routes.js';
import { describeDPoPAdapter } from './dpop-scenarios.js';

describeDPoPAdapter('Express 4 (jwtkit/express, mounted router)', 'json', () => startDPoPExpress(4));
describeDPoPAdapter('Express 5 (jwtkit/express, mounted router)', 'json', () => startDPoPExpress(5));
describeDPoPAdapter('Fastify 5 (jwtkit/fastify)', 'fastify', startDPoPFastify);
describeDPoPAdapter('Koa (jwtkit/koa)', 'text', startDPoPKoa);
describeDPoPAdapter('node:http (jwtkit/node-http)', 'json', startDPoPNodeHTTP);
describeDPoPAdapter('Hono on Node (jwtkit/hono)', 'json', startDPoPHono);
describeDPoPAdapter('fetch handler on Node (jwtkit/http withAuth)', 'json', startDPoPFetch);

describe('DPoP in the core authenticator, with any header values', () => {
  // Must never happen: a request with a made-up DPoP header (or two, or none) and any Authorization
  // value is let through, or answered with anything but a 400/401 AuthError (a crash, a 500).
  it('refuses every generated request with a 400 or 401 AuthError', async () => {
    const authenticate = createAuthenticator(DPOP_ROUTES['dpop-only']);
    const bound = await signJWT(
      { sub: 'ada', iss: ISSUER, aud: 'api', exp: Math.floor(Date.now() / 1000) + 600, cnf: { jkt: 'x'.repeat(43) } },
      SECRET,
      { alg: 'HS256' },
    );
    const proofLike = fc.oneof(
      fc.string(),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.')),
      fc.constant('eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6Im5vbmUifQ.e30.'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(`DPoP ${bound}`),
          fc.constant(`dpop ${bound}`),
          fc.string().map((s) => `DPoP ${s}`),
          fc.string(),
        ),
        fc.array(proofLike, { maxLength: 3 }),
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.webPath(),
        async (authorization, proofs, method, path) => {
          const rawHeaders = ['Authorization', authorization, ...proofs.flatMap((proof) => ['DPoP', proof])];
          const headers: Record<string, string | string[]> = { authorization };
          if (proofs.length > 0) headers.dpop = proofs.join(', ');
          try {
            await authenticate({ method, headers, rawHeaders, url: `/v1/dpop-only${path}` });
          } catch (error) {
            assert.ok(error instanceof AuthError, String(error));
            assert.ok(error.status === 400 || error.status === 401, `${error.status} ${error.message}`);
            return;
          }
          assert.fail('a generated request was accepted');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the dpop option', () => {
  const base = { key: SECRET, algorithms: ['HS256'] };
  // Must never happen: a configuration that would take htu from the request, accept HMAC or none
  // proofs, or carry bearer tokens on a DPoP-only route is accepted at startup.
  it('refuses configurations that cannot be right, at startup, with ERR_INVALID_OPTION', () => {
    const bad: unknown[] = [
      {},
      { required: true },
      { baseURL: 'api.example.com' },
      { baseURL: 'https://api.example.com/?x=1' },
      { baseURL: 'https://user:pw@api.example.com' },
      { baseURL: 'ftp://api.example.com' },
      { baseURL: 'https://api.example.com', htu: () => 'https://api.example.com/x' },
      { baseURL: 'https://api.example.com', algorithms: ['HS256'] },
      { baseURL: 'https://api.example.com', algorithms: ['none'] },
      { baseURL: 'https://api.example.com', algorithms: [] },
      { baseURL: 'https://api.example.com', maxAge: 'soon' },
      { baseURL: 'https://api.example.com', replay: {} },
      { baseURL: 'https://api.example.com', nonces: { secret: 'short' } },
      { baseURL: 'https://api.example.com', requried: true },
      'https://api.example.com',
    ];
    for (const dpop of bad)
      assert.throws(
        () => createAuthenticator({ ...base, dpop: dpop as never }),
        { code: 'ERR_INVALID_OPTION' },
        JSON.stringify(dpop),
      );
    for (const extra of [{ cookie: true }, { query: 'access_token' }, { getToken: () => 'x' }, { header: false, cookie: true }])
      assert.throws(
        () => createAuthenticator({ ...base, ...extra, dpop: { baseURL: 'https://api.example.com', required: true } }),
        { code: 'ERR_INVALID_OPTION' },
      );
    // Positive controls: the same with required off, and a custom htu rule.
    createAuthenticator({ ...base, cookie: true, dpop: { baseURL: 'https://api.example.com' } });
    createAuthenticator({ ...base, dpop: { htu: () => 'https://api.example.com/x', required: true } });
  });

  it('takes htu from the application rule when one is given, never from the Host header', async () => {
    const keyPair = await DPoP.generateKeyPair('ES256');
    const jkt = await DPoP.calculateThumbprint(keyPair.publicKey);
    const token = await signJWT({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 60, cnf: { jkt } }, SECRET, { alg: 'HS256' });
    const authenticate = createAuthenticator({
      ...base,
      dpop: { htu: (request) => `https://tenant.example${new URL(String((request as Request).url)).pathname}`, required: true },
    });
    const request = async (htu: string) =>
      new Request('http://127.0.0.1:8080/orders', {
        headers: {
          host: 'evil.example',
          authorization: `DPoP ${token}`,
          dpop: await DPoP.generateProof(keyPair, htu, 'GET', undefined, token),
        },
      });
    const result = await authenticate(await request('https://tenant.example/orders'));
    assert.equal(result?.dpop?.jkt, jkt);
    for (const htu of ['http://127.0.0.1:8080/orders', 'https://evil.example/orders']) {
      await assert.rejects(authenticate(await request(htu)), { code: 'ERR_DPOP_PROOF_INVALID', status: 401 });
    }
  });
});
