// SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, experimental preset of jwtkit/sd-jwt), on every runtime
// and both backends. Must never happen: a credential issued with a non-disclosable claim (iss, nbf,
// exp, cnf, vct, vct#integrity, status) in a Disclosure or without a string vct; a presentation
// accepted whose non-disclosable claim, or part of one, came from a Disclosure; one typed other
// than dc+sd-jwt (vc+sd-jwt only while the legacy type is accepted); one without a string vct, or
// of a type or issuer the verifier did not ask for; a cnf credential accepted without key binding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateKeyPair, type JWK } from 'jwtkit';
import {
  decodeSDJWT,
  issueSDJWT,
  issueSDJWTVC,
  presentSDJWT,
  SD_JWT_VC_NON_DISCLOSABLE_CLAIMS,
  verifySDJWTVC,
} from 'jwtkit/sd-jwt';
import { attackerES256, b64u, es256Token, nowSeconds } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';

const issuer = await generateKeyPair('ES256');
const holder = await generateKeyPair('ES256');
const forger = await attackerES256(); // signs hand-made credentials; the verifier trusts its key below
const ISS = 'https://issuer.example';
const VCT = 'https://credentials.example.com/identity_credential';
const AUD = 'https://verifier.example';
const NONCE = 'n-0S6_WzA2Mj';
const bound = { audience: AUD, nonce: NONCE };
const CLAIMS = { vct: VCT, sub: 'user-42', given_name: 'Ada', birthdate: '1815-12-10', address: { country: 'GB' } };

async function disclosure(name: string, value: unknown): Promise<{ encoded: string; digest: string }> {
  const encoded = b64u(JSON.stringify([b64u(crypto.getRandomValues(new Uint8Array(16))), name, value]));
  const digest = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(encoded))));
  return { encoded, digest };
}

/** A credential made by hand and signed by `forger`: `hidden` claims go into Disclosures, the rest stays plain. */
async function craft(header: object, plain: object, hidden: Record<string, unknown> = {}): Promise<string> {
  const made = await Promise.all(Object.entries(hidden).map(([name, value]) => disclosure(name, value)));
  const payload: Record<string, unknown> = { ...plain, _sd_alg: 'sha-256' };
  if (made.length > 0) payload._sd = made.map((d) => d.digest).sort();
  const jwt = await es256Token({ alg: 'ES256', ...header }, payload, forger.privateKey);
  return `${jwt}~${made.map((d) => `${d.encoded}~`).join('')}`;
}
const VC_HEADER = { typ: 'dc+sd-jwt' };
const verifyForged = (token: string, options = {}) =>
  verifySDJWTVC(token, forger.publicJwk as JWK, { keyBinding: { required: false }, ...options });

/** Sample values for the non-disclosable claims, of the types the draft gives them. */
const SAMPLE: Record<string, unknown> = {
  iss: ISS,
  nbf: nowSeconds() - 60,
  exp: nowSeconds() + 3600,
  cnf: {
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
  },
  vct: VCT,
  'vct#integrity': 'sha256-WRL5ca_xGgX3c1VLmXfh-9cLlJNXN-TsMk-PmKjZ5t0',
  status: { status_list: { idx: 7, uri: 'https://status.example/1' } },
};

describe('sd-jwt-vc: issue, present, verify', () => {
  it('positive control: a dc+sd-jwt credential with vct, iss and cnf plain, claims disclosed by choice, key-bound', async () => {
    const credential = await issueSDJWTVC(CLAIMS, issuer.privateKey, {
      issuer: ISS,
      expiresIn: '1h',
      disclosable: { _sd: ['sub', 'given_name', 'birthdate', 'address'] },
      holderKey: holder.publicKey,
    });
    const decoded = await decodeSDJWT(credential);
    assert.equal(decoded.header.typ, 'dc+sd-jwt');
    for (const name of ['vct', 'iss', 'exp', 'cnf', 'iat']) assert.ok(Object.hasOwn(decoded.payload, name), name);
    const presentation = await presentSDJWT(credential, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE },
    });
    const { payload, keyBinding } = await verifySDJWTVC(presentation, issuer.publicKey, {
      issuer: ISS,
      vct: [VCT, 'https://credentials.example.com/other'],
      keyBinding: bound,
    });
    assert.equal(payload.vct, VCT);
    assert.equal(payload.given_name, 'Ada');
    assert.equal(payload.birthdate, undefined);
    assert.equal(keyBinding?.payload.aud, AUD);
  });

  it('sub and iat may be selectively disclosable (draft §3.2.2.2)', async () => {
    const credential = await issueSDJWTVC({ ...CLAIMS, iat: nowSeconds() }, issuer.privateKey, {
      noTimestamp: true,
      disclosable: { _sd: ['sub', 'iat'] },
    });
    const withBoth = await presentSDJWT(credential, { disclose: ['sub', 'iat'] });
    const { payload } = await verifySDJWTVC(withBoth, issuer.publicKey);
    assert.equal(payload.sub, 'user-42');
    assert.equal(typeof payload.iat, 'number');
  });

  it('a credential with cnf presented without a key-binding JWT is refused (ERR_SD_JWT_KEY_BINDING_MISSING)', async () => {
    const credential = await issueSDJWTVC(CLAIMS, issuer.privateKey, { holderKey: holder.publicKey });
    await rejectsWith(verifySDJWTVC(credential, issuer.publicKey), 'ERR_SD_JWT_KEY_BINDING_MISSING');
  });

  it('the verifier matches iss when given an issuer, and vct when given one', async () => {
    const credential = await issueSDJWTVC(CLAIMS, issuer.privateKey, { issuer: ISS });
    await rejectsWith(verifySDJWTVC(credential, issuer.publicKey, { issuer: 'https://other.example' }), 'ERR_JWT_CLAIM_INVALID');
    const error = await rejectsWith(
      verifySDJWTVC(credential, issuer.publicKey, { vct: 'https://credentials.example.com/other' }),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.deepEqual([(error as { claim?: string }).claim, (error as { reason?: string }).reason], ['vct', 'mismatch']);
  });
});

describe('sd-jwt-vc issuance: what the draft forbids the issuer', () => {
  it('property: a frame concealing a non-disclosable claim, at the top or inside it, is refused before signing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SD_JWT_VC_NON_DISCLOSABLE_CLAIMS), fc.boolean(), async (name, inside) => {
        const claims = { ...CLAIMS, ...SAMPLE, [name]: SAMPLE[name] };
        const member = name === 'cnf' ? 'jwk' : name === 'status' ? 'status_list' : undefined;
        const frame =
          inside && member !== undefined ? { _sd: ['given_name'], [name]: { _sd: [member] } } : { _sd: ['given_name', name] };
        const error = await rejectsWith(issueSDJWTVC(claims, issuer.privateKey, { disclosable: frame }), 'ERR_INVALID_OPTION');
        assert.match(error.message, new RegExp(`"${name}"`));
        // Positive control: the same claims with only given_name concealed are issued.
        await issueSDJWTVC(claims, issuer.privateKey, { disclosable: { _sd: ['given_name'] } });
      }),
      { numRuns: 30 },
    );
  });

  it('property: vct missing or not a non-empty string is refused (ERR_INVALID_OPTION)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(
          fc.jsonValue().filter((v) => typeof v !== 'string'),
          { nil: undefined },
        ),
        async (vct) => {
          const claims = vct === undefined ? { sub: 'x' } : { sub: 'x', vct };
          await rejectsWith(issueSDJWTVC(claims as never, issuer.privateKey), 'ERR_INVALID_OPTION');
        },
      ),
      { numRuns: 40 },
    );
    await rejectsWith(issueSDJWTVC({ vct: '' }, issuer.privateKey), 'ERR_INVALID_OPTION');
  });

  it('typ is the profile own: a typ option is refused; decoys without any Disclosure are refused (no _sd then)', async () => {
    await rejectsWith(issueSDJWTVC(CLAIMS, issuer.privateKey, { typ: 'JWT' } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(issueSDJWTVC(CLAIMS, issuer.privateKey, { disclosable: { _sd_decoy: 2 } }), 'ERR_INVALID_OPTION');
    const plain = await issueSDJWTVC(CLAIMS, issuer.privateKey);
    assert.equal(Object.hasOwn((await decodeSDJWT(plain)).payload, '_sd'), false);
  });
});

describe('sd-jwt-vc verification: a disclosed non-disclosable claim', () => {
  it('property: vct, iss, cnf (and nbf, exp, vct#integrity, status) from a Disclosure are refused; plain they pass', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SD_JWT_VC_NON_DISCLOSABLE_CLAIMS), async (name) => {
        const plain: Record<string, unknown> = { vct: VCT, given_name: 'Ada' };
        const value = SAMPLE[name];
        if (name === 'vct') delete plain.vct;
        const token = await craft(VC_HEADER, plain, { [name]: value });
        const error = await rejectsWith(verifyForged(token), 'ERR_JWT_CLAIM_INVALID');
        assert.equal((error as { claim?: string }).claim, name);
        // Positive control: the same claim plain in the signed payload.
        const control = await craft(VC_HEADER, { ...plain, [name]: value }, { birthdate: '1815-12-10' });
        const { payload } = await verifyForged(control);
        assert.deepEqual(payload[name], value);
      }),
      { numRuns: 20 },
    );
  });

  it('part of cnf or status in a Disclosure (cnf.jwk, status.status_list) is refused too', async () => {
    for (const [name, member] of [
      ['cnf', 'jwk'],
      ['status', 'status_list'],
    ] as const) {
      const inner = await disclosure(member, (SAMPLE[name] as Record<string, unknown>)[member]);
      const jwt = await es256Token(
        { alg: 'ES256', ...VC_HEADER },
        { vct: VCT, _sd_alg: 'sha-256', [name]: { _sd: [inner.digest] } },
        forger.privateKey,
      );
      const error = await rejectsWith(verifyForged(`${jwt}~${inner.encoded}~`), 'ERR_JWT_CLAIM_INVALID');
      assert.equal((error as { claim?: string }).claim, name);
    }
  });

  it('a credential whose vct was concealed and not presented has no vct: refused (reason missing)', async () => {
    const token = await craft(VC_HEADER, { given_name: 'Ada' }, { vct: VCT });
    const withoutIt = token.split('~')[0];
    const error = await rejectsWith(verifyForged(`${withoutIt}~`), 'ERR_JWT_CLAIM_INVALID');
    assert.deepEqual([(error as { claim?: string }).claim, (error as { reason?: string }).reason], ['vct', 'missing']);
  });
});

describe('sd-jwt-vc verification: typ and vct', () => {
  it('property: any typ other than dc+sd-jwt / vc+sd-jwt is refused (reason mismatch); none is reason missing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.constantFrom('JWT', 'example+sd-jwt', 'sd-jwt', 'kb+jwt', 'dc+sd-jwt+x', 'dc+jwt')),
        async (typ) => {
          const normalized = typ.toLowerCase().replace(/^application\//, '');
          fc.pre(normalized !== 'dc+sd-jwt' && normalized !== 'vc+sd-jwt');
          const error = await rejectsWith(verifyForged(await craft({ typ }, { vct: VCT })), [
            'ERR_JWT_CLAIM_INVALID',
            'ERR_JWT_MALFORMED',
          ]);
          assert.equal((error as { claim?: string }).claim, 'typ');
        },
      ),
      { numRuns: 40 },
    );
    const missing = await rejectsWith(verifyForged(await craft({}, { vct: VCT })), 'ERR_JWT_CLAIM_INVALID');
    assert.equal((missing as { reason?: string }).reason, 'missing');
  });

  it('dc+sd-jwt and application/dc+sd-jwt pass; vc+sd-jwt passes unless acceptLegacyTyp is false', async () => {
    for (const typ of ['dc+sd-jwt', 'application/dc+sd-jwt', 'vc+sd-jwt'])
      assert.equal((await verifyForged(await craft({ typ }, { vct: VCT }))).payload.vct, VCT);
    await rejectsWith(
      verifyForged(await craft({ typ: 'vc+sd-jwt' }, { vct: VCT }), { acceptLegacyTyp: false }),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.equal((await verifyForged(await craft(VC_HEADER, { vct: VCT }), { acceptLegacyTyp: false })).payload.vct, VCT);
  });

  it('a plain SD-JWT (typed for another profile) is no SD-JWT VC', async () => {
    const sdJwt = await issueSDJWT(CLAIMS, issuer.privateKey, { typ: 'example+sd-jwt' });
    await rejectsWith(verifySDJWTVC(sdJwt, issuer.publicKey), 'ERR_JWT_CLAIM_INVALID');
  });

  it('property: a vct that is not a non-empty string is refused (reason invalid)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(''),
          fc.jsonValue().filter((v) => typeof v !== 'string'),
        ),
        async (vct) => {
          const error = await rejectsWith(verifyForged(await craft(VC_HEADER, { vct })), 'ERR_JWT_CLAIM_INVALID');
          assert.deepEqual([(error as { claim?: string }).claim, (error as { reason?: string }).reason], ['vct', 'invalid']);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the verifier options: typ refused (the profile own), vct checked, unknown names refused', async () => {
    const token = await craft(VC_HEADER, { vct: VCT });
    await rejectsWith(verifySDJWTVC(token, forger.publicJwk as JWK, { typ: 'dc+sd-jwt' } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(verifySDJWTVC(token, forger.publicJwk as JWK, { vct: [] }), 'ERR_INVALID_OPTION');
    await rejectsWith(verifySDJWTVC(token, forger.publicJwk as JWK, { vtc: VCT } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(verifySDJWTVC(token, forger.publicJwk as JWK, { acceptLegacyTyp: 'no' } as never), 'ERR_INVALID_OPTION');
  });
});
