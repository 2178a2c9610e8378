// Catalogue entry 39: sessions that come back. Log out with only the access token, log out
// everywhere, then let the clock pass every revocation record of the default configuration: a
// refresh token (or access token) issued before the logouts must stay refused, while a session
// begun after them keeps working until its own lifetime ends. Memory store, web APIs only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createVerifier, JWTKitError } from 'jwtkit';
import { createKeyRing, createTokenIssuer } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import { testClock } from '../support/clock.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const REFRESH = 30 * DAY; // the default refresh lifetime
/**
 * The lives of the records the default configuration writes, plus its 60 s tolerance: the access
 * token (15 min), the old session and cut-off records (access + 60 s, and 16 min), the revocation
 * list's default (1 day) and the refresh token's (30 days).
 */
const EDGES = [15 * MINUTE, 16 * MINUTE, DAY, REFRESH].map((life) => life + MINUTE);

describe('39. sessions that come back', () => {
  const at = testClock();

  it('refuses tokens issued before a logout by access token and a logout everywhere, forever', async () => {
    const start = 1_900_000_000_000;
    at(start);
    const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
    const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'], clockTolerance: 60 });
    const accepted = async (issuer: ReturnType<typeof createTokenIssuer>, token: string) => {
      try {
        return !(await issuer.revocations.isRevoked((await verify(token)).payload));
      } catch (error) {
        if (error instanceof JWTKitError && error.code === 'ERR_JWT_EXPIRED') return false;
        throw error;
      }
    };
    const refreshes = async (issuer: ReturnType<typeof createTokenIssuer>, token: string) => {
      try {
        return await issuer.refresh(token);
      } catch (error) {
        if (error instanceof JWTKitError && error.code.startsWith('ERR_REFRESH_TOKEN_')) return undefined;
        throw error;
      }
    };

    // Moments to look at: just before and just past each record's life, and generated ones between.
    const moments = fc
      .array(fc.integer({ min: 1, max: 2 * REFRESH }), { maxLength: 8 })
      .map((extra) => [...new Set([...EDGES.flatMap((edge) => [edge - 1, edge + SECOND]), ...extra])].sort((a, b) => a - b));

    await fc.assert(
      fc.asyncProperty(moments, async (offsets) => {
        at(start);
        const issuer = createTokenIssuer({ ring, store: createMemoryStore() });
        // A phone logs out with only its access token (what POST /logout of the demo does).
        const phone = await issuer.issueTokenPair({ sub: 'ada' });
        await issuer.logout({ accessToken: (await verify(phone.accessToken)).payload });
        // A laptop rotated once, then "log out everywhere".
        const laptop = await issuer.issueTokenPair({ sub: 'ada' });
        const rotated = await issuer.refresh(laptop.refreshToken);
        await issuer.logoutAll('ada');
        const covered = { refresh: [phone.refreshToken, rotated.refreshToken], access: [phone.accessToken, rotated.accessToken] };
        // Positive control: a session begun after the logouts, refreshed at each moment it still can be.
        at(start + SECOND);
        let control = await issuer.issueTokenPair({ sub: 'ada' });
        let rotatedAt = start + SECOND;

        for (const offset of offsets) {
          const now = start + SECOND + offset;
          at(now);
          for (const token of covered.refresh)
            assert.equal(await refreshes(issuer, token), undefined, `refresh at +${offset} ms`);
          for (const token of covered.access) assert.equal(await accepted(issuer, token), false, `access at +${offset} ms`);
          const next = await refreshes(issuer, control.refreshToken);
          assert.equal(next !== undefined, now < rotatedAt + REFRESH, `the control session at +${offset} ms`);
          control = next ?? (await issuer.issueTokenPair({ sub: 'ada' }));
          rotatedAt = now;
          assert.equal(await accepted(issuer, control.accessToken), true, 'the control access token');
        }
      }),
      { numRuns: 25 },
    );
  });
});
