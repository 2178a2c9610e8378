// createTokenIssuer with DPoP-bound sessions (RFC 9449 §5, §6.1). The random sequences of the
// session model (test/support/session-model.ts) cover bound sessions too; these are the cases by
// name.
//
// What must never happen:
// - a refresh of a bound family without a proof, or with a proof of another key, that succeeds;
// - such a refused refresh that rotates the family or revokes it (a thief without the key could
//   then end the real client's session, or learn which token is current);
// - an access token of a bound session without `cnf.jkt`, or with another key's;
// - a login that binds only the access token (a `cnf.jkt` passed as a user claim: the refresh
//   tokens would stay unbound);
// - an unbound family whose behaviour changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createAccessTokenVerifier,
  createDPoPProof,
  createVerifier,
  decodeJWT,
  generateKeyPair,
  jwkThumbprint,
  RefreshTokenInvalidError,
  verifyDPoPProof,
} from 'jwtkit';
import { createKeyRing, createTokenIssuer } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import { rejectsWith } from '../support/errors.js';

const TOKEN_URL = 'https://as.example.com/token';
const A = 'A'.repeat(43);
const B = 'B'.repeat(43);

async function setup(accessTokenProfile?: { issuer: string; audience: string; clientId: string }) {
  const ring = await createKeyRing({ alg: 'ES256' });
  const tokens = createTokenIssuer({ ring, store: createMemoryStore(), ...(accessTokenProfile && { accessTokenProfile }) });
  const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'] });
  const cnf = async (token: string) => ((await verify(token)).payload.cnf as { jkt?: string } | undefined)?.jkt;
  return { ring, tokens, cnf };
}

async function refusedFor(promise: Promise<unknown>, reason: string) {
  const error = await rejectsWith(promise, 'ERR_REFRESH_TOKEN_INVALID');
  assert.ok(error instanceof RefreshTokenInvalidError);
  assert.equal(error.reason, reason, error.message);
}

describe('createTokenIssuer: sessions bound to a DPoP key', () => {
  it('binds the session to the key of a verified token-endpoint proof: cnf.jkt, token type DPoP, after refresh too', async () => {
    const { tokens, cnf } = await setup();
    const client = await generateKeyPair('ES256');
    const proof = await createDPoPProof(client, { htm: 'POST', htu: TOKEN_URL });
    const verified = await verifyDPoPProof(proof, { htm: 'POST', htu: TOKEN_URL, replay: false });
    const pair = await tokens.issueTokenPair({ sub: 'ada' }, { dpop: verified });
    assert.equal(pair.tokenType, 'DPoP');
    assert.equal(await cnf(pair.accessToken), await jwkThumbprint(client.publicKey));
    const next = await tokens.refresh(pair.refreshToken, { dpop: verified });
    assert.equal(next.tokenType, 'DPoP');
    assert.equal(await cnf(next.accessToken), verified.jkt);
  });

  it('refuses a refresh without a proof or with another key, and changes nothing: the right key still refreshes', async () => {
    const { tokens } = await setup();
    const pair = await tokens.issueTokenPair({ sub: 'ada' }, { dpop: { jkt: A } });
    await refusedFor(tokens.refresh(pair.refreshToken), 'dpop_proof_missing');
    await refusedFor(tokens.refresh(pair.refreshToken, {}), 'dpop_proof_missing');
    await refusedFor(tokens.refresh(pair.refreshToken, { dpop: { jkt: B } }), 'dpop_key_mismatch');
    // Not rotated (the same token works) and not revoked (the session goes on).
    const next = await tokens.refresh(pair.refreshToken, { dpop: { jkt: A } });
    assert.ok(!(await tokens.revocations.isRevoked(decodeJWT(next.accessToken).payload)));
  });

  it('does not let a spent refresh token end the session without the key: reuse needs the key', async () => {
    const { tokens } = await setup();
    const pair = await tokens.issueTokenPair({ sub: 'ada' }, { dpop: { jkt: A } });
    const next = await tokens.refresh(pair.refreshToken, { dpop: { jkt: A } });
    // A thief holding the spent token but not the key: refused as unbound, the family lives on.
    await refusedFor(tokens.refresh(pair.refreshToken, { dpop: { jkt: B } }), 'dpop_key_mismatch');
    await refusedFor(tokens.refresh(pair.refreshToken), 'dpop_proof_missing');
    const after = await tokens.refresh(next.refreshToken, { dpop: { jkt: A } });
    // With the key, a spent token is reuse, as for any family.
    await rejectsWith(tokens.refresh(next.refreshToken, { dpop: { jkt: A } }), 'ERR_REFRESH_TOKEN_REUSED');
    await rejectsWith(tokens.refresh(after.refreshToken, { dpop: { jkt: A } }), 'ERR_REFRESH_TOKEN_INVALID');
  });

  it('keeps unbound families as before, and binds only the new access token when their refresh brings a key', async () => {
    const { tokens, cnf } = await setup();
    const pair = await tokens.issueTokenPair({ sub: 'ada' });
    assert.equal(pair.tokenType, 'Bearer');
    assert.equal(await cnf(pair.accessToken), undefined);
    const bound = await tokens.refresh(pair.refreshToken, { dpop: { jkt: B } });
    assert.deepEqual([bound.tokenType, await cnf(bound.accessToken)], ['DPoP', B]);
    const plain = await tokens.refresh(bound.refreshToken);
    assert.deepEqual([plain.tokenType, await cnf(plain.accessToken)], ['Bearer', undefined]);
  });

  it('issues RFC 9068 at+jwt tokens with cnf.jkt, which the access-token preset accepts', async () => {
    const profile = { issuer: 'https://as.example.com', audience: 'https://rs.example.com', clientId: 'app' };
    const { ring, tokens } = await setup(profile);
    const verify = createAccessTokenVerifier({ key: ring.resolver, issuer: profile.issuer, audience: profile.audience });
    const pair = await tokens.issueTokenPair({ sub: 'ada', scope: 'orders' }, { dpop: { jkt: A } });
    const { header, payload } = await verify(pair.accessToken);
    assert.deepEqual([header.typ, payload.cnf, payload.client_id], ['at+jwt', { jkt: A }, 'app']);
  });

  it('refuses cnf.jkt as a user claim, keeps other confirmation members beside the bound key', async () => {
    const { tokens } = await setup();
    await rejectsWith(tokens.issueTokenPair({ sub: 'ada', cnf: { jkt: A } }), 'ERR_INVALID_OPTION');
    const mtls = { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' };
    const pair = await tokens.issueTokenPair({ sub: 'ada', cnf: mtls }, { dpop: { jkt: A } });
    assert.deepEqual(decodeJWT(pair.accessToken).payload.cnf, { ...mtls, jkt: A });
    const plain = await tokens.issueTokenPair({ sub: 'ada', cnf: mtls });
    assert.deepEqual(decodeJWT(plain.accessToken).payload.cnf, mtls);
  });

  it('refuses a dpop option that is not a thumbprint, and unknown option names', async () => {
    const { tokens } = await setup();
    const pair = await tokens.issueTokenPair({ sub: 'ada' });
    for (const options of [
      { dpop: { jkt: 'short' } },
      { dpop: { jkt: `${A}=` } },
      { dpop: 'x' },
      { dpop: null },
      { dpop: {} },
      { dpob: { jkt: A } },
      'x',
    ]) {
      await rejectsWith(tokens.issueTokenPair({ sub: 'ada' }, options as never), 'ERR_INVALID_OPTION');
      await rejectsWith(tokens.refresh(pair.refreshToken, options as never), 'ERR_INVALID_OPTION');
    }
    // Nothing was spent by the refused calls.
    assert.equal((await tokens.refresh(pair.refreshToken)).tokenType, 'Bearer');
  });
});
