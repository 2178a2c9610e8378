// RFC 9068 access tokens against the peers: tokens our issuer makes pass oauth4webapi's
// validateJwtAccessToken (which fetches our JWKS from a real server on 127.0.0.1), and tokens jose
// makes pass our preset. Must never happen: the two sides disagree on a token, ours accepting what
// the reference resource server refuses or the reverse. Node only: the peers are npm packages.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import * as jose from 'jose';
import { createAccessTokenVerifier, createLocalJWKS, type JWKS } from 'jwtkit';
import { createKeyRing, createTokenIssuer } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import * as oauth from 'oauth4webapi';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';
const REQUIRED = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

/** A JWKS endpoint on 127.0.0.1 whose keys the test sets. */
let jwks: JWKS = { keys: [] };
let server: Server;
let as: oauth.AuthorizationServer;
before(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  as = { issuer: ISSUER, jwks_uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks` };
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** oauth4webapi's verdict, as a resource server receiving the token as a Bearer header. */
function reference(token: string): Promise<oauth.JWTAccessTokenClaims> {
  const request = new Request(`${AUDIENCE}/things`, { headers: { authorization: `Bearer ${token}` } });
  // A fresh server object and JWKS cache each time (oauth4webapi caches keys per object): the test swaps keys between cases.
  return oauth.validateJwtAccessToken({ ...as }, request, AUDIENCE, {
    [oauth.allowInsecureRequests]: true,
    [oauth.jwksCache]: {},
  });
}
const verdict = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    () => 'refused',
  );

describe('RFC 9068 interop: our issuer, oauth4webapi as the resource server', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`accepts ${alg} access tokens from createTokenIssuer with accessTokenProfile, after login and refresh`, async () => {
      const ring = await createKeyRing({ alg });
      jwks = ring.jwks();
      const tokens = createTokenIssuer({
        ring,
        store: createMemoryStore(),
        accessTokenProfile: { issuer: ISSUER, audience: AUDIENCE, clientId: 's6BhdRkqt3' },
      });
      const pair = await tokens.issueTokenPair({ sub: 'ada', scope: 'read write' });
      const next = await tokens.refresh(pair.refreshToken);
      for (const token of [pair.accessToken, next.accessToken]) {
        const claims = await reference(token);
        assert.deepEqual([claims.sub, claims.client_id, claims.scope, claims.iss], ['ada', 's6BhdRkqt3', 'read write', ISSUER]);
      }
    });
  }

  it('refuses, like our preset, the tokens createTokenIssuer makes without the profile (negative control)', async () => {
    const ring = await createKeyRing({ alg: 'ES256' });
    jwks = ring.jwks();
    const pair = await createTokenIssuer({ ring, store: createMemoryStore() }).issueTokenPair({ sub: 'ada', client_id: 'c' });
    await assert.rejects(reference(pair.accessToken));
    const ours = createAccessTokenVerifier({ key: ring.resolver, issuer: ISSUER, audience: AUDIENCE });
    await assert.rejects(ours(pair.accessToken), { code: 'ERR_JWT_CLAIM_INVALID' });
  });
});

describe('RFC 9068 interop: jose as the issuer', () => {
  it('our preset and oauth4webapi give the same verdict on every token jose signs (typ, claims, iss, aud)', async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
    const publicJWK = { ...(await jose.exportJWK(publicKey)), alg: 'ES256', kid: 'k1' };
    jwks = { keys: [publicJWK] } as JWKS;
    const ours = createAccessTokenVerifier({ key: createLocalJWKS(jwks), issuer: ISSUER, audience: AUDIENCE });
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('at+jwt', 'application/at+jwt', 'AT+JWT', 'JWT', 'dpop+jwt', undefined),
        fc.option(fc.constantFrom(...REQUIRED), { nil: undefined }),
        fc.constantFrom(ISSUER, 'https://evil.example'),
        fc.constantFrom(AUDIENCE, 'https://other.example.com'),
        async (typ, dropped, iss, aud) => {
          const now = Math.floor(Date.now() / 1000);
          const claims: Record<string, unknown> = { iss, aud, sub: 'ada', client_id: 'c1', jti: 'j1', iat: now, exp: now + 300 };
          if (dropped !== undefined) delete claims[dropped];
          const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ }).sign(privateKey);
          const theirs = await verdict(reference(token));
          assert.equal(await verdict(ours(token)), theirs, `typ ${typ}, without ${dropped}, iss ${iss}, aud ${aud}`);
          if (theirs === 'accepted') accepted++;
        },
      ),
      // The accepted shape is one draw in about fifty: given as an example, so every run has it.
      { numRuns: 60, examples: [['at+jwt', undefined, ISSUER, AUDIENCE]] },
    );
    // Positive control: the property saw tokens both accept, not only refusals.
    assert.ok(accepted > 0);
  });

  for (const alg of ['RS256', 'PS256', 'ES384', 'EdDSA'] as const) {
    it(`accepts a ${alg} at+jwt token jose signs, with the claims it carries`, async () => {
      const { privateKey, publicKey } = await jose.generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
      const ours = createAccessTokenVerifier({
        key: createLocalJWKS({ keys: [await jose.exportJWK(publicKey)] } as JWKS),
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      const token = await new jose.SignJWT({ client_id: 'c1', scope: 'read', auth_time: 1 })
        .setProtectedHeader({ alg, typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience([AUDIENCE, 'https://other.example.com'])
        .setSubject('ada')
        .setJti('j1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const { payload, header } = await ours(token);
      assert.deepEqual([payload.client_id, payload.scope, header.alg], ['c1', 'read', alg]);
    });
  }
});
