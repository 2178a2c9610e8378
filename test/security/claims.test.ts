// Catalogue entries 23-25, 32 and 33: claims and the options that check them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, JWTClaimError, verifyJWT } from 'jwtkit';
import { hs256Token, nowSeconds, SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';

const token = (payload: string | object) => hs256Token({ alg: 'HS256' }, payload, SECRET);

async function claimError(payload: string | object, options: object, code: string, claim: string, reason: string) {
  const error = await rejectsWith(verifyJWT(await token(payload), SECRET, options), code);
  assert.ok(error instanceof JWTClaimError);
  assert.equal(error.claim, claim);
  assert.equal(error.reason, reason);
}

describe('23. numeric claims', () => {
  for (const claim of ['exp', 'nbf', 'iat']) {
    for (const value of ['"9999999999"', 'null', 'true', '[]', '{}', '1e400', '-1e400']) {
      it(`refuses ${claim} = ${value} as invalid, never absent`, async () => {
        await claimError(`{"sub":"x","${claim}":${value}}`, {}, 'ERR_JWT_CLAIM_INVALID', claim, 'invalid');
      });
    }
  }

  it('treats exp -1 and 1.5 as numbers in the past', async () => {
    await claimError('{"exp":-1}', {}, 'ERR_JWT_EXPIRED', 'exp', 'expired');
    await claimError('{"exp":1.5}', {}, 'ERR_JWT_EXPIRED', 'exp', 'expired');
    await verifyJWT(await token('{"nbf":-1,"iat":1.5}'), SECRET);
  });
});

describe('24. aud and iss', () => {
  const now = nowSeconds();
  it('matches aud exactly against any element, and requires it when expected', async () => {
    await claimError({ aud: [] }, { audience: 'me' }, 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch');
    await claimError({ aud: [1] }, { audience: 'me' }, 'ERR_JWT_CLAIM_INVALID', 'aud', 'invalid');
    await claimError({ aud: 'me ' }, { audience: 'me' }, 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch');
    await claimError({ aud: 'ME' }, { audience: 'me' }, 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch');
    await claimError({ sub: 'x' }, { audience: 'me' }, 'ERR_JWT_CLAIM_INVALID', 'aud', 'missing');
    await claimError({ aud: 5 }, {}, 'ERR_JWT_CLAIM_INVALID', 'aud', 'invalid');
    await verifyJWT(await token({ aud: ['x', 'me'], exp: now + 60 }), SECRET, { audience: 'me' });
  });

  it('matches iss exactly: no prefix, substring or suffix, and requires it when expected', async () => {
    const options = { issuer: 'https://issuer.example' };
    for (const iss of ['https://issuer.example.evil', 'https://issuer', 'https://issuer.example/', 'xhttps://issuer.example']) {
      await claimError({ iss }, options, 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch');
    }
    await claimError({ sub: 'x' }, options, 'ERR_JWT_CLAIM_INVALID', 'iss', 'missing');
    await claimError({ iss: 5 }, options, 'ERR_JWT_CLAIM_INVALID', 'iss', 'invalid');
    await claimError({ iss: ['https://issuer.example'] }, options, 'ERR_JWT_CLAIM_INVALID', 'iss', 'invalid');
    await verifyJWT(await token({ iss: 'https://issuer.example' }), SECRET, options);
  });
});

describe('25. typ confusion', () => {
  it('compares typ per RFC 8725 §3.11 and requires it when expected', async () => {
    const typed = (typ: unknown) => hs256Token({ alg: 'HS256', typ }, { sub: 'x' }, SECRET);
    const options = { typ: 'at+jwt' };
    for (const ok of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+Jwt'])
      await verifyJWT(await typed(ok), SECRET, options);
    const idToken = await rejectsWith(verifyJWT(await typed('JWT'), SECRET, options), 'ERR_JWT_CLAIM_INVALID');
    assert.equal((idToken as JWTClaimError).claim, 'typ');
    await rejectsWith(verifyJWT(await typed('jwt+at'), SECRET, options), 'ERR_JWT_CLAIM_INVALID');
    await rejectsWith(verifyJWT(await token({ sub: 'x' }), SECRET, options), 'ERR_JWT_CLAIM_INVALID');
    await rejectsWith(verifyJWT(await typed(5), SECRET, options), 'ERR_JWT_MALFORMED');
  });
});

describe('32. Unicode', () => {
  it('compares code points exactly, with no normalisation', async () => {
    await claimError({ iss: 'cafe\u0301' }, { issuer: 'caf\u00e9' }, 'ERR_JWT_CLAIM_INVALID', 'iss', 'mismatch');
    await claimError({ aud: 'admin\u200b' }, { audience: 'admin' }, 'ERR_JWT_CLAIM_INVALID', 'aud', 'mismatch');
    await claimError({ sub: '\uff41dmin' }, { subject: 'admin' }, 'ERR_JWT_CLAIM_INVALID', 'sub', 'mismatch');
    await verifyJWT(await token({ iss: 'caf\u00e9' }), SECRET, { issuer: 'caf\u00e9' });
  });
});

describe('33. options that would switch checks off', () => {
  const bad: Array<[string, object]> = [
    ['clockTolerance Infinity', { clockTolerance: Number.POSITIVE_INFINITY }],
    ['clockTolerance NaN', { clockTolerance: Number.NaN }],
    ['clockTolerance negative', { clockTolerance: -5 }],
    ['clockTolerance "forever"', { clockTolerance: 'forever' }],
    ['maxAge NaN', { maxAge: Number.NaN }],
    ['maxAge Infinity', { maxAge: Number.POSITIVE_INFINITY }],
    ['maxAge 0', { maxAge: 0 }],
    ['now NaN', { now: Number.NaN }],
    ['maxTokenLength Infinity', { maxTokenLength: Number.POSITIVE_INFINITY }],
    ['issuer empty array', { issuer: [] }],
    ['audience of numbers', { audience: [1] }],
    ['requiredClaims not an array', { requiredClaims: 'exp' }],
  ];
  for (const [name, options] of bad) {
    it(`refuses ${name} when the verifier is created and when verifying`, async () => {
      assert.throws(() => createVerifier({ key: SECRET, ...options }), { code: 'ERR_INVALID_OPTION' });
      await rejectsWith(verifyJWT(await token({ sub: 'x' }), SECRET, options), 'ERR_INVALID_OPTION');
    });
  }
});
