import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSigner,
  createVerifier,
  decodeJWT,
  generateKeyPair,
  generateSecret,
  importKey,
  JWS_ALGORITHMS,
  type JWSAlgorithm,
  type Key,
  signJWT,
  signJWTSync,
  verifyJWT,
  verifyJWTSync,
} from 'jwtkit';
import { hs256Token, nowSeconds, SECRET, segment } from '../support/craft.js';
import { rejectsWith, throwsWith } from '../support/errors.js';
import { backend, mustBeSync, mustSupport } from '../support/runtime.js';

async function keysFor(alg: JWSAlgorithm): Promise<{ signing: Key; verifying: Key }> {
  if (alg.startsWith('HS')) {
    const secret = await generateSecret(alg);
    return { signing: secret, verifying: secret };
  }
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { signing: privateKey, verifying: publicKey };
}

describe('signJWT and verifyJWT round trip', () => {
  for (const alg of JWS_ALGORITHMS) {
    it(`signs and verifies ${alg}${mustSupport(alg) ? '' : ' (or reports ERR_NOT_SUPPORTED here)'}`, async () => {
      if (!mustSupport(alg)) {
        await rejectsWith(keysFor(alg), 'ERR_NOT_SUPPORTED');
        return;
      }
      const { signing, verifying } = await keysFor(alg);
      assert.equal(signing.alg, alg);
      const token = await signJWT({ sub: 'ada', role: 'admin' }, signing, { expiresIn: '5m' });
      const { payload, header } = await verifyJWT(token, verifying);
      assert.equal(payload.sub, 'ada');
      assert.equal(payload.role, 'admin');
      assert.deepEqual({ ...header }, { alg, typ: 'JWT' });
      assert.equal(typeof payload.iat, 'number');
      assert.equal(payload.exp, (payload.iat as number) + 300);
    });
  }

  it('rejects a tampered payload with ERR_JWS_SIGNATURE_INVALID', async () => {
    const token = await signJWT({ sub: 'ada', admin: false }, SECRET);
    const [h, , s] = token.split('.');
    const forged = `${h}.${segment({ sub: 'ada', admin: true })}.${s}`;
    await rejectsWith(verifyJWT(forged, SECRET), 'ERR_JWS_SIGNATURE_INVALID');
  });

  it('fails a forged token as forged whatever its payload, and judges a genuine one by its payload', async () => {
    // A CryptoKey is verified off the main thread, and the payload is checked while that runs: its
    // verdict must still come only after the signature's. The plain secret takes the backend's path.
    const cryptoKey = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    const header = { alg: 'HS256', typ: 'JWT' };
    const expired = { sub: 'ada', exp: nowSeconds() - 60 };
    const notJSON = '{"sub":"ada",}';
    const wrongIssuer = { sub: 'ada', iss: 'https://elsewhere.example' };
    const forge = (token: string) => `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    const cases: Array<[string, string]> = [
      [await hs256Token(header, expired, SECRET), 'ERR_JWT_EXPIRED'],
      [await hs256Token(header, notJSON, SECRET), 'ERR_JWT_MALFORMED'],
      [await hs256Token(header, wrongIssuer, SECRET), 'ERR_JWT_CLAIM_INVALID'],
    ];
    for (const material of [SECRET, await importKey(cryptoKey, { alg: 'HS256' })]) {
      const verify = createVerifier({ key: material, algorithms: ['HS256'], issuer: 'https://auth.example' });
      for (const [genuine, code] of cases) {
        await rejectsWith(verify(genuine), code);
        await rejectsWith(verifyJWT(genuine, material, { algorithms: ['HS256'], issuer: 'https://auth.example' }), code);
        await rejectsWith(verify(forge(genuine)), 'ERR_JWS_SIGNATURE_INVALID');
        await rejectsWith(verifyJWT(forge(genuine), material, { issuer: 'https://auth.example' }), 'ERR_JWS_SIGNATURE_INVALID');
      }
      const good = await hs256Token(header, { sub: 'ada', iss: 'https://auth.example' }, SECRET);
      assert.equal((await verify(good)).payload.sub, 'ada');
    }
  });

  it('rejects an expired token with ERR_JWT_EXPIRED naming the exp claim', async () => {
    const token = await signJWT({ sub: 'ada' }, SECRET, { expiresIn: '-1m' });
    const error = await rejectsWith(verifyJWT(token, SECRET), 'ERR_JWT_EXPIRED');
    assert.equal((error as unknown as { claim: string }).claim, 'exp');
    assert.equal((error as unknown as { reason: string }).reason, 'expired');
  });

  it('adds kid to the header when the key has one', async () => {
    const key = await importKey(SECRET, { alg: 'HS256', kid: 'k-2024' });
    const token = await signJWT({}, key);
    assert.deepEqual({ ...decodeJWT(token).header }, { alg: 'HS256', typ: 'JWT', kid: 'k-2024' });
  });

  it('takes typ, kid and extra header parameters from the options', async () => {
    const token = await signJWT({}, SECRET, { typ: 'at+jwt', kid: 'x', header: { 'x-tenant': 'blue' } });
    assert.deepEqual({ ...decodeJWT(token).header }, { alg: 'HS256', typ: 'at+jwt', kid: 'x', 'x-tenant': 'blue' });
  });

  it('refuses a header option that overrides alg or sets b64', async () => {
    await rejectsWith(signJWT({}, SECRET, { header: { alg: 'none' } }), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT({}, SECRET, { header: { b64: false } }), 'ERR_INVALID_OPTION');
  });

  it('binds a bare secret to HS256 and refuses other HMAC algorithms without an allowlist', async () => {
    const secret64 = SECRET.repeat(2);
    const token512 = await signJWT({}, secret64, { alg: 'HS512', now: nowSeconds() });
    await rejectsWith(verifyJWT(token512, secret64), 'ERR_ALG_NOT_ALLOWED');
    const { header } = await verifyJWT(token512, secret64, { algorithms: ['HS512'] });
    assert.equal(header.alg, 'HS512');
  });
});

describe('claims set by the signer', () => {
  const now = 1_700_000_000;

  it('computes exp, nbf and iat from durations and now', async () => {
    const token = await signJWT({}, SECRET, { now, expiresIn: '1h', notBefore: '90s' });
    const { payload } = decodeJWT(token);
    assert.deepEqual({ ...payload }, { iat: now, exp: now + 3600, nbf: now + 90 });
  });

  it('accepts every duration unit and numbers as seconds', async () => {
    const cases: Array<[string | number, number]> = [
      [90, 90],
      ['90s', 90],
      ['15m', 900],
      ['1h', 3600],
      ['7d', 604800],
      ['2 weeks', 1209600],
      ['1y', 31557600],
      ['1.5h', 5400],
    ];
    for (const [expiresIn, seconds] of cases) {
      const { payload } = decodeJWT(await signJWT({}, SECRET, { now, expiresIn }));
      assert.equal(payload.exp, now + seconds, String(expiresIn));
    }
  });

  it('sets iss, sub, aud and jti, and omits iat with noTimestamp', async () => {
    const token = await signJWT({ scope: 'read' }, SECRET, {
      now,
      issuer: 'https://auth.example',
      subject: 'user-1',
      audience: ['api', 'web'],
      jwtId: 'id-1',
      noTimestamp: true,
    });
    assert.deepEqual(
      { ...decodeJWT(token).payload },
      { scope: 'read', iss: 'https://auth.example', sub: 'user-1', aud: ['api', 'web'], jti: 'id-1' },
    );
  });

  it('bases exp on an iat given in the claims', async () => {
    const { payload } = decodeJWT(await signJWT({ iat: now - 100 }, SECRET, { now, expiresIn: 60 }));
    assert.equal(payload.exp, now - 40);
  });

  it('refuses conflicting claims and options', async () => {
    await rejectsWith(signJWT({ exp: now }, SECRET, { expiresIn: '1h' }), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT({ iss: 'a' }, SECRET, { issuer: 'b' }), 'ERR_INVALID_OPTION');
  });

  it('refuses unusable claims and durations', async () => {
    await rejectsWith(signJWT({ exp: Number.POSITIVE_INFINITY }, SECRET), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT({ exp: '1' as unknown as number }, SECRET), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT({}, SECRET, { expiresIn: '1 fortnight' }), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT({}, SECRET, { expiresIn: Number.NaN }), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT([] as unknown as object, SECRET), 'ERR_INVALID_OPTION');
    await rejectsWith(signJWT({ n: 1n } as unknown as object, SECRET), 'ERR_INVALID_OPTION');
  });
});

describe('claims checked by the verifier', () => {
  const now = 1_700_000_000;
  const sign = (claims: object, options = {}) => signJWT(claims, SECRET, { now, ...options });

  it('honours clockTolerance for exp and nbf', async () => {
    const expired = await sign({ exp: now - 10 });
    await rejectsWith(verifyJWT(expired, SECRET, { now }), 'ERR_JWT_EXPIRED');
    await verifyJWT(expired, SECRET, { now, clockTolerance: '11s' });
    const early = await sign({ nbf: now + 10 });
    await rejectsWith(verifyJWT(early, SECRET, { now }), 'ERR_JWT_NOT_YET_VALID');
    await verifyJWT(early, SECRET, { now, clockTolerance: 10 });
  });

  it('treats exp equal to now as expired (RFC 7519 §4.1.4)', async () => {
    await rejectsWith(verifyJWT(await sign({ exp: now }), SECRET, { now }), 'ERR_JWT_EXPIRED');
    await verifyJWT(await sign({ exp: now + 1 }), SECRET, { now });
  });

  it('enforces maxAge from iat, which it then requires', async () => {
    const old = await sign({}, { now: now - 3601 });
    const error = await rejectsWith(verifyJWT(old, SECRET, { now, maxAge: '1h' }), 'ERR_JWT_EXPIRED');
    assert.equal((error as unknown as { claim: string }).claim, 'iat');
    await verifyJWT(await sign({}, { now: now - 3599 }), SECRET, { now, maxAge: '1h' });
    await rejectsWith(verifyJWT(await sign({}, { noTimestamp: true }), SECRET, { now, maxAge: 60 }), 'ERR_JWT_CLAIM_INVALID');
    await rejectsWith(verifyJWT(await sign({ iat: now + 60 }), SECRET, { now, maxAge: 600 }), 'ERR_JWT_CLAIM_INVALID');
  });

  it('matches issuer and audience exactly, from a string or an array', async () => {
    const token = await sign({ iss: 'https://a.example', aud: ['api', 'web'] });
    await verifyJWT(token, SECRET, { now, issuer: 'https://a.example', audience: 'web' });
    await verifyJWT(token, SECRET, { now, issuer: ['https://b.example', 'https://a.example'], audience: ['x', 'api'] });
    const iss = await rejectsWith(verifyJWT(token, SECRET, { now, issuer: 'https://a.example/' }), 'ERR_JWT_CLAIM_INVALID');
    assert.equal((iss as unknown as { claim: string }).claim, 'iss');
    await rejectsWith(verifyJWT(token, SECRET, { now, audience: 'API' }), 'ERR_JWT_CLAIM_INVALID');
  });

  it('checks subject, typ and required claims', async () => {
    const token = await sign({ sub: 'u1', tenant: 't' }, { typ: 'at+jwt' });
    await verifyJWT(token, SECRET, { now, subject: 'u1', typ: 'application/AT+JWT', requiredClaims: ['tenant', 'sub'] });
    await rejectsWith(verifyJWT(token, SECRET, { now, subject: 'u2' }), 'ERR_JWT_CLAIM_INVALID');
    await rejectsWith(verifyJWT(token, SECRET, { now, typ: 'JWT' }), 'ERR_JWT_CLAIM_INVALID');
    const missing = await rejectsWith(verifyJWT(token, SECRET, { now, requiredClaims: ['jti'] }), 'ERR_JWT_CLAIM_INVALID');
    assert.equal((missing as unknown as { reason: string }).reason, 'missing');
  });

  it('returns the payload as a plain object (as JSON.parse makes it) and the header frozen', async () => {
    const { payload, header } = await verifyJWT(await sign({ a: { b: 1 } }), SECRET, { now });
    assert.equal(Object.getPrototypeOf(payload), Object.prototype);
    assert.equal(Object.getPrototypeOf(payload.a), Object.prototype);
    assert.ok(Object.isFrozen(header));
    assert.deepEqual({ ...(payload.a as object) }, { b: 1 });
  });

  it('accepts a token crafted elsewhere (HS256 from WebCrypto)', async () => {
    const token = await hs256Token({ alg: 'HS256', typ: 'JWT' }, { sub: 'x', exp: nowSeconds() + 60 }, SECRET);
    const { payload } = await verifyJWT(token, SECRET);
    assert.equal(payload.sub, 'x');
  });
});

describe('createSigner and createVerifier', () => {
  it('produce and accept the same tokens as signJWT and verifyJWT', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const sign = createSigner({ key: privateKey, issuer: 'auth', audience: 'api', expiresIn: '10m', kid: 'k1' });
    const verify = createVerifier({ key: publicKey, issuer: 'auth', audience: 'api', algorithms: ['ES256'] });
    for (let i = 0; i < 3; i++) {
      const token = await sign({ n: i });
      const { payload, header } = await verify(token);
      assert.equal(payload.n, i);
      assert.equal(header.kid, 'k1');
      assert.equal((await verifyJWT(token, publicKey, { issuer: 'auth' })).payload.n, i);
    }
  });

  it('import key material once and reuse it', async () => {
    const verify = createVerifier({ key: SECRET, algorithms: ['HS256'] });
    const sign = createSigner({ key: SECRET, alg: 'HS256' });
    const tokens = await Promise.all([1, 2, 3].map((n) => sign({ n })));
    const results = await Promise.all(tokens.map((token) => verify(token)));
    assert.deepEqual(
      results.map((r) => r.payload.n),
      [1, 2, 3],
    );
  });

  it('refuse options that would switch checks off, at creation', () => {
    throwsWith(() => createVerifier({ key: SECRET, clockTolerance: Number.POSITIVE_INFINITY }), 'ERR_INVALID_OPTION');
    throwsWith(() => createVerifier({ key: SECRET, clockTolerance: Number.NaN }), 'ERR_INVALID_OPTION');
    throwsWith(() => createVerifier({ key: SECRET, maxAge: Number.NaN }), 'ERR_INVALID_OPTION');
    throwsWith(() => createVerifier({ key: SECRET, algorithms: [] }), 'ERR_INVALID_OPTION');
    throwsWith(() => createVerifier({ key: SECRET, algorithms: ['none'] }), 'ERR_INVALID_OPTION');
    throwsWith(() => createVerifier({ key: SECRET, issuer: [] }), 'ERR_INVALID_OPTION');
    throwsWith(() => createVerifier({ key: SECRET, maxTokenLength: 0 }), 'ERR_INVALID_OPTION');
    throwsWith(() => createSigner({ key: SECRET, expiresIn: 'forever' }), 'ERR_INVALID_OPTION');
  });

  it('report a bad signing key at creation when the backend imports synchronously', () => {
    if (backend === 'web') return;
    throwsWith(() => createSigner({ key: 'short', alg: 'HS256' }), 'ERR_KEY_WEAK');
  });
});

describe('synchronous API', () => {
  for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA'] as const) {
    it(`${mustBeSync(alg) ? 'signs and verifies' : 'reports ERR_SYNC_UNAVAILABLE for'} ${alg} synchronously`, async () => {
      const { signing, verifying } = await keysFor(alg);
      if (!mustBeSync(alg)) {
        throwsWith(() => signJWTSync({}, signing), 'ERR_SYNC_UNAVAILABLE');
        throwsWith(() => createSigner({ key: signing }).sync({}), 'ERR_SYNC_UNAVAILABLE');
        return;
      }
      const token = signJWTSync({ sub: 's' }, signing, { expiresIn: 60 });
      assert.equal(verifyJWTSync(token, verifying).payload.sub, 's');
      const verifier = createVerifier({ key: verifying });
      assert.equal(verifier.sync(createSigner({ key: signing }).sync({ sub: 't' })).payload.sub, 't');
      throwsWith(() => verifyJWTSync(`${token.slice(0, -4)}AAAA`, verifying), 'ERR_JWS_SIGNATURE_INVALID');
    });
  }

  it('signs and verifies with raw secret material synchronously on the node backend', () => {
    if (backend === 'web') {
      throwsWith(() => signJWTSync({}, SECRET), 'ERR_SYNC_UNAVAILABLE');
      return;
    }
    const token = signJWTSync({ sub: 'raw' }, SECRET);
    assert.equal(verifyJWTSync(token, SECRET).payload.sub, 'raw');
  });
});

describe('decodeJWT', () => {
  it('decodes without verifying, and still parses strictly', async () => {
    const token = await signJWT({ sub: 'x' }, SECRET);
    const { header, payload } = decodeJWT(token);
    assert.equal(header.alg, 'HS256');
    assert.equal(payload.sub, 'x');
    throwsWith(() => decodeJWT('a.b.c'), 'ERR_JWT_MALFORMED');
    throwsWith(() => decodeJWT(`${token}.x`), 'ERR_JWT_MALFORMED');
  });
});
