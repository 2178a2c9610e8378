// A key ring whose generateKey fails, hangs or half-succeeds (a key service down, over quota, slow).
// What must never happen: a ring.sign that waits without bound or fails while the current key can
// still sign; one service call per sign while the service is down (a storm); an untyped error; a
// ring whose resolver or JWKS does not know the key it signs with. Time is the test's, except the
// generateKey deadline, which is real and short.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createExternalKey,
  createLocalJWKS,
  decodeJWT,
  ExternalKeyUnavailableError,
  generateKeyPair,
  JWTKitError,
  type Key,
  verifyJWT,
} from 'jwtkit';
import { createKeyRing, type KeyRing } from 'jwtkit/issuer';
import { testClock } from '../support/clock.js';
import { rejectsWith } from '../support/errors.js';

const T = 1_900_000_000_000; // ms
const HOUR = 3_600_000;
const at = testClock();

type Outcome = 'ok' | 'throw' | 'throw-string' | 'hang';

/** A generateKey whose next answers are `outcomes` (then 'ok'), counting its calls. */
function service(outcomes: Outcome[] = []) {
  const state = { calls: 0, outcomes: [...outcomes] };
  const generateKey = async (alg: string): Promise<Key> => {
    state.calls++;
    const outcome = state.outcomes.shift() ?? 'ok';
    if (outcome === 'throw') throw new Error('HSM: keygen quota exceeded (arn:aws:kms:eu:123:key/abc)');
    if (outcome === 'throw-string') throw 'CKR_DEVICE_ERROR';
    if (outcome === 'hang') return new Promise<Key>(() => {});
    return (await generateKeyPair(alg, { extractable: true })).privateKey;
  };
  return { state, generateKey };
}

/** The ring signs a token that verifies through its resolver and its published JWKS, under the kid it then calls current. */
async function signsConsistently(ring: KeyRing): Promise<void> {
  const token = await ring.sign({ sub: 'a' }, { expiresIn: '5m' });
  assert.equal(decodeJWT(token).header.kid, ring.currentKid);
  await verifyJWT(token, ring.resolver, { algorithms: ['ES256'] });
  await verifyJWT(token, createLocalJWKS(ring.jwks()), { algorithms: ['ES256'] });
}

describe('key ring: a failing generateKey', () => {
  it('a generateKey that hangs at a scheduled rotation costs one sign generateKeyTimeout, then the current key signs', async () => {
    at(T);
    const errors: JWTKitError[] = [];
    let hang = false;
    const generateKey = async (alg: string) => {
      if (hang) return new Promise<Key>(() => {});
      const { publicKey, privateKey } = await generateKeyPair(alg);
      const sign = privateKey.internals.sign as (data: Uint8Array) => Promise<Uint8Array>;
      return createExternalKey({ alg, publicKey, timeout: 1, sign: async (data) => sign(data) });
    };
    const ring = await createKeyRing({
      alg: 'ES256',
      generateKey,
      rotateEvery: '1h',
      // The first key is generated under the same bound: 0.5 s leaves a loaded machine room for it,
      // and is still far below the 2 s the hanging rotation may cost.
      generateKeyTimeout: 0.5,
      maxTokenLifetime: '1h',
      onRotationError: (error) => errors.push(error),
    });
    const kid = ring.currentKid;
    hang = true;
    at(T + HOUR);
    const started = performance.now();
    await signsConsistently(ring);
    assert.ok(performance.now() - started < 2000, 'the sign waited past the deadline');
    assert.equal(ring.currentKid, kid);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ExternalKeyUnavailableError);
    assert.equal(errors[0].reason, 'timeout');
    const error = await rejectsWith(ring.rotate(), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.equal((error as ExternalKeyUnavailableError).reason, 'timeout');
  });

  it('a generateKey that fails: 100 signs make one call and all sign; the next call comes after rotationRetry', async () => {
    at(T);
    const { state, generateKey } = service();
    const errors: JWTKitError[] = [];
    const ring = await createKeyRing({
      alg: 'ES256',
      generateKey,
      rotateEvery: '1h',
      rotationRetry: '1m',
      maxTokenLifetime: '1h',
      onRotationError: (error) => errors.push(error),
    });
    const kid = ring.currentKid;
    state.outcomes = Array(10).fill('throw');
    const before = state.calls;
    at(T + HOUR);
    await Promise.all(Array.from({ length: 50 }, () => signsConsistently(ring)));
    for (let i = 0; i < 50; i++) await signsConsistently(ring);
    assert.equal(state.calls - before, 1);
    assert.equal(ring.currentKid, kid);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.match(String((errors[0]?.cause as Error | undefined)?.message), /quota/);
    assert.doesNotMatch(errors[0]?.message ?? '', /arn:aws/);
    at(T + HOUR + 59_999);
    await signsConsistently(ring);
    assert.equal(state.calls - before, 1);
    at(T + HOUR + 60_000);
    await signsConsistently(ring);
    assert.equal(state.calls - before, 2);
    // The service is back: the next try rotates.
    state.outcomes = [];
    at(T + HOUR + 120_000);
    await signsConsistently(ring);
    assert.notEqual(ring.currentKid, kid);
  });

  it('rotate() whose second generateKey fails changes nothing: the resolver and the JWKS still know the signing key', async () => {
    at(T);
    const { state, generateKey } = service();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const ring = await createKeyRing({ alg: 'ES256', keys: [privateKey], generateKey, maxTokenLifetime: '1h' });
    const jwks = ring.jwks();
    const kid = ring.currentKid;
    state.outcomes = ['ok', 'throw'];
    await rejectsWith(ring.rotate(), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.equal(ring.currentKid, kid);
    assert.deepEqual(ring.jwks(), jwks);
    await signsConsistently(ring);
    state.outcomes = ['throw-string'];
    const error = await rejectsWith(ring.rotate(), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.equal(error.cause, 'CKR_DEVICE_ERROR');
    await ring.rotate();
    assert.notEqual(ring.currentKid, kid);
    assert.equal(ring.jwks().keys.length, 3);
    await signsConsistently(ring);
  });

  it('options are checked', async () => {
    for (const bad of [{ generateKeyTimeout: 0 }, { rotationRetry: -1 }, { onRotationError: 'log' }]) {
      await rejectsWith(createKeyRing({ alg: 'ES256', ...(bad as object) }), 'ERR_INVALID_OPTION');
    }
  });

  it('over any sequence of signs, rotations, clock steps and service failures, the ring stays consistent (property)', async () => {
    const RETRY = 60_000;
    const op = fc.oneof(
      fc.constant({ kind: 'sign' as const }),
      fc.constant({ kind: 'rotate' as const }),
      fc.integer({ min: 1, max: 2 * HOUR }).map((ms) => ({ kind: 'wait' as const, ms })),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'throw', 'throw-string', 'hang'), { maxLength: 12 }),
        fc.array(op, { minLength: 1, maxLength: 14 }),
        async (outcomes, ops) => {
          let now = T;
          at(now);
          const { state, generateKey } = service();
          const ring = await createKeyRing({
            alg: 'ES256',
            generateKey,
            rotateEvery: '1h',
            rotationRetry: RETRY / 1000,
            // Room for a real ES256 generation on a loaded machine; each hang costs this much.
            generateKeyTimeout: 0.1,
            maxTokenLifetime: '1h',
            onRotationError: (error) => assert.ok(error instanceof JWTKitError),
          });
          state.outcomes = [...outcomes];
          /** When the last attempt failed (test clock), until an attempt succeeds. */
          let failedAt: number | undefined;
          for (const step of ops) {
            const kid = ring.currentKid;
            const calls = state.calls;
            if (step.kind === 'wait') {
              now += step.ms;
              at(now);
              continue;
            }
            if (step.kind === 'rotate') {
              try {
                await ring.rotate();
                failedAt = undefined;
                assert.notEqual(ring.currentKid, kid);
              } catch (error) {
                assert.ok(error instanceof JWTKitError, `untyped ${String(error)}`);
                assert.equal(ring.currentKid, kid);
                failedAt = now;
              }
            } else {
              await signsConsistently(ring);
              if (state.calls > calls) {
                // A sign calls the service only when no failure is fresher than rotationRetry.
                assert.ok(failedAt === undefined || now >= failedAt + RETRY, 'a sign retried inside the cool-down');
                failedAt = ring.currentKid === kid ? now : undefined;
              }
            }
            assert.ok(createLocalJWKS(ring.jwks()));
            assert.ok(ring.jwks().keys.some((jwk) => jwk.kid === ring.currentKid));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
