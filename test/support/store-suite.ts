// One suite for every store (memory here in the conformance run, Redis through ioredis and
// node-redis in test/node/redis-store.test.ts): the store's own promises (expiry, add-if-absent,
// compare-and-swap), then revocation, one-time tokens and refresh-token rotation on top of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createVerifier, decodeJWT, type JWTPayload } from 'jwtkit';
import { createKeyRing, createRevocationList, createTokenIssuer, type KeyRing } from 'jwtkit/issuer';
import type { Store } from 'jwtkit/stores';
import { rejectsWith } from './errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let unique = 0;
/** Keys no other test (or earlier run against the same server) uses. */
const fresh = (name: string) => `${name}-${Date.now().toString(36)}-${(unique++).toString(36)}`;

export function storeSuite(name: string, open: () => Promise<{ store: Store; close?: () => Promise<void> }>): void {
  describe(`store: ${name}`, () => {
    let store: Store;
    let close: (() => Promise<void>) | undefined;
    let ring: KeyRing;
    before(async () => {
      ({ store, close } = await open());
      ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
    });
    after(async () => close?.());

    it('keeps a value until its ttl, then forgets it', async () => {
      const key = fresh('ttl');
      await store.set(key, 'v', 150);
      assert.equal(await store.get(key), 'v');
      assert.deepEqual(await store.getMany([key, fresh('absent')]), ['v', undefined]);
      await sleep(250);
      assert.equal(await store.get(key), undefined);
      await store.set(key, 'w', 10_000);
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
    });

    it('adds only where nothing is, and swaps only from the expected value', async () => {
      const key = fresh('atomic');
      assert.equal(await store.add(key, 'a', 10_000), true);
      assert.equal(await store.add(key, 'b', 10_000), false);
      assert.equal(await store.get(key), 'a');
      assert.equal(await store.swap(key, 'x', 'c', 10_000), false);
      assert.equal(await store.swap(key, 'a', 'c', 10_000), true);
      assert.equal(await store.get(key), 'c');
      assert.equal(await store.swap(fresh('absent'), 'a', 'c', 10_000), false);
      const racers = await Promise.all(Array.from({ length: 50 }, (_, i) => store.swap(key, 'c', `winner-${i}`, 10_000)));
      assert.equal(racers.filter(Boolean).length, 1);
    });

    it('revokes by jti, by session and by subject, and accepts a one-time token once', async () => {
      const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
      const now = Math.floor(Date.now() / 1000);
      const token = (claims: JWTPayload): JWTPayload => ({
        sub: fresh('user'),
        jti: fresh('jti'),
        iat: now,
        exp: now + 600,
        ...claims,
      });
      const a = token({});
      const b = token({ sub: a.sub });
      assert.equal(await revocations.isRevoked(a), false);
      await revocations.revoke(a);
      assert.equal(await revocations.isRevoked(a), true);
      assert.equal(await revocations.isRevoked(b), false);

      const session = token({ sid: fresh('sid') });
      await revocations.revokeSession(session.sid as string);
      assert.equal(await revocations.isRevoked(session), true);

      await revocations.revokeSubject(a.sub as string, now + 0.5);
      assert.equal(await revocations.isRevoked(b), true, 'issued before the cut-off');
      assert.equal(await revocations.isRevoked(token({ sub: a.sub, iat: now + 1 })), false, 'issued after it');
      assert.equal(await revocations.isRevoked(token({ sub: a.sub, iat: undefined })), true, 'no iat: fails closed');

      const link = token({});
      assert.equal(await revocations.consumeOnce(link), true);
      assert.equal(await revocations.consumeOnce(link), false);
      assert.equal(await revocations.consumeOnce(token({ exp: now - 120 })), false, 'an expired one-time token is spent');
      const once = await Promise.all(
        Array.from({ length: 20 }, () => revocations.consumeOnce(token({ jti: `same-${link.jti}` }))),
      );
      assert.equal(once.filter(Boolean).length, 1);
    });

    it('judges a payload object by the claims it holds now, however often it was checked before', async () => {
      // The list remembers the record keys of a payload object (a verifier's cache hands out the
      // same one again); a payload changed since must never be judged by its old claims.
      const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
      const now = Math.floor(Date.now() / 1000);
      const revoked = { jti: fresh('jti'), sid: fresh('sid'), sub: fresh('user') };
      await revocations.revoke({ jti: revoked.jti, exp: now + 600 });
      await revocations.revokeSession(revoked.sid);
      await revocations.revokeSubject(revoked.sub, now + 0.5);
      const clean = { jti: fresh('jti'), sid: fresh('sid'), sub: fresh('user') };
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ jti: fc.boolean(), sid: fc.boolean(), sub: fc.boolean(), present: fc.boolean() }), {
            minLength: 1,
            maxLength: 8,
          }),
          async (steps) => {
            const payload: Record<string, unknown> = { iat: now, exp: now + 600 };
            for (const step of steps) {
              for (const claim of ['jti', 'sid', 'sub'] as const) {
                if (step.present || claim === 'sub') payload[claim] = step[claim] ? revoked[claim] : clean[claim];
                else delete payload[claim];
              }
              const expected = (payload.jti === revoked.jti ||
                payload.sid === revoked.sid ||
                payload.sub === revoked.sub) as boolean;
              assert.equal(await revocations.isRevoked(payload as JWTPayload), expected, JSON.stringify(payload));
            }
          },
        ),
        { numRuns: 40 },
      );
    });

    it('rotates refresh tokens; a reused one revokes its family and the access tokens it issued', async () => {
      const tokens = createTokenIssuer({ ring, store, accessTokenLifetime: '10m' });
      const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'] });
      const sub = fresh('user');
      for (const claim of ['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid'])
        await assert.rejects(tokens.issueTokenPair({ sub, [claim]: 1 }), new RegExp(`"user\\.${claim}": cannot be set per user`));
      const first = await tokens.issueTokenPair({ sub, scope: 'read' });
      const { payload } = await verify(first.accessToken);
      assert.deepEqual([payload.sub, payload.scope, typeof payload.sid, typeof payload.jti], [sub, 'read', 'string', 'string']);
      assert.ok((payload.exp as number) - (payload.iat as number) === 600, "the lifetime is the issuer's");
      assert.notEqual(first.refreshToken.split('.')[0], payload.sid, 'access tokens do not reveal the family id');

      const second = await tokens.refresh(first.refreshToken);
      const secondPayload = (await verify(second.accessToken)).payload;
      assert.equal(secondPayload.sid, payload.sid);
      assert.equal(await tokens.revocations.isRevoked(secondPayload), false);

      await rejectsWith(tokens.refresh(first.refreshToken), 'ERR_REFRESH_TOKEN_REUSED');
      await rejectsWith(tokens.refresh(second.refreshToken), 'ERR_REFRESH_TOKEN_INVALID');
      assert.equal(await tokens.revocations.isRevoked(secondPayload), true, 'the family is gone, its access tokens too');

      for (const bad of ['', 'abc', `${first.refreshToken}x`, `${'A'.repeat(22)}.${'B'.repeat(43)}`]) {
        await rejectsWith(tokens.refresh(bad), 'ERR_REFRESH_TOKEN_INVALID');
      }
    });

    it('lets exactly one of 100 concurrent refreshes of one token win', async () => {
      const tokens = createTokenIssuer({ ring, store });
      const { refreshToken } = await tokens.issueTokenPair({ sub: fresh('user') });
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => tokens.refresh(refreshToken)));
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results) {
        if (result.status === 'rejected')
          assert.ok(['ERR_REFRESH_TOKEN_REUSED', 'ERR_REFRESH_TOKEN_INVALID'].includes(result.reason.code), result.reason.code);
      }
    });

    it('logs out one session, and a subject everywhere', async () => {
      const tokens = createTokenIssuer({ ring, store });
      const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'] });
      const sub = fresh('user');
      const phone = await tokens.issueTokenPair({ sub });
      const laptop = await tokens.issueTokenPair({ sub });
      const phoneAccess = (await verify(phone.accessToken)).payload;
      await tokens.logout({ refreshToken: phone.refreshToken, accessToken: phoneAccess });
      assert.equal(await tokens.revocations.isRevoked(phoneAccess), true);
      await rejectsWith(tokens.refresh(phone.refreshToken), 'ERR_REFRESH_TOKEN_INVALID');
      const laptopAccess = (await verify(laptop.accessToken)).payload;
      assert.equal(await tokens.revocations.isRevoked(laptopAccess), false);

      await tokens.logoutAll(sub);
      assert.equal(await tokens.revocations.isRevoked(laptopAccess), true);
      await rejectsWith(tokens.refresh(laptop.refreshToken), 'ERR_REFRESH_TOKEN_INVALID');
      assert.equal(decodeJWT(laptop.accessToken).payload.sub, sub);
    });
  });
}
