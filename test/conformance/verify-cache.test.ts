// The verified-token cache of createVerifier: what a hit may skip (parsing, the signature) and what
// it may not (time, claims, the key set). Time is the test's: Date.now is replaced while a test
// runs, so nothing here waits or depends on the machine's speed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, generateSecret, type Key, type KeyResolver, signJWT } from 'jwtkit';
import { testClock } from '../support/clock.js';
import { rejectsWith } from '../support/errors.js';

const T = 1_900_000_000; // seconds
const atMs = testClock();
const at = (seconds: number) => atMs(seconds * 1000);

/** Counts the signature verifications `key` performs, through whichever verifying function its backend gives it. */
function counted(key: Key): { readonly count: number } {
  const internals = key.internals as Record<'verify' | 'verifyEncoded', ((...args: unknown[]) => unknown) | undefined>;
  const counter = { count: 0 };
  for (const name of ['verify', 'verifyEncoded'] as const) {
    const original = internals[name];
    if (original === undefined) continue;
    internals[name] = (...args: unknown[]) => {
      counter.count++;
      return original(...args);
    };
  }
  return counter;
}

async function setup(claims: Record<string, unknown> = {}, cache: Record<string, unknown> = { max: 100, ttl: '1h' }) {
  at(T);
  const key = await generateSecret('HS256');
  const calls = counted(key);
  const token = await signJWT({ sub: 'ada', iat: T, exp: T + 600, ...claims }, key);
  const verify = createVerifier({ key, algorithms: ['HS256'], cache: cache as { max: number; ttl: string } });
  return { key, calls, token, verify };
}

describe('verified-token cache', () => {
  it('serves a repeated token without verifying its signature again, as one frozen result', async () => {
    const { calls, token, verify } = await setup();
    const first = await verify(token);
    const second = await verify(token);
    assert.equal(calls.count, 1);
    assert.equal(second, first);
    assert.ok(Object.isFrozen(first.payload) && Object.isFrozen(first.header));
    assert.throws(() => {
      (first.payload as { sub: string }).sub = 'eve';
    }, TypeError);
  });

  it('ends an entry at exp even when the ttl is longer', async () => {
    const { calls, token, verify } = await setup({ exp: T + 10 });
    await verify(token);
    at(T + 9);
    await verify(token);
    assert.equal(calls.count, 1);
    at(T + 10);
    await rejectsWith(verify(token), 'ERR_JWT_EXPIRED');
    at(T + 5); // the entry is gone: going back in time verifies the signature again
    await verify(token);
    assert.equal(calls.count, 3);
  });

  it('ends an entry after its ttl', async () => {
    const { calls, token, verify } = await setup({}, { max: 10, ttl: 30 });
    await verify(token);
    at(T + 29);
    await verify(token);
    assert.equal(calls.count, 1);
    at(T + 30);
    await verify(token);
    assert.equal(calls.count, 2);
  });

  it('checks nbf, maxAge and clockTolerance on every hit', async () => {
    at(T);
    const key = await generateSecret('HS256');
    const token = await signJWT({ iat: T, nbf: T + 5, exp: T + 600 }, key);
    const verify = createVerifier({
      key,
      algorithms: ['HS256'],
      maxAge: 60,
      clockTolerance: 2,
      cache: { max: 10, ttl: '1h', errors: true },
    });
    // Not valid yet is never remembered, even with errors: true.
    await rejectsWith(verify(token), 'ERR_JWT_NOT_YET_VALID');
    at(T + 3); // within the tolerance of nbf
    await verify(token);
    at(T + 62); // maxAge 60 + tolerance 2: still fine
    await verify(token);
    at(T + 63);
    await rejectsWith(verify(token), 'ERR_JWT_EXPIRED');
  });

  it('answers every hit as a verifier without a cache would, around each time boundary', async () => {
    at(T);
    const key = await generateSecret('HS256');
    const token = await signJWT({ iat: T, nbf: T + 5, exp: T + 50, aud: 'api', iss: 'me' }, key);
    const options = { key, algorithms: ['HS256'], audience: 'api', issuer: 'me', maxAge: 40, clockTolerance: 1.5 };
    const plain = createVerifier(options);
    const cached = createVerifier({ ...options, cache: { max: 10, ttl: '1h' } });
    const outcome = (result: Promise<unknown>) =>
      result.then(
        () => 'ok',
        (error: { code: string }) => error.code,
      );
    at(T + 4);
    await cached(token); // an entry exists from here on, unless a check drops it
    // Quarter seconds across nbf - tolerance, maxAge + tolerance and exp + tolerance.
    for (let quarter = 0; quarter <= 4 * 55; quarter++) {
      at(T + quarter / 4);
      assert.equal(await outcome(cached(token)), await outcome(plain(token)), `at T + ${quarter / 4} s`);
    }
  });

  it('evicts the least recently used token', async () => {
    at(T);
    const key = await generateSecret('HS256');
    const calls = counted(key);
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => signJWT({ sub, exp: T + 600 }, key)));
    const [a, b, c] = tokens as [string, string, string];
    const verify = createVerifier({ key, algorithms: ['HS256'], cache: { max: 2, ttl: '1h' } });
    await verify(a);
    await verify(b);
    await verify(a); // a is now the most recent
    assert.equal(calls.count, 2);
    await verify(c); // evicts b
    await verify(a);
    assert.equal(calls.count, 3);
    await verify(b);
    assert.equal(calls.count, 4);
  });

  it('drops an entry when the key set no longer gives the key that verified it', async () => {
    at(T);
    const first = await generateSecret('HS256', { kid: 'k1', extractable: true });
    const token = await signJWT({ sub: 'ada', exp: T + 600 }, first);
    let current: Key | undefined = first;
    const resolver: KeyResolver = () => {
      if (current === undefined) throw Object.assign(new Error('kid k1 is gone'), { code: 'TEST_KEY_GONE' });
      return current;
    };
    const verify = createVerifier({ key: resolver, algorithms: ['HS256'], cache: { max: 10, ttl: '1h' } });
    await verify(token);
    // Rotated: the same kid now names another secret; the cached token must not survive it.
    current = await generateSecret('HS256', { kid: 'k1' });
    await rejectsWith(verify(token), 'ERR_JWS_SIGNATURE_INVALID');
    current = first;
    await verify(token);
    current = undefined;
    await assert.rejects(verify(token), { code: 'TEST_KEY_GONE' });
  });

  it('keys entries by the whole token: one character apart is another token', async () => {
    const { token, verify } = await setup();
    await verify(token);
    const last = token.at(-1) as string;
    // The same bits with different trailing characters (non-canonical base64url), and a different signature.
    for (const replacement of ['A', 'B', 'Q', 'g', 'w', '_']) {
      if (replacement === last) continue;
      const other = `${token.slice(0, -1)}${replacement}`;
      await rejectsWith(verify(other), ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED']);
    }
    const payloadEdit = token.replace('.', '.e');
    await rejectsWith(verify(payloadEdit), ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED']);
    assert.equal((await verify(token)).payload.sub, 'ada');
  });

  it('remembers failures only when asked, and only permanent ones', async () => {
    const { key, calls, token } = await setup();
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    const plain = createVerifier({ key, algorithms: ['HS256'], cache: { max: 10, ttl: '1h' } });
    await rejectsWith(plain(forged), 'ERR_JWS_SIGNATURE_INVALID');
    await rejectsWith(plain(forged), 'ERR_JWS_SIGNATURE_INVALID');
    assert.equal(calls.count, 2);
    const remembering = createVerifier({ key, algorithms: ['HS256'], cache: { max: 10, ttl: '1h', errors: true } });
    await rejectsWith(remembering(forged), 'ERR_JWS_SIGNATURE_INVALID');
    await rejectsWith(remembering(forged), 'ERR_JWS_SIGNATURE_INVALID');
    assert.equal(calls.count, 3);
  });

  it('works the same through .sync where the backend is synchronous, and clearCache empties it', async () => {
    const { calls, token, verify } = await setup();
    await verify(token);
    verify.clearCache();
    await verify(token);
    assert.equal(calls.count, 2);
    try {
      assert.equal(verify.sync(token).payload.sub, 'ada');
      assert.equal(calls.count, 2);
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'ERR_SYNC_UNAVAILABLE');
    }
  });

  it('refuses options that would switch a bound off', async () => {
    const key = await generateSecret('HS256');
    const bad: unknown[] = [
      { max: Number.POSITIVE_INFINITY, ttl: 60 },
      { max: Number.NaN, ttl: 60 },
      { max: 0, ttl: 60 },
      { max: 1.5, ttl: 60 },
      { max: 10, ttl: Number.POSITIVE_INFINITY },
      { max: 10, ttl: Number.NaN },
      { max: 10, ttl: 0 },
      { max: 10, ttl: -5 },
      { max: 10, ttl: 'forever' },
      { max: 10 },
      { max: 10, ttl: 60, errors: 'yes' },
      null,
      'big',
    ];
    for (const cache of bad) {
      assert.throws(
        () => createVerifier({ key, cache: cache as { max: number; ttl: number } }),
        { code: 'ERR_INVALID_OPTION' },
        JSON.stringify(cache),
      );
    }
  });
});
