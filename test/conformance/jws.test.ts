import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalJWKS, type FlattenedJWS, type GeneralJWS, importKey, signJWS, verifyJWS } from 'jwtkit';
import { SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('signJWS and verifyJWS', () => {
  it('round-trips compact, flattened and general serializations', async () => {
    const key = await importKey(KEYS.p256.pkcs8, { kid: 'p' });
    const publicKey = await importKey(KEYS.p256.spki);
    const compact = await signJWS('hello', key);
    assert.equal(compact.split('.').length, 3);
    assert.equal(text((await verifyJWS(compact, publicKey)).payload), 'hello');
    const flat = await signJWS('hello', key, { serialization: 'flattened', unprotectedHeader: { note: 'n' } });
    const verified = await verifyJWS(flat, publicKey);
    assert.equal(verified.unprotectedHeader?.note, 'n');
    assert.equal(verified.protectedHeader?.kid, 'p');
    assert.equal(verified.key.alg, 'ES256');
  });

  it('carries binary payloads unchanged', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const jws = await signJWS(bytes, SECRET);
    assert.deepEqual([...(await verifyJWS(jws, SECRET)).payload], [...bytes]);
  });

  it('signs with several keys in a general JWS; any one that verifies is enough', async () => {
    const general = await signJWS('multi', [
      { key: KEYS.rsa.pkcs8, alg: 'PS256', kid: 'rsa' },
      { key: KEYS.ed25519.pkcs8, kid: 'ed' },
      { key: SECRET, alg: 'HS256', unprotectedHeader: { kid: 'hs' } },
    ]);
    assert.equal(general.signatures.length, 3);
    const jwks = createLocalJWKS({ keys: [{ ...KEYS.ed25519.publicJwk, kid: 'ed' }] });
    assert.equal(text((await verifyJWS(general, jwks)).payload), 'multi');
    const viaSecret = await verifyJWS(general, SECRET);
    assert.equal(viaSecret.unprotectedHeader?.kid, 'hs');
    await rejectsWith(verifyJWS(general, KEYS.rsaOther.spki, { algorithms: ['PS256'] }), 'ERR_JWS_SIGNATURE_INVALID');
  });

  it('signs and verifies detached content', async () => {
    const jws = await signJWS('{"amount":1}', SECRET, { detached: true });
    assert.match(jws, /^[^.]+\.\.[^.]+$/);
    assert.equal(text((await verifyJWS(jws, SECRET, { payload: '{"amount":1}' })).payload), '{"amount":1}');
    await rejectsWith(verifyJWS(jws, SECRET, { payload: '{"amount":2}' }), 'ERR_JWS_SIGNATURE_INVALID');
    const attached = await signJWS('x', SECRET);
    await rejectsWith(verifyJWS(attached, SECRET, { payload: 'x' }), 'ERR_JWS_MALFORMED');
  });

  it('signs unencoded payloads (RFC 7797) with b64 listed in crit', async () => {
    const flat = (await signJWS('$.02', SECRET, { b64: false, serialization: 'flattened' })) as FlattenedJWS;
    assert.equal(flat.payload, '$.02');
    assert.equal(text((await verifyJWS(flat, SECRET)).payload), '$.02');
    const compact = await signJWS('no dots here', SECRET, { b64: false });
    assert.equal(compact.split('.')[1], 'no dots here');
    assert.equal(text((await verifyJWS(compact, SECRET)).payload), 'no dots here');
    await rejectsWith(signJWS('a.b', SECRET, { b64: false }), 'ERR_INVALID_OPTION');
    const detached = await signJWS('a.b', SECRET, { b64: false, detached: true });
    assert.equal(text((await verifyJWS(detached, SECRET, { payload: 'a.b' })).payload), 'a.b');
  });

  it('needs crit extensions declared as understood by the verifier', async () => {
    const jws = await signJWS('p', SECRET, { header: { exp: 5 }, crit: ['exp'] });
    await rejectsWith(verifyJWS(jws, SECRET), 'ERR_CRIT_UNSUPPORTED');
    assert.equal(text((await verifyJWS(jws, SECRET, { crit: ['exp'] })).payload), 'p');
    await rejectsWith(signJWS('p', SECRET, { crit: ['exp'] }), 'ERR_INVALID_OPTION');
  });

  it('refuses malformed JSON serializations', async () => {
    const flat = (await signJWS('p', SECRET, { serialization: 'flattened' })) as FlattenedJWS;
    const cases: unknown[] = [
      null,
      [],
      {},
      { ...flat, signature: 5 },
      { ...flat, protected: 5 },
      { ...flat, header: 'x' },
      { ...flat, payload: 5 },
      { payload: flat.payload, signatures: [] },
      { payload: flat.payload, signatures: [flat], signature: flat.signature },
      { ...flat, header: { alg: 'HS256' } },
      { signature: flat.signature, payload: flat.payload },
    ];
    for (const jws of cases) await rejectsWith(verifyJWS(jws as GeneralJWS, SECRET), 'ERR_JWS_MALFORMED');
  });

  it('applies maxTokenLength to every serialization', async () => {
    const big = 'x'.repeat(2000);
    await rejectsWith(verifyJWS(await signJWS(big, SECRET), SECRET, { maxTokenLength: 1000 }), 'ERR_TOKEN_TOO_LARGE');
    const general = await signJWS(big, [{ key: SECRET, alg: 'HS256' }]);
    await rejectsWith(verifyJWS(general, SECRET, { maxTokenLength: 1000 }), 'ERR_TOKEN_TOO_LARGE');
  });
});
