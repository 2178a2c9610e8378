// The issuer's key ring: kids, the published next key, rotation by hand and by schedule, how long
// retired keys stay, the JWKS and its caching, loading and exporting keys. Time is the test's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createLocalJWKS,
  createVerifier,
  decodeJWT,
  exportKey,
  generateKeyPair,
  importKey,
  type JWK,
  jwkThumbprint,
} from 'jwtkit';
import { createKeyRing, keysFromText } from 'jwtkit/issuer';
import { testClock } from '../support/clock.js';
import { rejectsWith } from '../support/errors.js';
import { mustSupport } from '../support/runtime.js';

const T = 1_900_000_000_000; // ms
const at = testClock();
/** The public JWK of a private PEM, for its thumbprint. */
async function importKeyPublic(pem: string): Promise<JWK> {
  const { kty, crv, x, y } = await exportKey(await importKey(pem, { alg: 'ES256' }), 'jwk');
  return { kty, crv, x, y } as JWK;
}
const kidsOf = (jwks: { keys: { kid?: string }[] }) => jwks.keys.map((key) => key.kid);

describe('key ring', () => {
  it('signs with the current key, publishes it and the next one as public JWKs with thumbprint kids', async () => {
    at(T);
    const ring = await createKeyRing({ alg: 'ES256', sign: { expiresIn: '15m', issuer: 'auth' } });
    const jwks = ring.jwks();
    assert.equal(jwks.keys.length, 2);
    for (const jwk of jwks.keys) {
      assert.equal(jwk.d, undefined);
      assert.deepEqual([jwk.alg, jwk.use, jwk.kty], ['ES256', 'sig', 'EC']);
      assert.equal(jwk.kid, await jwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
    }
    assert.equal(jwks.keys[0]?.kid, ring.currentKid);
    const token = await ring.sign({ sub: 'ada' });
    assert.equal(decodeJWT(token).header.kid, ring.currentKid);
    for (const key of [ring.resolver, createLocalJWKS(jwks)]) {
      const { payload } = await createVerifier({ key, algorithms: ['ES256'], issuer: 'auth' })(token);
      assert.equal(payload.sub, 'ada');
    }
  });

  for (const alg of ['Ed448', 'ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'] as const) {
    it(`rings ${alg} keys where the runtime has them (elsewhere ERR_NOT_SUPPORTED), publishing no private member`, async () => {
      if (!mustSupport(alg)) {
        await assert.rejects(createKeyRing({ alg }), { code: 'ERR_NOT_SUPPORTED' });
        return;
      }
      at(T);
      const ring = await createKeyRing({ alg, sign: { expiresIn: '15m', issuer: 'auth' } });
      const jwks = ring.jwks();
      for (const jwk of jwks.keys) {
        for (const member of ['d', 'priv', 'k']) assert.equal(jwk[member], undefined, `${alg} published ${member}`);
        assert.equal(jwk.alg, alg);
        assert.equal(jwk.kid, await jwkThumbprint(jwk));
      }
      const token = await ring.sign({ sub: 'ada' });
      for (const key of [ring.resolver, createLocalJWKS(jwks)]) {
        const { payload } = await createVerifier({ key, algorithms: [alg], issuer: 'auth' })(token);
        assert.equal(payload.sub, 'ada');
      }
    });
  }

  it('rotates to the key it published, keeps the old one until its tokens have expired, then drops it', async () => {
    at(T);
    const ring = await createKeyRing({ alg: 'EdDSA', maxTokenLifetime: '1h', clockTolerance: 30, sign: { expiresIn: '1h' } });
    const [first, published] = kidsOf(ring.jwks());
    const old = await ring.sign({ sub: 'ada' });
    at(T + 1000);
    await ring.rotate();
    assert.equal(ring.currentKid, published, 'the published next key signs now');
    const [, next] = kidsOf(ring.jwks());
    assert.deepEqual(kidsOf(ring.jwks()), [published, next, first]);
    const verify = createVerifier({ key: ring.resolver, algorithms: ['EdDSA'], clockTolerance: 30 });
    assert.equal((await verify(old)).payload.sub, 'ada');
    assert.equal(decodeJWT(await ring.sign({ sub: 'bob' })).header.kid, published);
    at(T + 1000 + 3_600_000 + 30_000 - 1);
    assert.ok(kidsOf(ring.jwks()).includes(first));
    at(T + 1000 + 3_600_000 + 30_000);
    assert.deepEqual(kidsOf(ring.jwks()), [published, next]);
    await rejectsWith(
      createVerifier({ key: ring.resolver, algorithms: ['EdDSA'], now: T / 1000 })(old),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  it('rotates by itself on the schedule, once, and sets the JWKS max-age so that no cache misses a signing key', async () => {
    at(T);
    const ring = await createKeyRing({ alg: 'ES256', rotateEvery: '1d', maxTokenLifetime: '15m', sign: { expiresIn: '15m' } });
    const first = ring.currentKid;
    assert.equal(ring.jwksMaxAge(), 2 * 86_400);
    at(T + 43_200_000);
    assert.equal(ring.jwksMaxAge(), 86_400 + 43_200);
    await ring.sign({ sub: 'a' });
    assert.equal(ring.currentKid, first);
    at(T + 86_400_000);
    const tokens = await Promise.all([ring.sign({ sub: 'a' }), ring.sign({ sub: 'b' }), ring.sign({ sub: 'c' })]);
    const kids = new Set(tokens.map((token) => decodeJWT(token).header.kid));
    assert.equal(kids.size, 1, 'concurrent signs rotate once');
    assert.notEqual(ring.currentKid, first);
    assert.equal(ring.jwks().keys.length, 3);
    const response = ring.handleJWKS();
    assert.equal(response.headers.get('content-type'), 'application/jwk-set+json');
    assert.equal(response.headers.get('cache-control'), `public, max-age=${2 * 86_400}`);
    assert.deepEqual(kidsOf((await response.json()) as { keys: { kid: string }[] }), kidsOf(ring.jwks()));
  });

  it('refuses tokens that would outlive maxTokenLifetime or never expire, symmetric algorithms and public keys', async () => {
    at(T);
    const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
    await rejectsWith(ring.sign({ sub: 'a' }), 'ERR_INVALID_OPTION');
    await rejectsWith(ring.sign({ sub: 'a' }, { expiresIn: '2h' }), 'ERR_INVALID_OPTION');
    await rejectsWith(ring.sign({ sub: 'a', exp: T / 1000 + 7200 }), 'ERR_INVALID_OPTION');
    assert.ok(await ring.sign({ sub: 'a' }, { expiresIn: '1h' }));
    await rejectsWith(createKeyRing({ alg: 'HS256' as 'ES256' }), 'ERR_INVALID_OPTION');
    const { publicKey } = await generateKeyPair('ES256');
    await rejectsWith(createKeyRing({ alg: 'ES256', keys: [publicKey] }), 'ERR_INVALID_OPTION');
    await rejectsWith(createKeyRing({ alg: 'ES256', rotateEvery: 0 }), 'ERR_INVALID_OPTION');
  });

  it('starts from exported keys: another process with the same keys signs and verifies the same tokens', async () => {
    at(T);
    const ring = await createKeyRing({ alg: 'ES256', sign: { expiresIn: '10m' } });
    await ring.rotate();
    const exported = JSON.stringify(await ring.exportPrivate());
    const twin = await createKeyRing({ alg: 'ES256', keys: keysFromText(exported), sign: { expiresIn: '10m' } });
    assert.deepEqual(kidsOf(twin.jwks()), kidsOf(ring.jwks()));
    assert.equal(twin.currentKid, ring.currentKid);
    const verify = createVerifier({ key: twin.resolver, algorithms: ['ES256'] });
    assert.equal((await verify(await ring.sign({ sub: 'ada' }))).payload.sub, 'ada');
    // The export keeps when the retired key stopped signing: loaded a day later, it is gone.
    at(T + 86_400_000 + 60_000);
    const later = await createKeyRing({ alg: 'ES256', keys: keysFromText(exported) });
    assert.deepEqual(kidsOf(later.jwks()), kidsOf(ring.jwks()).slice(0, 2));

    const pems = await Promise.all(
      [1, 2].map(async () => exportKey((await generateKeyPair('ES256', { extractable: true })).privateKey, 'pkcs8')),
    );
    const fromPEM = await createKeyRing({ alg: 'ES256', keys: keysFromText(pems.join('\n')) });
    const [current, next] = await Promise.all(pems.map(async (pem) => jwkThumbprint(await importKeyPublic(pem as string))));
    assert.deepEqual(kidsOf(fromPEM.jwks()), [current, next]);
    assert.throws(() => keysFromText('not a key'), /neither/);
  });
});
