// createRemoteJWKS against real JWKS servers on 127.0.0.1: slow, silent, failing, malformed, rotating keys,
// redirecting to another origin; and as the key source of the HTTP middleware. Every server here
// answers a bounded number of requests and closes when its test ends.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { createRemoteJWKS, createVerifier, exportKey, fromIssuer, generateKeyPair, type JWK, type Key, signJWT } from 'jwtkit';
import { withAuth } from 'jwtkit/node-http';
import { testClock } from '../support/clock.js';
import { rejectsWith } from '../support/errors.js';

const MAX_REQUESTS = 2000;
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

// Catalogue entry 46. What must never happen: a provider that is down (or a flood of made-up kids)
// turns each verification into a request. Bound: fetches <= 1 + floor(elapsed / cooldown), however
// many verifications run and however they interleave with time; concurrent ones share one fetch.
// Time is the test's (Date.now is replaced), so the cooldowns span minutes while the test does not.
describe('46. refetch storms', () => {
  const at = testClock();
  const T = 1_900_000_000_000;
  const ISSUER_PATH = '/tenant';
  type Mode = '500' | 'bad-json' | 'symmetric' | 'timeout' | 'refused';
  const MODES: Mode[] = ['500', 'bad-json', 'symmetric', 'timeout', 'refused'];

  /** One server for the whole describe, failing the way `mode` says; `hits` counts what reached it. */
  let mode: Mode = '500';
  let hits = 0;
  let server: { url: string } | undefined;
  let refusedURL: string | undefined;
  const failing = async () => {
    server ??= await serve((req, res) => {
      hits++;
      if (mode === 'timeout') return; // never answers; the client's timeout ends it
      if (mode === '500') return void res.writeHead(500).end('oops');
      if (mode === 'bad-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
      if (req.url?.includes('/.well-known/')) {
        return sendJSON(res, { issuer: `${server?.url}${ISSUER_PATH}`, jwks_uri: `${server?.url}/jwks` });
      }
      sendJSON(res, { keys: [{ kty: 'oct', kid: 'k1', k: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI' }] });
    });
    if (refusedURL === undefined) {
      // A port that was just listened on and closed: connections to it are refused.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      refusedURL = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise((resolve) => closed.close(resolve));
    }
    return { base: mode === 'refused' ? refusedURL : server.url };
  };

  /** Counts every fetch the key set starts, refused connections included. */
  const counting = () => {
    const counter = { fetches: 0 };
    const fetchImpl: typeof fetch = (input, init) => {
      counter.fetches++;
      return fetch(input, init);
    };
    return { counter, fetchImpl };
  };

  it('10 verifications against a JWKS answering 500 make one request, 20 through discovery make two', async () => {
    const { token } = await signer('k1');
    mode = '500';
    const { base } = await failing();
    for (const [make, requests] of [
      [() => createRemoteJWKS(`${base}/jwks`), 1],
      [() => fromIssuer(`${base}${ISSUER_PATH}`), 2],
    ] as const) {
      hits = 0;
      const verify = createVerifier({ key: make(), algorithms: ['ES256'] });
      const first = await rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED');
      assert.match(first.message, /HTTP 500/);
      for (let i = 0; i < 9; i++) assert.equal(await rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED'), first);
      const concurrent = await Promise.all(Array.from({ length: 10 }, () => rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED')));
      assert.ok(concurrent.every((error) => error === first));
      assert.equal(hits, requests);
    }
  });

  it('shares one in-flight fetch between concurrent verifications, and remembers a timeout and a refused connection', async () => {
    const { token } = await signer('k1');
    for (const [failure, code, cause] of [
      ['timeout', 'ERR_JWKS_TIMEOUT', undefined],
      ['refused', 'ERR_JWKS_FETCH_FAILED', /fetch failed|refused/i],
    ] as const) {
      mode = failure;
      const { base } = await failing();
      const { counter, fetchImpl } = counting();
      const verify = createVerifier({
        key: createRemoteJWKS(`${base}/jwks`, { timeout: 0.1, fetch: fetchImpl }),
        algorithms: ['ES256'],
      });
      const errors = await Promise.all(Array.from({ length: 10 }, () => rejectsWith(verify(token), code)));
      assert.equal(counter.fetches, 1);
      assert.ok(errors.every((error) => error === errors[0]));
      assert.equal(await rejectsWith(verify(token), code), errors[0]);
      assert.equal(counter.fetches, 1);
      if (cause) assert.match(String((errors[0]?.cause as Error)?.message), cause, 'the network error is kept as the cause');
    }
  });

  it("fromIssuer reports the first real cause: the 500, not the fallback's 404; a refused connection, once", async () => {
    const first = await serve((req, res) => {
      if (req.url?.includes('openid-configuration')) return void res.writeHead(500).end('oops');
      res.writeHead(404).end();
    });
    const error = await rejectsWith(fromIssuer(`${first.url}${ISSUER_PATH}`).reload(), 'ERR_JWKS_FETCH_FAILED');
    assert.match(error.message, /openid-configuration answered HTTP 500/);
    assert.equal(first.hits(), 2);

    mode = 'refused';
    const { base } = await failing();
    const { counter, fetchImpl } = counting();
    const refused = await rejectsWith(
      fromIssuer(`${base}${ISSUER_PATH}`, { fetch: fetchImpl }).reload(),
      'ERR_JWKS_FETCH_FAILED',
    );
    assert.match(refused.message, /openid-configuration/);
    assert.ok(refused.cause instanceof Error, 'the network error is the cause');
    assert.equal(counter.fetches, 1, 'the fallback is on the same refusing host: not asked');
  });

  type Step = { verify: number } | { advance: number };
  const steps = (cooldownMs: number) =>
    fc.array(
      fc.oneof(
        fc.integer({ min: 1, max: 6 }).map((n): Step => ({ verify: n })),
        fc.integer({ min: 0, max: Math.floor(cooldownMs * 1.5) }).map((ms): Step => ({ advance: ms })),
      ),
      { maxLength: 10 },
    );
  const scenario = fc
    .record({ mode: fc.constantFrom(...MODES), cooldown: fc.integer({ min: 1, max: 120 }), viaIssuer: fc.boolean() })
    .chain((base) => steps(base.cooldown * 1000).map((list) => ({ ...base, steps: list })));

  it('against a failing server: at most one fetch per cooldown, and exactly one when a verification comes after it', async () => {
    const { token } = await signer('k1');
    await fc.assert(
      fc.asyncProperty(scenario, async ({ mode: failure, cooldown, viaIssuer, steps }) => {
        mode = failure;
        const { base } = await failing();
        const { counter, fetchImpl } = counting();
        let now = T;
        at(now);
        const options = { cooldown, timeout: 0.03, fetch: fetchImpl };
        const jwks = viaIssuer ? fromIssuer(`${base}${ISSUER_PATH}`, options) : createRemoteJWKS(`${base}/jwks`, options);
        const verify = createVerifier({ key: jwks, algorithms: ['ES256'] });
        // The model: an attempt starts when a verification finds none yet, or the last one a cooldown ago.
        let attempts = 0;
        let lastAttempt = Number.NEGATIVE_INFINITY;
        let remembered: unknown;
        for (const step of steps) {
          if ('advance' in step) {
            now += step.advance;
            at(now);
            continue;
          }
          const before = counter.fetches;
          const errors = await Promise.all(
            Array.from({ length: step.verify }, () => rejectsWith(verify(token), ['ERR_JWKS_FETCH_FAILED', 'ERR_JWKS_TIMEOUT'])),
          );
          assert.ok(
            errors.every((error) => error === errors[0]),
            'concurrent verifications share one answer',
          );
          if (now - lastAttempt >= cooldown * 1000) {
            attempts++;
            lastAttempt = now;
            assert.ok(counter.fetches > before, 'past the cooldown the provider gets another chance');
          } else {
            assert.equal(counter.fetches, before, 'within the cooldown nothing is fetched');
            assert.equal(errors[0], remembered, 'within the cooldown, the remembered error');
          }
          remembered = errors[0];
        }
        // An attempt through discovery asks two metadata URLs (both fail), or one and then the JWKS.
        const perAttempt = viaIssuer ? 2 : 1;
        assert.ok(counter.fetches <= attempts * perAttempt, `${counter.fetches} fetches for ${attempts} attempts`);
        assert.ok(attempts <= 1 + Math.floor((now - T) / (cooldown * 1000)));
      }),
      { numRuns: 60 },
    );
  });

  it('made-up kids against a healthy server: at most one fetch per cooldown, and the genuine token always verifies', async () => {
    const genuine = await signer('k1');
    const strangers = await Promise.all(['x', 'y', 'k1 ', 'K1'].map(signer));
    // Valid through the test's clock, which runs days ahead.
    const lasting = async (s: { privateKey: Key }, kid: string) =>
      signJWT({ sub: kid, exp: T / 1000 + 365 * 86_400 }, s.privateKey, { kid });
    genuine.token = await lasting(genuine, 'k1');
    let requests = 0;
    const healthy = await serve((_req, res) => {
      requests++;
      sendJSON(res, { keys: [genuine.jwk] });
    });
    const kidScenario = fc.record({ cooldown: fc.integer({ min: 1, max: 900 }) }).chain((base) =>
      fc
        .array(
          fc.oneof(
            fc.record({ who: fc.integer({ min: -1, max: strangers.length - 1 }), n: fc.integer({ min: 1, max: 6 }) }),
            fc.integer({ min: 0, max: Math.floor(base.cooldown * 1500) }).map((ms) => ({ advance: ms })),
          ),
          { maxLength: 12 },
        )
        .map((list) => ({ ...base, steps: list })),
    );
    await fc.assert(
      fc.asyncProperty(kidScenario, async ({ cooldown, steps }) => {
        requests = 0;
        let now = T;
        at(now);
        const verify = createVerifier({ key: createRemoteJWKS(`${healthy.url}/jwks`, { cooldown }), algorithms: ['ES256'] });
        for (const step of steps) {
          if ('advance' in step) {
            now += step.advance;
            at(now);
            continue;
          }
          const token = step.who < 0 ? genuine.token : (strangers[step.who]?.token as string);
          await Promise.all(
            Array.from({ length: step.n }, async () => {
              if (step.who < 0) assert.equal((await verify(token)).payload.sub, 'k1');
              else await rejectsWith(verify(token), 'ERR_JWKS_NO_MATCHING_KEY');
            }),
          );
        }
        assert.ok(requests <= 1 + Math.floor((now - T) / (cooldown * 1000)), `${requests} requests in ${now - T} ms`);
      }),
      { numRuns: 60 },
    );
  });
});
