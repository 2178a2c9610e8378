// createRemoteJWKS against real JWKS servers on 127.0.0.1: slow, silent, failing, malformed, rotating keys,
// redirecting to another origin; and as the key source of the HTTP middleware. Every server here
// answers a bounded number of requests and closes when its test ends.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createRemoteJWKS, createVerifier, exportKey, generateKeyPair, type JWK, type Key, signJWT } from 'jwtkit';
import { withAuth } from 'jwtkit/node-http';
import { rejectsWith } from '../support/errors.js';

const MAX_REQUESTS = 200;
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

/** A server on 127.0.0.1 running `handle`; it refuses to answer more than MAX_REQUESTS requests. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (hits > MAX_REQUESTS) res.writeHead(429).end();
    else handle(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

async function signer(kid: string): Promise<{ privateKey: Key; jwk: JWK; token: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportKey(publicKey, 'jwk')), kid, alg: 'ES256' };
  return { privateKey, jwk, token: await signJWT({ sub: kid, aud: 'api' }, privateKey, { kid, expiresIn: '5m' }) };
}

const sendJSON = (res: ServerResponse, value: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));

describe('createRemoteJWKS against real servers', () => {
  it('picks up a key the server rotated in, on the first token that uses it', async () => {
    const first = await signer('k1');
    const second = await signer('k2');
    let keys = [first.jwk];
    const server = await serve((_req, res) => sendJSON(res, { keys }, { 'cache-control': 'max-age=300' }));
    const verify = createVerifier({ key: createRemoteJWKS(`${server.url}/jwks`, { cooldown: 0 }), algorithms: ['ES256'] });
    assert.equal((await verify(first.token)).payload.sub, 'k1');
    keys = [first.jwk, second.jwk];
    assert.equal((await verify(second.token)).payload.sub, 'k2');
    keys = [second.jwk];
    assert.equal((await verify(first.token)).payload.sub, 'k1', 'the cached set still has k1 while fresh');
    assert.equal(server.hits(), 2);
  });

  it('waits for a slow server within the timeout', async () => {
    const { token, jwk } = await signer('k1');
    const slow = await serve((_req, res) => {
      setTimeout(() => sendJSON(res, { keys: [jwk] }), 300);
    });
    const verify = createVerifier({ key: createRemoteJWKS(`${slow.url}/jwks`, { timeout: 5 }), algorithms: ['ES256'] });
    assert.equal((await verify(token)).payload.sub, 'k1');
  });

  it('times out on a server that does not answer', async () => {
    const { token } = await signer('k1');
    const server = await serve(() => undefined); // never answers; the socket closes with the server
    const jwks = createRemoteJWKS(`${server.url}/jwks`, { timeout: 0.2 });
    const started = Date.now();
    await rejectsWith(createVerifier({ key: jwks, algorithms: ['ES256'] })(token), 'ERR_JWKS_TIMEOUT');
    assert.ok(Date.now() - started < 5000);
  });

  it('fails with ERR_JWKS_FETCH_FAILED on a 500, on malformed JSON, and on a redirect to another origin', async () => {
    const { token, jwk } = await signer('k1');
    const elsewhere = await serve((_req, res) => sendJSON(res, { keys: [jwk] }));
    const cases: [(req: IncomingMessage, res: ServerResponse) => void, RegExp][] = [
      [(_req, res) => res.writeHead(500).end('oops'), /HTTP 500/],
      [(_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [}'), /valid JSON/],
      [(_req, res) => res.writeHead(302, { location: `${elsewhere.url}/jwks` }).end(), /another origin/],
    ];
    for (const [handle, message] of cases) {
      const server = await serve(handle);
      const error = await rejectsWith(
        createVerifier({ key: createRemoteJWKS(`${server.url}/jwks`), algorithms: ['ES256'] })(token),
        'ERR_JWKS_FETCH_FAILED',
      );
      assert.match(error.message, message);
    }
    assert.equal(elsewhere.hits(), 0, 'the other origin was never asked');
  });

  it('is the key source of the HTTP middleware', async () => {
    const { token, jwk } = await signer('k1');
    const keys = await serve((_req, res) => sendJSON(res, { keys: [jwk] }));
    const api = await serve(
      withAuth((req, res) => res.end(`hello ${req.auth?.payload.sub}`), {
        key: createRemoteJWKS(`${keys.url}/jwks`),
        algorithms: ['ES256'],
        audience: 'api',
      }),
    );
    const ok = await fetch(api.url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(await ok.text(), 'hello k1');
    const stranger = await signer('k9');
    const refused = await fetch(api.url, { headers: { authorization: `Bearer ${stranger.token}` } });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    await refused.text();
  });

  it('answers 503, not 401, when the JWKS cannot be fetched: the token was not judged', async () => {
    const { token } = await signer('k1');
    const down = await serve((_req, res) => res.writeHead(502).end());
    const api = await serve(
      withAuth((_req, res) => res.end('never'), { key: createRemoteJWKS(`${down.url}/jwks`), algorithms: ['ES256'] }),
    );
    const response = await fetch(api.url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('www-authenticate'), null);
    const body = (await response.json()) as { error: string; code: string };
    assert.deepEqual([body.error, body.code], ['temporarily_unavailable', 'ERR_AUTH_UNAVAILABLE']);
  });
});
