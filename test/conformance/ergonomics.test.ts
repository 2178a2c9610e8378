// The first hour with jwtkit (issue 29): a wrong key fails where it was written, the encrypted-JWT
// seed of jose users is two lines, and errors say what to write. Runs on both backends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createVerifier,
  decryptJWT,
  encryptJWE,
  encryptJWT,
  exportKey,
  generateKeyPair,
  generateSecret,
  importKey,
  type JWSHeader,
  signJWT,
  verifyJWT,
} from 'jwtkit';
import { createAuthenticator } from 'jwtkit/http';
import { rejectsWith, throwsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

const PATH = 'keys/rsa.public.pem';
const key32 = new Uint8Array(32).map((_, i) => i * 7 + 1);

describe('a verifier made with static key material imports it at creation', () => {
  it('refuses a path given as the key when algorithms lists only asymmetric algorithms, naming the mistake', () => {
    const error = throwsWith(() => createVerifier({ key: PATH, algorithms: ['RS256'] }), 'ERR_KEY_MISMATCH');
    assert.match(error.message, /path instead of the key's contents/);
    assert.ok(!error.message.includes(PATH), 'the string itself is never repeated (it could be a secret)');
  });

  it('refuses a path-like string read as a too-short secret at creation, with the hint', () => {
    const error = throwsWith(() => createVerifier({ key: './keys/hs.key' }), 'ERR_KEY_WEAK');
    assert.match(error.message, /path instead of the key's contents/);
  });

  it('gives no path hint to a short string that does not read as a path', () => {
    const error = throwsWith(() => createVerifier({ key: 'short-secret' }), 'ERR_KEY_WEAK');
    assert.doesNotMatch(error.message, /path/);
  });

  it('refuses an RSA public key for an HMAC-only allowlist at creation', () => {
    throwsWith(() => createVerifier({ key: KEYS.rsa.spki, algorithms: ['HS256'] }), ['ERR_KEY_MISMATCH', 'ERR_KEY_INVALID']);
  });

  it('makes the middleware core refuse the wrong key at creation instead of answering invalid_token per request', () => {
    throwsWith(() => createAuthenticator({ key: PATH, algorithms: ['RS256'] }), 'ERR_KEY_MISMATCH');
  });

  it('positive control: the right key and a mixed allowlist create a verifier that verifies', async () => {
    const privateKey = await importKey(KEYS.rsa.pkcs8, { alg: 'PS256' });
    const verify = createVerifier({ key: KEYS.rsa.spki, algorithms: ['PS256', 'ES256'] });
    const token = await signJWT({ sub: 'ada' }, privateKey);
    assert.equal((await verify(token)).payload.sub, 'ada');
    // The allowlist's other algorithm still fails per token, as a mismatch, not at creation.
    const ec = await generateKeyPair('ES256');
    await rejectsWith(verify(await signJWT({ sub: 'ada' }, ec.privateKey)), ['ERR_KEY_MISMATCH', 'ERR_ALG_NOT_ALLOWED']);
  });

  it('never calls a resolver at creation', async () => {
    let calls = 0;
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const verify = createVerifier({
      key: (_header: JWSHeader) => {
        calls++;
        return publicKey;
      },
      algorithms: ['ES256'],
    });
    assert.equal(calls, 0);
    await verify(await signJWT({}, privateKey));
    assert.equal(calls, 1);
  });

  it('a one-shot verifyJWT with a path still fails with the hint', async () => {
    const token = await signJWT({}, KEYS.rsa.pkcs8, { alg: 'RS256' });
    const error = await rejectsWith(verifyJWT(token, PATH, { algorithms: ['RS256'] }), 'ERR_KEY_MISMATCH');
    assert.match(error.message, /path instead/);
  });
});

describe("the encrypted-JWT seed: jose's dir + A256GCM with a raw 32-byte key", () => {
  it('is two lines: encrypt and decrypt with the raw key and the same { alg, enc }', async () => {
    const token = await encryptJWT({ sub: 'ada' }, key32, { alg: 'dir', enc: 'A256GCM', expiresIn: '15m' });
    const { payload, header } = await decryptJWT(token, key32, { alg: 'dir', enc: 'A256GCM' });
    assert.equal(payload.sub, 'ada');
    assert.deepEqual([header.alg, header.enc], ['dir', 'A256GCM']);
  });

  it('takes the algorithm from the caller, never the header: A256KW under the same key is refused', async () => {
    const token = await encryptJWE(JSON.stringify({ sub: 'ada' }), key32, { alg: 'A256KW', enc: 'A256GCM' });
    await rejectsWith(decryptJWT(token, key32, { alg: 'dir', enc: 'A256GCM' }), 'ERR_ALG_NOT_ALLOWED');
    // Positive control: the caller naming A256KW decrypts it.
    assert.equal((await decryptJWT(token, key32, { alg: 'A256KW' })).payload.sub, 'ada');
  });

  it('refuses another enc than the one named', async () => {
    const key16 = key32.slice(0, 16);
    const token = await encryptJWT({}, key16, { alg: 'dir', enc: 'A128GCM' });
    await rejectsWith(decryptJWT(token, key16, { alg: 'dir', enc: 'A256GCM' }), 'ERR_ALG_NOT_ALLOWED');
  });

  it('says what to write when decrypt is given a raw key and no algorithm', async () => {
    const token = await encryptJWT({}, key32, { alg: 'dir', enc: 'A256GCM' });
    const error = await rejectsWith(decryptJWT(token, key32), 'ERR_INVALID_OPTION');
    assert.match(error.message, /\{ alg: 'dir', enc: 'A256GCM' \}/);
  });

  it('names PBES2 first when the key given without an algorithm is a string (a password, most often)', async () => {
    const token = await encryptJWT({}, 'a long shared password', { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM' });
    const error = await rejectsWith(decryptJWT(token, 'a long shared password'), 'ERR_INVALID_OPTION');
    assert.match(
      error.message,
      /serves, as the encrypting side did: \{ alg: 'PBES2-HS256\+A128KW' \} for a password, \{ alg: 'dir'/,
    );
    assert.equal(
      (await decryptJWT(token, 'a long shared password', { alg: 'PBES2-HS256+A128KW' })).payload.iat !== undefined,
      true,
    );
  });

  it('says dir needs the enc, and that alg and keyManagementAlgorithms are one option', async () => {
    const token = await encryptJWT({}, key32, { alg: 'dir', enc: 'A256GCM' });
    const error = await rejectsWith(decryptJWT(token, key32, { alg: 'dir' }), 'ERR_INVALID_OPTION');
    assert.match(error.message, /enc: 'A256GCM'/);
    await rejectsWith(decryptJWT(token, key32, { alg: 'dir', keyManagementAlgorithms: ['dir'] }), 'ERR_INVALID_OPTION');
  });

  it('says what to write when encryptJWT gets raw bytes without alg', async () => {
    const error = await rejectsWith(encryptJWT({}, key32, { enc: 'A256GCM' }), 'ERR_INVALID_OPTION');
    assert.match(error.message, /alg: 'dir', enc: 'A256GCM'/);
  });

  it("says how to bind a dir key when importKey is asked for alg 'dir'", async () => {
    const error = await rejectsWith(importKey(key32, { alg: 'dir' }), 'ERR_KEY_MISMATCH');
    assert.match(error.message, /alg: 'A256GCM'/);
  });
});

describe('token errors name the mistake', () => {
  const secret = 'a-secret-of-at-least-thirty-two-bytes!!';
  const message = async (token: string) => (await rejectsWith(verifyJWT(token, secret), 'ERR_JWT_MALFORMED')).message;

  it('a Bearer prefix, leading or trailing whitespace, standard base64 with its position, padding, a JWE', async () => {
    const token = await signJWT({ sub: 'ada' }, secret);
    assert.match(await message(`Bearer ${token}`), /starts with "Bearer "/);
    assert.match(await message(`${token}\n`), /whitespace \(U\+000A\) at position \d+: trim the token/);
    assert.match(await message(` ${token}`), /starts with whitespace/);
    const [h, p, s] = token.split('.') as [string, string, string];
    assert.match(await message(`${h}.${p.slice(0, 5)}+${p.slice(6)}.${s}`), /payload .*"\+" at position 5 is standard base64/);
    assert.match(await message(`${h}=.${p}.${s}`), /protected header .*padding "="/);
    const jwe = await encryptJWT({}, key32, { alg: 'dir', enc: 'A256GCM' });
    assert.match(await message(jwe), /compact JWE .* decryptJWT/);
    // Positive control: the token itself verifies.
    assert.equal((await verifyJWT(token, secret)).payload.sub, 'ada');
  });
});

describe('exportKey without a format', () => {
  it('names the formats instead of calling undefined an unknown format', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const error = await rejectsWith((exportKey as (key: unknown) => Promise<unknown>)(publicKey), 'ERR_KEY_MISMATCH');
    assert.match(error.message, /exportKey needs a format: 'jwk'/);
    assert.equal(((await exportKey(publicKey, 'jwk')) as { kty: string }).kty, 'EC');
  });
});

describe('exportKey on a key that cannot leave its key object', () => {
  const named = async (run: () => Promise<unknown>, how: RegExp) => {
    const error = await rejectsWith(run(), 'ERR_KEY_NOT_EXTRACTABLE');
    assert.match(error.message, /is not extractable/);
    assert.match(error.message, how);
    assert.match(error.message, /importKey\(material, \{ extractable: true \}\)/);
  };

  it('says so and names { extractable: true }, for generated keys and for CryptoKeys made non-extractable', async () => {
    const pair = await generateKeyPair('ES256');
    await named(() => exportKey(pair.privateKey, 'jwk'), /generateKeyPair\('ES256', \{ extractable: true \}\)/);
    await named(
      async () => exportKey(await generateSecret('HS256'), 'raw'),
      /generateSecret\('HS256', \{ extractable: true \}\)/,
    );
    const subtle = globalThis.crypto.subtle;
    const ec = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    for (const format of ['jwk', 'pkcs8'] as const) {
      await named(async () => exportKey(await importKey(ec.privateKey), format as 'jwk'), /crypto\.subtle/);
    }
    const hmac = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    await named(async () => exportKey(await importKey(hmac, { extractable: true }), 'raw'), /generateSecret/);
  });

  it('positive control: extractable keys and the public half of any pair export', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    assert.equal((await exportKey(pair.privateKey, 'jwk')).kty, 'EC');
    assert.equal((await exportKey((await generateKeyPair('ES256')).publicKey, 'jwk')).kty, 'EC');
    const ec = await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    assert.match(await exportKey(await importKey(ec.privateKey), 'pkcs8'), /BEGIN PRIVATE KEY/);
  });
});

describe('an RSA PEM takes its algorithm from the caller, never from the header', () => {
  const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
  const tokens = new Map<string, string>();
  const tokenFor = async (alg: string) => {
    let token = tokens.get(alg);
    if (token === undefined) {
      token = await signJWT({ sub: 'ada' }, KEYS.rsa.pkcs8, { alg, expiresIn: '5m' });
      tokens.set(alg, token);
    }
    return token;
  };

  it('verifies with the PEM iff the token alg is in algorithms, for any list of RSA (and other) algorithms', async () => {
    const list = fc.uniqueArray(fc.constantFrom(...RSA, 'ES256', 'HS256'), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...RSA), list, async (alg, algorithms) => {
        const token = await tokenFor(alg);
        // Out of the list: refused (an RSA key never serves HS256 or ES256, whatever the list says).
        const run = () => verifyJWT(token, KEYS.rsa.spki, { algorithms });
        if (algorithms.includes(alg)) assert.equal((await run()).header.alg, alg);
        else await rejectsWith(run, 'ERR_ALG_NOT_ALLOWED');
      }),
      { numRuns: 40 },
    );
  });

  it('signs with the alg asked for, and without algorithms binds RS256 and says how to ask for another', async () => {
    for (const alg of RSA) {
      const token = await tokenFor(alg);
      assert.equal(JSON.parse(atob(token.split('.')[0] as string)).alg, alg);
      if (alg === 'RS256') {
        assert.equal((await verifyJWT(token, KEYS.rsa.spki)).payload.sub, 'ada');
        continue;
      }
      const error = await rejectsWith(verifyJWT(token, KEYS.rsa.spki), 'ERR_ALG_NOT_ALLOWED');
      assert.ok(error.message.includes(`pass algorithms: ['${alg}']`), error.message);
    }
  });
});
