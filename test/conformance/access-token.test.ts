// RFC 9068 access tokens: the verifier preset (verifyAccessToken, createAccessTokenVerifier) and the
// issuer's accessTokenProfile. Must never happen: an ID token or any JWT not typed at+jwt accepted
// as an access token; a token without one of iss, exp, aud, sub, client_id, iat, jti accepted; a
// wrong iss or aud, or an expired token, accepted; a verifier made without issuer or audience; a
// token signed with a shared secret accepted without allowSymmetric (nor its key even looked up).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AccessTokenClaims,
  createAccessTokenVerifier,
  decodeJWT,
  generateKeyPair,
  type JWTClaimError,
  JWTKitError,
  type Key,
  signJWT,
  verifyAccessToken,
} from 'jwtkit';
import { AuthError, createAuthenticator } from 'jwtkit/http';
import { createKeyRing, createTokenIssuer } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import { rejectsWith, throwsWith } from '../support/errors.js';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';
const NOW = 1_900_000_000;
const REQUIRED = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;
const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';

const keys = generateKeyPair('ES256');
const claimsOf = (): AccessTokenClaims => ({
  iss: ISSUER,
  exp: NOW + 300,
  aud: AUDIENCE,
  sub: 'ada',
  client_id: 's6BhdRkqt3',
  iat: NOW - 10,
  jti: 'dbe39bf3a3ba4238a513f51d6e1691c4',
  scope: 'read write',
});

/** Signs exactly these claims (no iat added) with this header typ (`null`: none at all). */
async function sign(claims: object, typ: string | null = 'at+jwt', key?: Key | string): Promise<string> {
  return signJWT(claims, key ?? (await keys).privateKey, { typ: typ ?? undefined, noTimestamp: true });
}

const options = { issuer: ISSUER, audience: AUDIENCE, now: NOW };
/** A string of the same letters in any case, as RFC 8725 §3.11 compares media types. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join(''));
/** Claim names that are neither registered nor the profile's, and JSON values for them. */
const extraClaims = fc
  .dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((name) => !(name in claimsOf()) && name !== '__proto__'),
    fc.jsonValue({ maxDepth: 1 }),
    { maxKeys: 3 },
  )
  .map((claims) => JSON.parse(JSON.stringify(claims)) as Record<string, unknown>); // -0 travels as 0

async function claimError(promise: Promise<unknown>, claim: string, code = 'ERR_JWT_CLAIM_INVALID'): Promise<JWTClaimError> {
  const error = (await rejectsWith(promise, code)) as JWTClaimError;
  assert.equal(error.claim, claim);
  return error;
}

describe('RFC 9068 access tokens: verifying', () => {
  it('accepts a profile token, typed at+jwt or application/at+jwt in any case, with any other claims (positive control)', async () => {
    const { publicKey } = await keys;
    const verify = createAccessTokenVerifier({ key: publicKey, ...options });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyCase('at+jwt'), anyCase('application/at+jwt')),
        extraClaims,
        fc.array(fc.webUrl(), { maxLength: 2 }),
        async (typ, extra, others) => {
          const claims = { ...extra, ...claimsOf(), aud: [...others, AUDIENCE] };
          const token = await sign(claims, typ);
          for (const result of [await verify(token), await verifyAccessToken(token, publicKey, options)]) {
            assert.deepEqual(result.payload, claims);
            assert.equal(result.header.typ, typ);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses a token missing any one required claim, naming it', async () => {
    const { publicKey } = await keys;
    const verify = createAccessTokenVerifier({ key: publicKey, ...options });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...REQUIRED), extraClaims, async (missing, extra) => {
        const claims: Record<string, unknown> = { ...extra, ...claimsOf() };
        delete claims[missing];
        const token = await sign(claims);
        const error = await claimError(verify(token), missing);
        assert.equal(error.reason, 'missing');
        await claimError(verifyAccessToken(token, publicKey, options), missing);
      }),
      { numRuns: 28 },
    );
  });

  it('refuses any typ other than at+jwt, and none at all', async () => {
    const { publicKey } = await keys;
    const verify = createAccessTokenVerifier({ key: publicKey, ...options });
    const wrong = fc
      .oneof(
        fc.constantFrom('JWT', 'jwt', 'application/jwt', 'id_token+jwt', 'dpop+jwt', 'at+jwt ', 'at+JWS', 'application/at+jwt+x'),
        fc.string({ maxLength: 20 }),
      )
      .filter((typ) => {
        const lower = typ.toLowerCase();
        return lower !== 'at+jwt' && lower !== 'application/at+jwt';
      });
    await fc.assert(
      fc.asyncProperty(fc.option(wrong, { nil: null }), async (typ) => {
        const token = await sign(claimsOf(), typ);
        const error = await claimError(verify(token), 'typ');
        assert.equal(error.reason, typ === null ? 'missing' : 'mismatch');
      }),
      { numRuns: 30 },
    );
  });

  it('refuses an OpenID Connect ID token from the same issuer and key, however its claims look', async () => {
    const { publicKey } = await keys;
    const verify = createAccessTokenVerifier({ key: publicKey, ...options });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(null, 'JWT', 'id_token+jwt'),
        fc.record(
          { nonce: fc.string(), at_hash: fc.base64String(), azp: fc.constant('s6BhdRkqt3'), auth_time: fc.nat() },
          { requiredKeys: [] },
        ),
        async (typ, idClaims) => {
          // Everything an access token has, plus an ID token's members: only typ tells them apart (RFC 9068 §5).
          const token = await sign({ ...claimsOf(), ...idClaims }, typ);
          await claimError(verify(token), 'typ');
        },
      ),
      { numRuns: 15 },
    );
  });

  it('refuses another issuer or audience, and an expired token', async () => {
    const { publicKey } = await keys;
    const verify = createAccessTokenVerifier({ key: publicKey, ...options });
    const other = (value: string) => fc.string({ minLength: 1, maxLength: 30 }).filter((text) => text !== value);
    await fc.assert(
      fc.asyncProperty(other(ISSUER), other(AUDIENCE), fc.integer({ min: 0, max: 10_000 }), async (iss, aud, age) => {
        await claimError(verify(await sign({ ...claimsOf(), iss })), 'iss');
        await claimError(verify(await sign({ ...claimsOf(), aud: [aud] })), 'aud');
        const expired = await sign({ ...claimsOf(), exp: NOW - age });
        await claimError(verify(expired), 'exp', 'ERR_JWT_EXPIRED');
      }),
      { numRuns: 15 },
    );
  });

  it('refuses a client_id, sub or jti that is not a string, and a scope that is not one string', async () => {
    const { publicKey } = await keys;
    const verify = createAccessTokenVerifier({ key: publicKey, ...options });
    const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('client_id', 'sub', 'jti', 'scope'), notString, async (claim, value) => {
        const token = await sign({ ...claimsOf(), [claim]: value });
        const error = await claimError(verify(token), claim);
        assert.equal(error.reason, 'invalid');
      }),
      { numRuns: 20 },
    );
  });

  it('refuses HS256 before looking up a key unless allowSymmetric, and never alg none', async () => {
    let lookups = 0;
    const resolver = () => {
      lookups++;
      return SECRET;
    };
    const token = await sign(claimsOf(), 'at+jwt', SECRET);
    await rejectsWith(createAccessTokenVerifier({ key: resolver, ...options })(token), 'ERR_ALG_NOT_ALLOWED');
    await rejectsWith(verifyAccessToken(token, resolver, options), 'ERR_ALG_NOT_ALLOWED');
    assert.equal(lookups, 0);
    // A secret as the key: refused where the verifier is made, with the option that would allow it.
    const error = throwsWith(() => createAccessTokenVerifier({ key: SECRET, ...options }), 'ERR_KEY_MISMATCH');
    assert.match(error.message, /allowSymmetric: true/);
    throwsWith(() => createAccessTokenVerifier({ key: SECRET, ...options, algorithms: ['HS256'] }), 'ERR_INVALID_OPTION');
    // Positive control: allowed explicitly, the same token passes.
    const allowed = createAccessTokenVerifier({ key: SECRET, ...options, allowSymmetric: true });
    assert.equal((await allowed(token)).payload.client_id, 's6BhdRkqt3');
    const unsecured = `${btoa('{"alg":"none","typ":"at+jwt"}').replace(/=+$/, '')}.${token.split('.')[1]}.`;
    await rejectsWith(allowed(unsecured), 'ERR_ALG_NOT_ALLOWED');
  });

  it('refuses to be made without issuer or audience, with typ, or with an unknown option name', async () => {
    const { publicKey } = await keys;
    for (const name of ['issuer', 'audience'] as const) {
      const partial: Record<string, unknown> = { ...options };
      delete partial[name];
      const error = throwsWith(
        () => createAccessTokenVerifier({ key: publicKey, ...(partial as typeof options) }),
        'ERR_INVALID_OPTION',
      );
      assert.equal((error as JWTKitError & { option: string }).option, name);
      await rejectsWith(verifyAccessToken('a.b.c', publicKey, partial as typeof options), 'ERR_INVALID_OPTION');
    }
    throwsWith(() => createAccessTokenVerifier({ key: publicKey, ...options, typ: 'JWT' } as never), 'ERR_INVALID_OPTION');
    throwsWith(() => createAccessTokenVerifier({ key: publicKey, ...options, audiance: 'x' } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(verifyAccessToken('a.b.c', publicKey, { ...options, maxTokenAge: 5 } as never), 'ERR_INVALID_OPTION');
  });

  it('serves the HTTP middleware as its verifier: an ID token is 401 invalid_token, an access token passes', async () => {
    const { publicKey } = await keys;
    const authenticate = createAuthenticator({
      verifier: createAccessTokenVerifier({ key: publicKey, ...options }),
      requiredScopes: 'read',
    });
    const request = (token: string) => new Request('https://api.example.com/', { headers: { authorization: `Bearer ${token}` } });
    const auth = await authenticate(request(await sign(claimsOf())));
    assert.equal(auth?.payload.client_id, 's6BhdRkqt3');
    const refused = await authenticate(request(await sign(claimsOf(), 'JWT'))).catch((error: unknown) => error);
    assert.ok(refused instanceof AuthError);
    assert.equal(refused.status, 401);
    assert.equal(refused.error, 'invalid_token');
  });
});

describe('RFC 9068 access tokens: issuing with createTokenIssuer', () => {
  const profile = { issuer: ISSUER, audience: AUDIENCE };

  it('issues at+jwt tokens with every required claim, which the preset accepts after login and refresh', async () => {
    const ring = await createKeyRing({ alg: 'ES256' });
    const tokens = createTokenIssuer({ ring, store: createMemoryStore(), accessTokenProfile: { ...profile, clientId: 'web' } });
    const verify = createAccessTokenVerifier({ key: ring.resolver, issuer: ISSUER, audience: AUDIENCE });
    const pair = await tokens.issueTokenPair({ sub: 'ada', scope: 'read' });
    const next = await tokens.refresh(pair.refreshToken);
    for (const token of [pair.accessToken, next.accessToken]) {
      const { payload, header } = await verify(token);
      assert.equal(header.typ, 'at+jwt');
      for (const claim of REQUIRED) assert.notEqual(payload[claim], undefined, claim);
      assert.deepEqual([payload.client_id, payload.scope, payload.sub], ['web', 'read', 'ada']);
    }
    // The user's own client_id wins over the default, and stays with the family.
    const own = await tokens.issueTokenPair({ sub: 'bob', client_id: 'mobile' });
    assert.equal((await verify((await tokens.refresh(own.refreshToken)).accessToken)).payload.client_id, 'mobile');
  });

  it('keeps its tokens as before without the option: typed JWT, so the preset refuses them', async () => {
    const ring = await createKeyRing({ alg: 'ES256' });
    const pair = await createTokenIssuer({ ring, store: createMemoryStore() }).issueTokenPair({ sub: 'ada', client_id: 'c' });
    const { header, payload } = decodeJWT(pair.accessToken);
    assert.equal(header.typ, 'JWT');
    assert.equal(payload.iss, undefined);
    const verify = createAccessTokenVerifier({ key: ring.resolver, issuer: ISSUER, audience: AUDIENCE });
    await claimError(verify(pair.accessToken), 'typ');
  });

  it('refuses a login without client_id or with a scope list, and unusable profile options', async () => {
    const ring = await createKeyRing({ alg: 'ES256' });
    const tokens = createTokenIssuer({ ring, store: createMemoryStore(), accessTokenProfile: profile });
    await rejectsWith(tokens.issueTokenPair({ sub: 'ada' }), 'ERR_INVALID_OPTION');
    await rejectsWith(tokens.issueTokenPair({ sub: 'ada', client_id: 'c', scope: ['read'] }), 'ERR_INVALID_OPTION');
    const store = createMemoryStore();
    for (const accessTokenProfile of [
      { audience: AUDIENCE },
      { issuer: ISSUER },
      { issuer: '', audience: AUDIENCE },
      { issuer: ISSUER, audience: [] },
      { issuer: ISSUER, audience: AUDIENCE, clientId: 5 },
      { issuer: ISSUER, audience: AUDIENCE, client_id: 'c' },
      'at+jwt',
    ]) {
      const error = throwsWith(
        () => createTokenIssuer({ ring, store, accessTokenProfile: accessTokenProfile as never }),
        'ERR_INVALID_OPTION',
      );
      assert.ok(error instanceof JWTKitError);
    }
  });
});
