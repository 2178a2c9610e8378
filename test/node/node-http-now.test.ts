// jwtkit/node-http serves a verifier's cache hit in the same turn (issue 32, item 4: what a hit
// costs the server). What must never happen on that path, or on the promise path beside it:
// - a request answered differently from what the authenticator decides (a forged, expired or
//   malformed token served, a good one refused), whatever the order of hits and misses;
// - a handler that throws, or whose promise or thenable rejects, escaping as an unhandled
//   rejection or a crash instead of a 500;
// - the handler running before `req.auth` is set.
// The requests are generated (fast-check); the reference is createAuthenticator's own answer.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createVerifier, importKey, type Key, signJWT } from 'jwtkit';
import { AuthError, createAuthenticator } from 'jwtkit/http';
import { type AuthenticatedRequest, withAuth } from 'jwtkit/node-http';

interface Answer {
  status: number;
  body: string;
}

/** A response that records what withAuth and the handler write. */
function response(): ServerResponse & { answer: Answer | undefined } {
  const res = {
    answer: undefined as Answer | undefined,
    headersSent: false,
    headers: {} as Record<string, unknown>,
    setHeader(name: string, value: unknown) {
      this.headers[name] = value;
    },
    writeHead(status: number) {
      this.answer = { status, body: '' };
      this.headersSent = true;
      return this;
    },
    end(text?: string) {
      if (this.answer === undefined) this.answer = { status: 200, body: '' };
      this.answer.body = text ?? '';
      return this;
    },
    destroy() {
      this.answer = { status: 0, body: 'destroyed' };
    },
  };
  return res as unknown as ServerResponse & { answer: Answer | undefined };
}

const request = (token: string | undefined): IncomingMessage =>
  ({
    method: 'GET',
    url: '/me',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    rawHeaders: token === undefined ? [] : ['Authorization', `Bearer ${token}`],
  }) as unknown as IncomingMessage;

let key: Key;
let other: Key;
const quietError = console.error;

before(async () => {
  key = await importKey(new Uint8Array(32).fill(7), { alg: 'HS256' });
  other = await importKey(new Uint8Array(32).fill(9), { alg: 'HS256' });
  // failed() logs the handler's error; the tests make it fail on purpose.
  console.error = () => {};
});
after(() => {
  console.error = quietError;
});

describe('jwtkit/node-http: a cache hit in the same turn, and the same answers as the authenticator', () => {
  it('a cache hit runs the handler before withAuth returns, with req.auth set', async () => {
    const verifier = createVerifier({ key, audience: 'api', cache: { max: 100, ttl: '5m' } });
    const token = await signJWT({ sub: 'ada', aud: 'api' }, key, { expiresIn: '5m' });
    let seen: string | undefined;
    const route = withAuth(
      (req: AuthenticatedRequest, res) => {
        seen = req.auth?.payload.sub;
        res.writeHead(200).end('ok');
      },
      { verifier },
    );
    // A miss is served at once too where the backend verifies synchronously (node:crypto), later with WebCrypto.
    const first = response();
    await route(request(token), first);
    assert.equal(first.answer?.status, 200);
    seen = undefined;
    const second = response();
    const done = route(request(token), second);
    assert.equal(seen, 'ada', 'the hit ran the handler in the same turn');
    assert.equal(second.answer?.status, 200);
    await done;
  });

  it('a handler that throws, rejects or returns a rejecting thenable gives a 500 and a settled promise, on a hit and on a miss', async () => {
    const verifier = createVerifier({ key, audience: 'api', cache: { max: 100, ttl: '5m' } });
    const token = await signJWT({ sub: 'ada', aud: 'api' }, key, { expiresIn: '5m' });
    const failures: Array<() => unknown> = [
      () => {
        throw new Error('sync');
      },
      () => Promise.reject(new Error('async')),
      // biome-ignore lint/suspicious/noThenProperty: a handler returning a thenable that rejects is the case under test
      () => ({ then: (_ok: unknown, fail: (error: Error) => void) => fail(new Error('thenable')) }),
    ];
    for (const failure of failures) {
      const route = withAuth(() => failure(), { verifier });
      for (const round of ['miss or hit', 'hit']) {
        const res = response();
        await route(request(token), res);
        assert.equal(res.answer?.status, 500, `${round}: ${JSON.stringify(res.answer)}`);
      }
    }
  });

  it('answers every generated sequence of good, forged, expired, foreign-audience and malformed tokens as the authenticator does (property)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const pool = [
      await signJWT({ sub: 'a', aud: 'api' }, key, { expiresIn: '5m' }),
      await signJWT({ sub: 'b', aud: 'api' }, key, { expiresIn: '5m' }),
      await signJWT({ sub: 'c', aud: 'api' }, other, { expiresIn: '5m' }),
      await signJWT({ sub: 'd', aud: 'api', exp: now - 600 }, key),
      await signJWT({ sub: 'e', aud: 'elsewhere' }, key, { expiresIn: '5m' }),
      'not.a.token',
      '',
      undefined,
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: 1, maxLength: 30 }), async (picks) => {
        const verifier = createVerifier({ key, audience: 'api', cache: { max: 4, ttl: '5m' } });
        const reference = createAuthenticator({ verifier });
        let handled = 0;
        const route = withAuth(
          (req: AuthenticatedRequest, res) => {
            handled += 1;
            assert.ok(req.auth !== undefined, 'the handler ran without req.auth');
            res.writeHead(200).end(String(req.auth.payload.sub));
          },
          { verifier },
        );
        for (const pick of picks) {
          const token = pool[pick];
          const expected = await reference(request(token)).then(
            (auth) => (auth === undefined ? 0 : 200),
            (error: unknown) => (error instanceof AuthError ? error.status : -1),
          );
          const res = response();
          const before = handled;
          await route(request(token), res);
          assert.equal(res.answer?.status, expected, `token #${pick}`);
          assert.equal(handled - before, expected === 200 ? 1 : 0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
