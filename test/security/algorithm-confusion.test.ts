// Catalogue entries 1-6: where the algorithm and the key come from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createLocalJWKS,
  createVerifier,
  importKey,
  type KeyOrResolver,
  signJWT,
  verifyJWS,
  verifyJWT,
  verifyJWTSync,
} from 'jwtkit';
import { attackerES256, b64u, es256Token, hs256Token, openSSHLine, SECRET, segment } from '../support/craft.js';
import { rejectsWith, throwsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

const claims = { sub: 'victim', admin: true };
const REJECTED = ['ERR_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID'];

describe('1. alg none', () => {
  const keys: Array<[string, KeyOrResolver]> = [
    ['a secret', SECRET],
    ['a public key', KEYS.rsa.spki],
    ['an empty key', ''],
    ['a resolver', () => SECRET],
  ];
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    for (const signature of ['', 'AAAA']) {
      const token = `${segment({ alg, typ: 'JWT' })}.${segment(claims)}.${signature}`;
      it(`refuses alg "${alg}" with ${signature ? 'a' : 'an empty'} signature in every verify API`, async () => {
        for (const [, key] of keys) {
          await rejectsWith(verifyJWT(token, key), REJECTED);
          await rejectsWith(verifyJWT(token, key, { algorithms: ['HS256'] }), REJECTED);
          await rejectsWith(verifyJWS(token, key), REJECTED);
          await rejectsWith(verifyJWS({ protected: segment({ alg }), payload: segment(claims), signature }, key), REJECTED);
          await rejectsWith(
            verifyJWS({ payload: segment(claims), signatures: [{ protected: segment({ alg }), signature }] }, key),
            REJECTED,
          );
          await rejectsWith(verifyJWS({ header: { alg }, payload: segment(claims), signature }, key), REJECTED);
          throwsWith(() => verifyJWTSync(token, key), [...REJECTED, 'ERR_SYNC_UNAVAILABLE']);
          if (key !== '') {
            const verify = createVerifier({ key });
            await rejectsWith(verify(token), REJECTED);
            throwsWith(() => verify.sync(token), [...REJECTED, 'ERR_SYNC_UNAVAILABLE']);
          }
        }
      });
    }
  }

  it('refuses "none" in an algorithms list', async () => {
    await rejectsWith(verifyJWT('a.b.c', SECRET, { algorithms: ['none'] }), 'ERR_INVALID_OPTION');
    await rejectsWith(verifyJWS('a.b.c', SECRET, { algorithms: ['HS256', 'NONE'] }), 'ERR_INVALID_OPTION');
  });
});

describe('2. HMAC / public-key confusion', () => {
  const rsaPem = KEYS.rsa.spki;
  const der = Uint8Array.from(atob(rsaPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  const variants: Array<[string, string | Uint8Array]> = [
    ['SPKI PEM', rsaPem],
    ['SPKI PEM without trailing newline', rsaPem.trimEnd()],
    ['SPKI PEM with a leading space', ` ${rsaPem}`],
    ['SPKI PEM with a BOM', `\uFEFF${rsaPem}`],
    ['SPKI PEM with a zero-width space', `\u200B${rsaPem}`],
    ['SPKI PEM after a # comment', `# verifier key\n${rsaPem}`],
    ['SPKI DER bytes', der],
    ['SPKI base64 body without armour', rsaPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')],
    ['PKCS#1 RSA PUBLIC KEY', KEYS.rsa.pkcs1Public],
    ['X.509 certificate', KEYS.rsa.certificate],
    ['JWK JSON text', JSON.stringify(KEYS.rsa.publicJwk)],
    ['JWKS JSON text', JSON.stringify({ keys: [KEYS.rsa.publicJwk] })],
    ['EC SPKI PEM', KEYS.p256.spki],
    ['Ed25519 SPKI PEM', KEYS.ed25519.spki],
    ['OpenSSH ssh-ed25519 line', openSSHLine(KEYS.ed25519.publicJwk)],
    ['OpenSSH ecdsa-sha2-nistp256 line', openSSHLine(KEYS.p256.publicJwk)],
  ];

  for (const [name, material] of variants) {
    it(`never uses ${name} as an HMAC secret`, async () => {
      const token = await hs256Token({ alg: 'HS256', typ: 'JWT' }, claims, material);
      await rejectsWith(verifyJWT(token, material as string), REJECTED);
      await rejectsWith(verifyJWT(token, material as string, { algorithms: ['HS256'] }), 'ERR_KEY_INVALID');
      await rejectsWith(verifyJWT(token, material as string, { algorithms: ['HS256', 'RS256', 'ES256', 'EdDSA'] }), REJECTED);
      await rejectsWith(
        verifyJWT(token, () => material as string, { algorithms: ['HS256'] }),
        'ERR_KEY_INVALID',
      );
      await rejectsWith(importKey(material as string, { alg: 'HS256' }), 'ERR_KEY_INVALID');
      await rejectsWith(signJWT({}, material as string, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    });
  }

  it('refuses an HS256 token for a key bound to RS256, ES256 or EdDSA', async () => {
    for (const pem of [KEYS.rsa.spki, KEYS.p256.spki, KEYS.ed25519.spki]) {
      const key = await importKey(pem);
      const token = await hs256Token({ alg: 'HS256' }, claims, pem);
      await rejectsWith(verifyJWT(token, key), 'ERR_ALG_NOT_ALLOWED');
      await rejectsWith(verifyJWT(token, key, { algorithms: ['HS256'] }), 'ERR_ALG_NOT_ALLOWED');
    }
  });

  it('lets an allowlist choose among algorithms of the key type only', async () => {
    const token = await signJWT({}, KEYS.rsa.pkcs8, { alg: 'PS384' });
    await rejectsWith(verifyJWT(token, KEYS.rsa.spki), 'ERR_ALG_NOT_ALLOWED');
    await verifyJWT(token, KEYS.rsa.spki, { algorithms: ['RS256', 'PS384'] });
    await rejectsWith(verifyJWT(token, KEYS.rsa.spki, { algorithms: ['RS256'] }), 'ERR_ALG_NOT_ALLOWED');
  });
});

describe('3. empty keys', () => {
  it('refuses empty keys and resolvers that return nothing', async () => {
    const token = await hs256Token({ alg: 'HS256' }, claims, new Uint8Array(64));
    for (const key of ['', '   ', new Uint8Array(0), new ArrayBuffer(0), { kty: 'oct', k: '' }]) {
      await rejectsWith(verifyJWT(token, key as string, { algorithms: ['HS256'] }), 'ERR_KEY_INVALID');
      await rejectsWith(importKey(key as string, { alg: 'HS256' }), 'ERR_KEY_INVALID');
      await rejectsWith(signJWT({}, key as string), 'ERR_KEY_INVALID');
    }
    for (const returned of ['', undefined, null]) {
      await rejectsWith(
        verifyJWT(token, () => returned as unknown as string),
        'ERR_KEY_INVALID',
      );
      await rejectsWith(
        verifyJWT(token, async () => returned as unknown as string),
        'ERR_KEY_INVALID',
      );
    }
    for (const missing of [undefined, null]) await rejectsWith(verifyJWT(token, missing as unknown as string), 'ERR_KEY_INVALID');
    assert.throws(() => createVerifier({ key: '' }), { code: 'ERR_KEY_INVALID' });
  });
});

describe('4. embedded jwk header', () => {
  it('ignores a public key carried in the token', async () => {
    const attacker = await attackerES256();
    const token = await es256Token({ alg: 'ES256', jwk: attacker.publicJwk }, claims, attacker.privateKey);
    await rejectsWith(verifyJWT(token, KEYS.p256.spki), 'ERR_JWS_SIGNATURE_INVALID');
    await rejectsWith(verifyJWT(token, createLocalJWKS({ keys: [KEYS.p256.publicJwk] })), 'ERR_JWS_SIGNATURE_INVALID');
  });
});

describe('5. jku, x5u and x5c headers', () => {
  it('never fetches a URL from the token and ignores x5c', async () => {
    const attacker = await attackerES256();
    const calls: unknown[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (...args: unknown[]) => {
      calls.push(args);
      throw new Error('no fetch allowed');
    }) as typeof fetch;
    try {
      const headers = [
        { alg: 'ES256', jku: 'http://169.254.169.254/latest/meta-data/jwks.json' },
        { alg: 'ES256', x5u: 'https://attacker.example/cert.pem', kid: 'victim' },
        { alg: 'ES256', x5c: [KEYS.p256.certificate.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')] },
      ];
      for (const header of headers) {
        const token = await es256Token(header, claims, attacker.privateKey);
        await rejectsWith(verifyJWT(token, KEYS.p256.spki), 'ERR_JWS_SIGNATURE_INVALID');
        await rejectsWith(verifyJWT(token, createLocalJWKS({ keys: [{ ...KEYS.p256.publicJwk, kid: 'victim' }] })), [
          'ERR_JWS_SIGNATURE_INVALID',
          'ERR_JWKS_NO_MATCHING_KEY',
        ]);
      }
    } finally {
      globalThis.fetch = realFetch;
    }
    assert.deepEqual(calls, []);
  });
});

describe('6. kid tricks', () => {
  const jwks = createLocalJWKS({
    keys: [
      { ...KEYS.rsa.publicJwk, kid: 'k1' },
      { ...KEYS.p256.publicJwk, kid: 'e1' },
      { ...KEYS.p256.publicJwk, kid: 'dup' },
      { ...KEYS.p256Other.publicJwk, kid: 'dup' },
    ],
  });
  const rsaKey = () => importKey(KEYS.rsa.pkcs8);

  for (const kid of ['../../dev/null', "x' UNION SELECT '1';--", '|sleep 10', 'K1', 'k', 'k1 ', 'unknown']) {
    it(`matches kid ${JSON.stringify(kid)} exactly, finding nothing`, async () => {
      const token = await signJWT(claims, await rsaKey(), { kid });
      await rejectsWith(verifyJWT(token, jwks), 'ERR_JWKS_NO_MATCHING_KEY');
    });
  }

  it('does not use a key of another type that carries the kid', async () => {
    const token = await signJWT(claims, await rsaKey(), { kid: 'e1' });
    await rejectsWith(verifyJWT(token, jwks), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('refuses a kid shared by two keys instead of trying both', async () => {
    const token = await signJWT(claims, KEYS.p256Other.pkcs8, { kid: 'dup' });
    await rejectsWith(verifyJWT(token, jwks), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
  });

  it('refuses a kid that is not a string', async () => {
    const token = `${segment({ alg: 'RS256', kid: 5 })}.${segment(claims)}.${b64u(new Uint8Array(256))}`;
    await rejectsWith(verifyJWT(token, jwks), 'ERR_JWKS_NO_MATCHING_KEY');
  });
});
