// Catalogue entry 17: weak keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importKey, signJWT, verifyJWT } from 'jwtkit';
import { hs256Token } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

describe('17. weak keys', () => {
  it('refuses RSA keys under 2048 bits in every format and use', async () => {
    for (const form of [
      KEYS.rsa1024.spki,
      KEYS.rsa1024.pkcs8,
      KEYS.rsa1024.publicJwk,
      KEYS.rsa1024.privateJwk,
      KEYS.rsa1024.pkcs1Public,
    ]) {
      await rejectsWith(importKey(form as string), 'ERR_KEY_WEAK');
    }
    await rejectsWith(signJWT({}, KEYS.rsa1024.pkcs8), 'ERR_KEY_WEAK');
    await rejectsWith(verifyJWT('eyJhbGciOiJSUzI1NiJ9.e30.AAAA', KEYS.rsa1024.spki), 'ERR_KEY_WEAK');
  });

  it('refuses RSA public exponents 1 and even', async () => {
    for (const e of ['AQ', 'Ag', 'AQAA']) {
      await rejectsWith(importKey({ ...KEYS.rsa.publicJwk, e }), ['ERR_KEY_WEAK', 'ERR_KEY_INVALID']);
    }
  });

  it('refuses HMAC secrets shorter than the hash unless explicitly and loudly allowed', async () => {
    const cases = [
      ['HS256', 31],
      ['HS384', 47],
      ['HS512', 63],
    ] as const;
    for (const [alg, length] of cases) {
      const secret = 'k'.repeat(length);
      await rejectsWith(importKey(secret, { alg }), 'ERR_KEY_WEAK');
      await rejectsWith(signJWT({}, secret, { alg }), 'ERR_KEY_WEAK');
      await importKey('k'.repeat(length + 1), { alg });
    }
    const short = 'secret';
    const token = await hs256Token({ alg: 'HS256' }, { sub: 'x' }, short);
    await rejectsWith(verifyJWT(token, short), 'ERR_KEY_WEAK');
    const key = await importKey(short, { alg: 'HS256', unsafeAllowShortSecret: true });
    assert.equal((await verifyJWT(token, key)).payload.sub, 'x');
  });

  it('refuses an empty oct JWK', async () => {
    await rejectsWith(importKey({ kty: 'oct', k: '' }, { alg: 'HS256' }), 'ERR_KEY_INVALID');
  });
});
