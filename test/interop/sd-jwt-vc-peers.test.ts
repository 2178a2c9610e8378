// SD-JWT VC interop both ways with @sd-jwt/sd-jwt-vc 0.19 (openwallet-foundation/sd-jwt-js): credentials
// issued and presented (with key binding) by jwtkit verify there, and credentials issued and presented
// there verify with verifySDJWTVC. Then where the two differ (docs/decisions.md "SD-JWT VC"): the peer's
// verify checks neither typ, nor vct, nor that iss/nbf/exp/cnf/vct/vct#integrity/status stayed out of
// the Disclosures, and its issuer lets vct#integrity and parts of cnf be disclosable; jwtkit refuses
// each. Node only: the peer is a Node package.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SDJwtInstance } from '@sd-jwt/core';
import { type SDJWTVCConfig, SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { importKey, type JWK } from 'jwtkit';
import { issueSDJWTVC, presentSDJWT, verifySDJWTVC } from 'jwtkit/sd-jwt';
import { rejectsWith } from '../support/errors.js';
import { holderKeys, issuerKeys, peerConfig } from '../support/sd-jwt-peer.js';

const ISS = 'https://issuer.example';
const VCT = 'https://credentials.example.com/identity_credential';
const AUD = 'https://verifier.example';
const NONCE = 'n-0S6_WzA2Mj';
const issuerPublic = issuerKeys.publicKey as JWK;
const now = () => Math.floor(Date.now() / 1000);

const config: SDJWTVCConfig = peerConfig;
/** The peer, configured as its README shows. */
const peer = new SDJwtVcInstance(config);
/** The peer's core, to make what its VC class would not (a disclosed vct, another typ). */
const peerCore = new SDJwtInstance(config);

const CLAIMS = { given_name: 'Ada', birthdate: '1815-12-10', address: { locality: 'London', country: 'GB' } };

describe('sd-jwt-vc interop: jwtkit issues and presents, @sd-jwt/sd-jwt-vc verifies', () => {
  it('typ dc+sd-jwt, vct, iss and the disclosed claims with key binding verify there', async () => {
    const issuerKey = await importKey(issuerKeys.privateKey as JWK, { alg: 'ES256' });
    const credential = await issueSDJWTVC({ vct: VCT, ...CLAIMS }, issuerKey, {
      issuer: ISS,
      expiresIn: '1h',
      disclosable: { _sd: ['given_name', 'birthdate', 'address'], address: { _sd: ['locality', 'country'] } },
      decoys: 1,
      holderKey: holderKeys.publicKey as JWK,
    });
    const presentation = await presentSDJWT(credential, {
      disclose: ['given_name', ['address', 'country']],
      keyBinding: { key: holderKeys.privateKey as JWK, aud: AUD, nonce: NONCE },
    });
    const verified = await peer.verify(presentation, { keyBindingNonce: NONCE, requiredClaimKeys: ['vct', 'iss'] });
    assert.equal(verified.header?.typ, 'dc+sd-jwt');
    assert.equal(verified.payload.vct, VCT);
    assert.equal(verified.payload.iss, ISS);
    assert.equal((verified.payload as Record<string, unknown>).given_name, 'Ada');
    assert.deepEqual((verified.payload as Record<string, unknown>).address, { country: 'GB' });
    assert.equal((verified.payload as Record<string, unknown>).birthdate, undefined);
    assert.equal(verified.kb?.payload.aud, AUD);
  });
});

describe('sd-jwt-vc interop: @sd-jwt/sd-jwt-vc issues and presents, jwtkit verifies', () => {
  it('the presented claims, vct, iss and the key binding verify with verifySDJWTVC', async () => {
    const credential = await peer.issue(
      { vct: VCT, iss: ISS, iat: now(), exp: now() + 3600, cnf: { jwk: holderKeys.publicKey }, ...CLAIMS },
      { _sd: ['given_name', 'birthdate', 'address'], address: { _sd: ['locality', 'country'] } },
    );
    const presentation = await peer.present(
      credential,
      { birthdate: true, address: { locality: true } },
      { kb: { payload: { aud: AUD, nonce: NONCE, iat: now() } } },
    );
    const { payload, header, keyBinding } = await verifySDJWTVC(presentation, issuerPublic, {
      issuer: ISS,
      vct: VCT,
      keyBinding: { audience: AUD, nonce: NONCE },
    });
    assert.equal(header.typ, 'dc+sd-jwt');
    assert.equal(payload.vct, VCT);
    assert.equal(payload.birthdate, '1815-12-10');
    assert.deepEqual(payload.address, { locality: 'London' });
    assert.equal(payload.given_name, undefined);
    assert.equal(keyBinding?.payload.nonce, NONCE);
    // The peer's presentation without its key-binding JWT: the credential has cnf, so jwtkit refuses.
    const unbound = await peer.present(credential, { birthdate: true });
    await rejectsWith(verifySDJWTVC(unbound, issuerPublic, { vct: VCT }), 'ERR_SD_JWT_KEY_BINDING_MISSING');
  });
});

describe('sd-jwt-vc interop: where @sd-jwt/sd-jwt-vc 0.19 accepts what the draft forbids, jwtkit refuses', () => {
  it('a disclosed vct (made with the peer core, typ dc+sd-jwt): the peer verifies it, jwtkit does not', async () => {
    const token = await peerCore.issue(
      { iss: ISS, iat: now(), vct: VCT, a: 1 },
      { _sd: ['vct'] },
      { header: { typ: 'dc+sd-jwt' } },
    );
    assert.equal((await peer.verify(token)).payload.vct, VCT);
    const error = await rejectsWith(verifySDJWTVC(token, issuerPublic), 'ERR_JWT_CLAIM_INVALID');
    assert.equal((error as { claim?: string }).claim, 'vct');
  });

  it('another typ, no vct, a numeric vct: the peer verifies them, jwtkit does not', async () => {
    const cases: [object, Record<string, unknown>, string][] = [
      [{ typ: 'example+sd-jwt' }, { vct: VCT }, 'typ'],
      [{ typ: 'dc+sd-jwt' }, {}, 'vct'],
      [{ typ: 'dc+sd-jwt' }, { vct: 42 }, 'vct'],
    ];
    for (const [header, claims, claim] of cases) {
      const token = await peerCore.issue({ iss: ISS, iat: now(), ...claims }, undefined, { header });
      await peer.verify(token);
      const error = await rejectsWith(verifySDJWTVC(token, issuerPublic), 'ERR_JWT_CLAIM_INVALID');
      assert.equal((error as { claim?: string }).claim, claim);
    }
  });

  it('vct#integrity or cnf.jwk made disclosable: the peer issues it, jwtkit refuses to issue or verify it', async () => {
    const integrity = await peer.issue(
      { iss: ISS, iat: now(), vct: VCT, 'vct#integrity': 'sha256-abc' },
      { _sd: ['vct#integrity'] },
    );
    const error = await rejectsWith(verifySDJWTVC(integrity, issuerPublic), 'ERR_JWT_CLAIM_INVALID');
    assert.equal((error as { claim?: string }).claim, 'vct#integrity');
    const nested = await peer.issue({ iss: ISS, iat: now(), vct: VCT, cnf: { jwk: holderKeys.publicKey } }, {
      cnf: { _sd: ['jwk'] },
    } as never);
    const cnfError = await rejectsWith(
      verifySDJWTVC(nested, issuerPublic, { keyBinding: { required: false } }),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.equal((cnfError as { claim?: string }).claim, 'cnf');
    const issuerKey = await importKey(issuerKeys.privateKey as JWK, { alg: 'ES256' });
    await rejectsWith(
      issueSDJWTVC({ vct: VCT, 'vct#integrity': 'sha256-abc' }, issuerKey, { disclosable: { _sd: ['vct#integrity'] } }),
      'ERR_INVALID_OPTION',
    );
  });

  it('typ vc+sd-jwt (the draft before November 2024): both accept it; jwtkit refuses it with acceptLegacyTyp: false', async () => {
    const token = await peerCore.issue({ iss: ISS, iat: now(), vct: VCT }, undefined, { header: { typ: 'vc+sd-jwt' } });
    await peer.verify(token);
    assert.equal((await verifySDJWTVC(token, issuerPublic)).payload.vct, VCT);
    await rejectsWith(verifySDJWTVC(token, issuerPublic, { acceptLegacyTyp: false }), 'ERR_JWT_CLAIM_INVALID');
  });
});
