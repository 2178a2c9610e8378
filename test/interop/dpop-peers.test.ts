// DPoP interop with the npm peers (Node only; the wire format is what is proven): proofs made by
// panva's `dpop` are accepted by verifyDPoPProof (and refused on every binding they do not match),
// and proofs made by createDPoPProof are accepted by oauth4webapi's resource-server check
// (validateJwtAccessToken with a DPoP-bound RFC 9068 token) and by jose with an embedded JWK.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as DPoP from 'dpop';
import * as jose from 'jose';
import {
  createDPoPNonces,
  createDPoPProof,
  type DPoPProofInvalidError,
  exportKey,
  generateKeyPair,
  jwkThumbprint,
  signJWT,
  verifyDPoPProof,
} from 'jwtkit';
import { createMemoryStore } from 'jwtkit/stores';
import * as oauth from 'oauth4webapi';
import { rejectsWith } from '../support/errors.js';

const HTU = 'https://rs.example.com/api/orders';
const ACCESS_TOKEN = 'opaque-or-jwt-access-token';

async function refusedFor(promise: Promise<unknown>, reason: string): Promise<void> {
  const error = await rejectsWith(promise, 'ERR_DPOP_PROOF_INVALID');
  assert.equal((error as DPoPProofInvalidError).reason, reason);
}

describe('proofs made by the npm dpop package, verified by verifyDPoPProof', () => {
  for (const alg of ['ES256', 'Ed25519', 'RS256', 'PS256'] as const) {
    it(`accepts a ${alg} proof for a resource request (ath, cnf.jkt) and refuses its replay`, async () => {
      const keyPair = await DPoP.generateKeyPair(alg);
      const jkt = await DPoP.calculateThumbprint(keyPair.publicKey);
      const proof = await DPoP.generateProof(keyPair, `${HTU}?page=2`, 'GET', undefined, ACCESS_TOKEN);
      const replay = createMemoryStore();
      const options = { htm: 'GET', htu: HTU, accessToken: ACCESS_TOKEN, jkt, replay };
      const result = await verifyDPoPProof(proof, options);
      assert.equal(result.jkt, jkt);
      await refusedFor(verifyDPoPProof(proof, options), 'replay');
    });
  }

  it('accepts a token-endpoint proof with a server nonce from createDPoPNonces', async () => {
    const keyPair = await DPoP.generateKeyPair('ES256');
    const nonces = createDPoPNonces({ secret: 's'.repeat(32) });
    const proof = await DPoP.generateProof(keyPair, 'https://as.example.com/token', 'POST', await nonces.issue());
    await verifyDPoPProof(proof, { htm: 'POST', htu: 'https://as.example.com/token', nonce: nonces, replay: false });
    const without = await DPoP.generateProof(keyPair, 'https://as.example.com/token', 'POST');
    await rejectsWith(
      verifyDPoPProof(without, { htm: 'POST', htu: 'https://as.example.com/token', nonce: nonces, replay: false }),
      'ERR_DPOP_NONCE_REQUIRED',
    );
  });

  it('refuses a dpop proof for another method, URL, access token or key', async () => {
    const keyPair = await DPoP.generateKeyPair('ES256');
    const otherKey = await DPoP.generateKeyPair('ES256');
    const jkt = await DPoP.calculateThumbprint(keyPair.publicKey);
    const base = { htm: 'GET', htu: HTU, accessToken: ACCESS_TOKEN, jkt, replay: false as const };
    const proof = await DPoP.generateProof(keyPair, HTU, 'GET', undefined, ACCESS_TOKEN);
    await refusedFor(verifyDPoPProof(proof, { ...base, htm: 'POST' }), 'htm');
    await refusedFor(verifyDPoPProof(proof, { ...base, htu: `${HTU}/7` }), 'htu');
    await refusedFor(verifyDPoPProof(proof, { ...base, accessToken: `${ACCESS_TOKEN}2` }), 'ath');
    const foreign = await DPoP.generateProof(otherKey, HTU, 'GET', undefined, ACCESS_TOKEN);
    await refusedFor(verifyDPoPProof(foreign, base), 'jkt');
  });
});

describe('proofs made by createDPoPProof, verified by the peers', () => {
  it('oauth4webapi validateJwtAccessToken accepts a DPoP request with our proof and a bound at+jwt token', async () => {
    const issuerKeys = await generateKeyPair('ES256', { kid: 'as-1' });
    const clientKeys = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportKey(issuerKeys.publicKey, 'jwk')), kid: 'as-1', alg: 'ES256' }] };
    const as: oauth.AuthorizationServer = { issuer: 'https://as.example.com', jwks_uri: 'https://as.example.com/jwks' };
    const accessToken = await signJWT(
      { client_id: 'app', scope: 'orders', cnf: { jkt: await jwkThumbprint(clientKeys.publicKey) } },
      issuerKeys.privateKey,
      { typ: 'at+jwt', issuer: as.issuer, audience: 'https://rs.example.com', subject: 'ada', jwtId: 'at-1', expiresIn: '5m' },
    );
    const request = async (proof: string) =>
      new Request(`${HTU}?page=2`, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
    const validate = async (proof: string) =>
      oauth.validateJwtAccessToken(as, await request(proof), 'https://rs.example.com', {
        requireDPoP: true,
        [oauth.customFetch]: async (url: string) => {
          assert.equal(url, as.jwks_uri);
          return Response.json(jwks, { headers: { 'content-type': 'application/json' } });
        },
      });
    const proof = await createDPoPProof(clientKeys, { htm: 'GET', htu: `${HTU}?page=2`, accessToken });
    const claims = await validate(proof);
    assert.equal(claims.sub, 'ada');
    // Negative control: the peer does check what we sign (a proof for another method is refused there too).
    await assert.rejects(validate(await createDPoPProof(clientKeys, { htm: 'POST', htu: HTU, accessToken })));
  });

  for (const alg of ['ES256', 'ES384', 'EdDSA', 'PS256'] as const) {
    it(`jose compactVerify with EmbeddedJWK accepts our ${alg} proof, and its thumbprint is ours`, async () => {
      const keyPair = await generateKeyPair(alg);
      const proof = await createDPoPProof(keyPair, { htm: 'PUT', htu: HTU, nonce: 'abc' });
      const { protectedHeader, payload } = await jose.compactVerify(proof, jose.EmbeddedJWK, { algorithms: [alg] });
      assert.equal(protectedHeader.typ, 'dpop+jwt');
      assert.equal(await jose.calculateJwkThumbprint(protectedHeader.jwk as jose.JWK), await jwkThumbprint(keyPair.publicKey));
      const claims = JSON.parse(new TextDecoder().decode(payload));
      assert.deepEqual([claims.htm, claims.htu, claims.nonce], ['PUT', HTU, 'abc']);
    });
  }
});
