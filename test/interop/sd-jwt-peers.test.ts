// SD-JWT interop both ways with @sd-jwt/core 0.19 (openwallet-foundation/sd-jwt-js): SD-JWTs
// issued and presented (with key binding) by jwtkit verify there with the same disclosed claims,
// and SD-JWTs issued and presented there verify with jwtkit. Node only: the peer is a Node package.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SDJwtInstance } from '@sd-jwt/core';
import { importKey, type JWK } from 'jwtkit';
import { issueSDJWT, presentSDJWT, verifySDJWT } from 'jwtkit/sd-jwt';
import { rejectsWith } from '../support/errors.js';
import { holderKeys, issuerKeys, peerConfig } from '../support/sd-jwt-peer.js';

const AUD = 'https://verifier.example';
const NONCE = 'n-0S6_WzA2Mj';

/** The peer, configured as its README shows: every role brings its own signer, verifier, hasher and salts. */
const peer = new SDJwtInstance(peerConfig);

const CLAIMS = {
  sub: 'user-42',
  given_name: 'Ada',
  birthdate: '1815-12-10',
  address: { locality: 'London', country: 'GB' },
  nationalities: ['GB', 'FR', 'DE'],
};

describe('sd-jwt interop: jwtkit issues and presents, @sd-jwt/core verifies', () => {
  it('the disclosed claims, nested and array ones included, and the key binding verify there', async () => {
    const issuerKey = await importKey(issuerKeys.privateKey as JWK, { alg: 'ES256' });
    const sdJwt = await issueSDJWT(CLAIMS, issuerKey, {
      disclosable: {
        _sd: ['given_name', 'birthdate', 'address'],
        address: { _sd: ['locality', 'country'] },
        nationalities: { _sd: [0, 2], _sd_decoy: 1 },
      },
      decoys: 2,
      holderKey: holderKeys.publicKey as JWK,
    });
    const presentation = await presentSDJWT(sdJwt, {
      disclose: ['given_name', ['address', 'country'], ['nationalities', 2]],
      keyBinding: { key: holderKeys.privateKey as JWK, aud: AUD, nonce: NONCE },
    });
    const verified = await peer.verify(presentation, { keyBindingNonce: NONCE });
    const payload = verified.payload as Record<string, unknown>;
    assert.equal(payload.given_name, 'Ada');
    assert.deepEqual(payload.address, { country: 'GB' });
    assert.deepEqual(payload.nationalities, ['FR', 'DE']);
    assert.equal(payload.birthdate, undefined);
    assert.equal(verified.kb?.payload.aud, AUD);
    // The peer reads every Disclosure of the full SD-JWT the same way.
    assert.deepEqual(await peer.getClaims(sdJwt), { ...CLAIMS, cnf: { jwk: holderKeys.publicKey }, iat: payload.iat });
  });
});

describe('sd-jwt interop: @sd-jwt/core issues and presents, jwtkit verifies', () => {
  it('the presented claims and the key binding verify with jwtkit', async () => {
    const sdJwt = await peer.issue(
      { ...CLAIMS, iss: 'https://issuer.example', iat: Math.floor(Date.now() / 1000), cnf: { jwk: holderKeys.publicKey } },
      {
        _sd: ['given_name', 'birthdate', 'address'],
        address: { _sd: ['locality', 'country'] },
        nationalities: { _sd: [0, 1, 2] },
      },
    );
    const presentation = await peer.present(
      sdJwt,
      { birthdate: true, address: { locality: true }, nationalities: { 1: true } },
      { kb: { payload: { aud: AUD, nonce: NONCE, iat: Math.floor(Date.now() / 1000) } } },
    );
    const { payload, keyBinding } = await verifySDJWT(presentation, issuerKeys.publicKey as JWK, {
      issuer: 'https://issuer.example',
      keyBinding: { audience: AUD, nonce: NONCE },
    });
    assert.equal(payload.birthdate, '1815-12-10');
    assert.deepEqual(payload.address, { locality: 'London' });
    assert.deepEqual(payload.nationalities, ['FR']);
    assert.equal(payload.given_name, undefined);
    assert.equal(keyBinding?.payload.nonce, NONCE);
    // And what jwtkit then refuses: the peer's presentation replayed to another verifier.
    await rejectsWith(
      verifySDJWT(presentation, issuerKeys.publicKey as JWK, { keyBinding: { audience: 'https://other.example', nonce: NONCE } }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
  });

  it('an SD-JWT of the peer presented by jwtkit verifies at the peer again (holder in the middle)', async () => {
    const sdJwt = await peer.issue({ ...CLAIMS, cnf: { jwk: holderKeys.publicKey } }, { _sd: ['given_name', 'birthdate'] });
    const presentation = await presentSDJWT(sdJwt, {
      disclose: ['birthdate'],
      keyBinding: { key: holderKeys.privateKey as JWK, aud: AUD, nonce: NONCE },
    });
    const verified = await peer.verify(presentation, { keyBindingNonce: NONCE });
    assert.equal((verified.payload as Record<string, unknown>).birthdate, '1815-12-10');
    assert.equal((verified.payload as Record<string, unknown>).given_name, undefined);
  });
});
