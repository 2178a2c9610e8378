// createRemoteJWKS and fromIssuer against a provider played by a fetch of the test's own, so that the
// rules (freshness, cooldown, sharing one fetch, serving stale, the URL rules, the size cap) are
// checked the same way on every runtime and in the browser. Time is the test's: Date.now is replaced.
// Real servers (slow, failing, redirecting, rotating) are in test/node/remote-jwks.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createRemoteJWKS,
  createVerifier,
  exportKey,
  fromIssuer,
  generateKeyPair,
  type JWK,
  type Key,
  type RemoteJWKSOptions,
  signJWT,
} from 'jwtkit';
import { testClock } from '../support/clock.js';
import { rejectsWith, throwsWith } from '../support/errors.js';
import { platform } from '../support/runtime.js';

const T = 1_900_000_000_000; // ms
const at = testClock();

const URL_ = 'https://idp.example/jwks.json';

interface Signer {
  kid: string;
  privateKey: Key;
  jwk: JWK;
}

async function signer(kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportKey(publicKey, 'jwk')), kid, alg: 'ES256', use: 'sig' } };
}

type Answer = Response | (() => Response | Promise<Response>);

/** A provider: answers in turn (the last one repeats), counts requests and remembers what was asked. */
function provider(...answers: Answer[]) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(input), init });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)] as Answer;
    return typeof answer === 'function' ? answer() : answer.clone();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

const json = (value: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json', ...headers } });
const jwksOf = (...signers: Signer[]) => ({ keys: signers.map((s) => s.jwk) });

async function tokenBy(s: Signer): Promise<string> {
  return signJWT({ sub: 'ada', exp: Math.floor(Date.now() / 1000) + 86_400 }, s.privateKey, { kid: s.kid });
}

function setup(answers: Answer[], options: RemoteJWKSOptions = {}) {
  const idp = provider(...answers);
  const jwks = createRemoteJWKS(URL_, { fetch: idp.fetch, ...options });
  const verify = createVerifier({ key: jwks, algorithms: ['ES256'] });
  return { idp, jwks, verify };
}

describe('createRemoteJWKS', () => {
  it('fetches on first use, then serves from the set while it is fresh, synchronously', async () => {
    at(T);
    const a = await signer('a');
    const { idp, jwks, verify } = setup([json(jwksOf(a))]);
    assert.equal(jwks.url, URL_);
    assert.equal(jwks.keys.length, 0);
    assert.equal(jwks.fresh, false);
    const token = await tokenBy(a);
    assert.equal((await verify(token)).payload.sub, 'ada');
    assert.equal((await verify(token)).payload.sub, 'ada');
    assert.equal(idp.requests.length, 1);
    assert.equal(idp.requests[0]?.init?.redirect, 'manual');
    assert.equal(jwks.fresh, true);
    assert.equal(jwks.keys[0]?.kid, 'a');
    // A fresh set answers without a promise: the sync verifier works.
    assert.equal(jwks({ alg: 'ES256', kid: 'a' }, token) instanceof Promise, false);
  });

  it('refetches after cacheMaxAge, or sooner when Cache-Control max-age says so (never sooner than cooldown)', async () => {
    at(T);
    const a = await signer('a');
    const { idp, verify } = setup([json(jwksOf(a))], { cacheMaxAge: '10m', cooldown: '30s' });
    const token = await tokenBy(a);
    await verify(token);
    at(T + 599_999);
    await verify(token);
    assert.equal(idp.requests.length, 1);
    at(T + 600_000);
    await verify(token);
    assert.equal(idp.requests.length, 2);

    const short = setup([json(jwksOf(a), { 'cache-control': 'public, max-age=60' })], { cacheMaxAge: '10m' });
    at(T);
    await short.verify(token);
    at(T + 59_999);
    await short.verify(token);
    assert.equal(short.idp.requests.length, 1);
    at(T + 60_000);
    await short.verify(token);
    assert.equal(short.idp.requests.length, 2);

    const none = setup([json(jwksOf(a), { 'cache-control': 'no-store' })], { cooldown: '30s' });
    at(T);
    await none.verify(token);
    at(T + 29_999);
    await none.verify(token);
    assert.equal(none.idp.requests.length, 1, 'no-store is held to the cooldown');

    const long = setup([json(jwksOf(a), { 'cache-control': 'max-age=86400' })], { cacheMaxAge: '10m' });
    at(T);
    await long.verify(token);
    at(T + 600_000);
    await long.verify(token);
    assert.equal(long.idp.requests.length, 2, 'cacheMaxAge caps a longer max-age');
  });

  it('refetches once for an unknown kid, at most once per cooldown', async () => {
    at(T);
    const a = await signer('a');
    const b = await signer('b');
    const { idp, verify } = setup([json(jwksOf(a)), json(jwksOf(a, b))], { cooldown: '30s' });
    await verify(await tokenBy(a));
    at(T + 30_000);
    // The provider added b: picked up at once.
    assert.equal((await verify(await tokenBy(b))).payload.sub, 'ada');
    assert.equal(idp.requests.length, 2);
    // Made-up kids within the cooldown do not reach the provider.
    const stranger = await signer('nobody');
    for (let i = 0; i < 5; i++) await rejectsWith(verify(await tokenBy(stranger)), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(idp.requests.length, 2);
    at(T + 60_000);
    await rejectsWith(verify(await tokenBy(stranger)), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(idp.requests.length, 3);
  });

  it('shares one fetch between concurrent lookups (on Workers, where a promise must stay in its request, each fetches)', async () => {
    at(T);
    const a = await signer('a');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { idp, verify } = setup([
      async () => {
        await gate;
        return json(jwksOf(a));
      },
    ]);
    const token = await tokenBy(a);
    const all = Promise.all(Array.from({ length: 20 }, () => verify(token)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    assert.equal((await all).length, 20);
    assert.equal(idp.requests.length, platform === 'workerd' ? 20 : 1);
  });

  it('keeps serving the previous set for staleIfError while refetches fail, then fails', async () => {
    at(T);
    const a = await signer('a');
    const { idp, verify } = setup([json(jwksOf(a)), new Response('down', { status: 503 })], {
      cacheMaxAge: '10m',
      staleIfError: '1h',
      cooldown: '30s',
    });
    const token = await tokenBy(a);
    await verify(token);
    at(T + 600_000);
    assert.equal((await verify(token)).payload.sub, 'ada');
    assert.equal(idp.requests.length, 2);
    at(T + 600_000 + 10_000); // within the cooldown after the failure: no request
    await verify(token);
    assert.equal(idp.requests.length, 2);
    at(T + 600_000 + 3_600_000 - 1);
    await verify(token);
    at(T + 600_000 + 3_600_000);
    const error = await rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED');
    assert.match(error.message, /HTTP 503/);
  });

  it('reports what went wrong with a typed error, and never keeps a bad answer', async () => {
    at(T);
    const a = await signer('a');
    const token = await tokenBy(a);
    const cases: [Answer, string, RegExp][] = [
      [new Response('{"keys": [', { status: 200 }), 'ERR_JWKS_FETCH_FAILED', /valid JSON/],
      [json({ nokeys: [] }), 'ERR_JWKS_FETCH_FAILED', /keys/],
      [
        json({ keys: [{ kty: 'EC', crv: 'P-256', x: a.jwk.x, y: a.jwk.y, d: 'AAAA', kid: 'a' }] }),
        'ERR_JWKS_FETCH_FAILED',
        /private/,
      ],
      [
        json({ keys: [{ kty: 'oct', k: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI', kid: 'a' }] }),
        'ERR_JWKS_FETCH_FAILED',
        /symmetric/,
      ],
      [json(JSON.stringify(jwksOf(a))), 'ERR_JWKS_FETCH_FAILED', /"keys" array/],
      [new Response('{"keys":[]}{"keys":[]}'), 'ERR_JWKS_FETCH_FAILED', /valid JSON/],
      [new Response(`{"keys":[],"keys":[${JSON.stringify(a.jwk)}]}`), 'ERR_JWKS_FETCH_FAILED', /valid JSON/],
      [new Response('x'.repeat(2048)), 'ERR_JWKS_FETCH_FAILED', /more than 1024 bytes/],
      [
        new Response(null, { status: 302, headers: { location: 'https://evil.example/jwks.json' } }),
        'ERR_JWKS_FETCH_FAILED',
        /another origin/,
      ],
      [new Response('no', { status: 404 }), 'ERR_JWKS_FETCH_FAILED', /HTTP 404/],
      [
        () => {
          throw new TypeError('connection refused');
        },
        'ERR_JWKS_FETCH_FAILED',
        /connection refused/,
      ],
    ];
    for (const [answer, code, message] of cases) {
      at(T);
      const { idp, verify, jwks } = setup([answer], { maxBytes: 1024, cooldown: '30s' });
      const error = await rejectsWith(verify(token), code);
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, new RegExp(token.slice(0, 20)));
      assert.deepEqual(jwks.keys, []);
      at(T + 29_999);
      assert.equal(await rejectsWith(verify(token), code), error, 'within the cooldown, the remembered failure');
      assert.equal(idp.requests.length, 1);
      at(T + 30_000);
      await rejectsWith(verify(token), code);
      assert.equal(idp.requests.length, 2, 'one attempt per cooldown');
    }
  });

  it('follows a redirect within the same origin only', async () => {
    at(T);
    const a = await signer('a');
    const { idp, verify } = setup([new Response(null, { status: 301, headers: { location: '/v2/jwks.json' } }), json(jwksOf(a))]);
    await verify(await tokenBy(a));
    assert.deepEqual(
      idp.requests.map((request) => request.url),
      [URL_, 'https://idp.example/v2/jwks.json'],
    );
  });

  it('gives up after the timeout', async () => {
    at(T);
    const a = await signer('a');
    const hanging = ((_input: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const jwks = createRemoteJWKS(URL_, { fetch: hanging, timeout: 0.05 });
    const error = await rejectsWith(createVerifier({ key: jwks, algorithms: ['ES256'] })(await tokenBy(a)), 'ERR_JWKS_TIMEOUT');
    assert.match(error.message, /50 ms/);
  });

  it('sends the headers asked for, and reload() fetches now', async () => {
    at(T);
    const a = await signer('a');
    const { idp, jwks } = setup([json(jwksOf(a))], { headers: { 'user-agent': 'jwtkit-test' } });
    await jwks.reload();
    await jwks.reload();
    assert.equal(idp.requests.length, 2);
    const sent = (idp.requests[0]?.init?.headers ?? {}) as Record<string, string>;
    assert.equal(sent['user-agent'], 'jwtkit-test');
    assert.equal(jwks.keys.length, 1);
  });

  it('fetches only https URLs (http only on loopback), without credentials, with sane options', () => {
    for (const url of [
      'http://idp.example/jwks.json',
      'ftp://idp.example/jwks',
      'file:///etc/passwd',
      'jwks.json',
      'https://u:p@idp.example/',
    ]) {
      throwsWith(() => createRemoteJWKS(url), 'ERR_INVALID_OPTION');
    }
    for (const url of ['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]/jwks', 'https://idp.example/jwks']) {
      assert.equal(createRemoteJWKS(url).url, new URL(url).href);
    }
    for (const options of [
      { timeout: 0 },
      { timeout: Number.POSITIVE_INFINITY },
      { cooldown: -1 },
      { cacheMaxAge: Number.NaN },
      { staleIfError: '1 fortnight' },
      { maxBytes: 0 },
      { maxBytes: 1.5 },
    ]) {
      throwsWith(() => createRemoteJWKS(URL_, options as RemoteJWKSOptions), 'ERR_INVALID_OPTION');
    }
  });
});

describe('fromIssuer', () => {
  const ISSUER = 'https://idp.example/tenant';
  const metadata = (value: object) => json({ issuer: ISSUER, ...value });

  it('finds the jwks_uri through OpenID discovery, then verifies with it', async () => {
    at(T);
    const a = await signer('a');
    const idp = provider(metadata({ jwks_uri: 'https://keys.idp.example/jwks' }), json(jwksOf(a)));
    const jwks = fromIssuer(ISSUER, { fetch: idp.fetch });
    assert.equal(jwks.url, undefined);
    const verify = createVerifier({ key: jwks, algorithms: ['ES256'] });
    assert.equal((await verify(await tokenBy(a))).payload.sub, 'ada');
    assert.deepEqual(
      idp.requests.map((request) => request.url),
      [`${ISSUER}/.well-known/openid-configuration`, 'https://keys.idp.example/jwks'],
    );
    assert.equal(jwks.url, 'https://keys.idp.example/jwks');
  });

  it('falls back to RFC 8414 metadata', async () => {
    at(T);
    const a = await signer('a');
    const idp = provider(new Response('', { status: 404 }), metadata({ jwks_uri: 'https://idp.example/k' }), json(jwksOf(a)));
    const jwks = fromIssuer(ISSUER, { fetch: idp.fetch });
    await jwks.reload();
    assert.equal(idp.requests[1]?.url, 'https://idp.example/.well-known/oauth-authorization-server/tenant');
    assert.equal(jwks.keys.length, 1);
  });

  it('refuses metadata naming another issuer, and a jwks_uri that is not https', async () => {
    at(T);
    for (const [answer, message] of [
      [json({ issuer: 'https://evil.example', jwks_uri: 'https://evil.example/jwks' }), /another issuer/],
      [metadata({ jwks_uri: 'http://idp.example/jwks' }), /jwks_uri.*refused/],
      [metadata({}), /no jwks_uri/],
    ] as const) {
      const idp = provider(answer);
      const error = await rejectsWith(fromIssuer(ISSUER, { fetch: idp.fetch }).reload(), 'ERR_JWKS_FETCH_FAILED');
      assert.match(error.message, message);
    }
    throwsWith(() => fromIssuer('http://idp.example'), 'ERR_INVALID_OPTION');
  });
  it("reports the first real cause when discovery fails, not the fallback's 404", async () => {
    at(T);
    const openid = `${ISSUER}/.well-known/openid-configuration`;
    const cases: [Answer[], RegExp, number][] = [
      [[new Response('oops', { status: 500 }), new Response('', { status: 404 })], /openid-configuration answered HTTP 500/, 2],
      [[new Response('', { status: 404 }), new Response('oops', { status: 503 })], /oauth-authorization-server.*HTTP 503/, 2],
      [[json([]), new Response('', { status: 404 })], /openid-configuration is not a metadata document/, 2],
      [[new Response('', { status: 404 }), new Response('', { status: 410 })], /publishes no discovery metadata/, 2],
      [
        [
          () => {
            throw new TypeError('connection refused');
          },
        ],
        /connection refused/,
        1,
      ],
    ];
    for (const [answers, message, requests] of cases) {
      const idp = provider(...answers);
      const error = await rejectsWith(fromIssuer(ISSUER, { fetch: idp.fetch }).reload(), 'ERR_JWKS_FETCH_FAILED');
      assert.match(error.message, message);
      assert.equal(idp.requests.length, requests, 'no fallback once the host gave no answer at all');
      assert.equal(idp.requests[0]?.url, openid);
    }
    const refused = provider(() => {
      throw new TypeError('connection refused');
    });
    const error = await rejectsWith(fromIssuer(ISSUER, { fetch: refused.fetch }).reload(), 'ERR_JWKS_FETCH_FAILED');
    assert.equal((error.cause as Error).message, 'connection refused', 'the network error is kept as the cause');
  });

  it('does not retry a failed discovery within the cooldown, however many lookups', async () => {
    at(T);
    const a = await signer('a');
    const idp = provider(new Response('oops', { status: 500 }));
    const verify = createVerifier({ key: fromIssuer(ISSUER, { fetch: idp.fetch, cooldown: '30s' }), algorithms: ['ES256'] });
    const token = await tokenBy(a);
    const first = await rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED');
    assert.match(first.message, /HTTP 500/);
    for (let i = 0; i < 10; i++) assert.equal(await rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED'), first);
    assert.equal(idp.requests.length, 2, 'one discovery: both metadata URLs, once');
    at(T + 30_000);
    await rejectsWith(verify(token), 'ERR_JWKS_FETCH_FAILED');
    assert.equal(idp.requests.length, 4);
  });
});
