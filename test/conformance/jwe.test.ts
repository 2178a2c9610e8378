// JWE and encrypted JWTs through the public API: every alg with every enc, every serialization,
// headers, AAD, several recipients, zip, keys, and the claim checks encryptJWT/decryptJWT share
// with signJWT/verifyJWT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  decryptJWE,
  decryptJWT,
  encryptJWE,
  encryptJWT,
  exportKey,
  type GeneralJWE,
  generateKeyPair,
  generateSecret,
  importKey,
  KEY_MANAGEMENT_ALGORITHMS,
  type Key,
} from 'jwtkit';
import { rejectsWith } from '../support/errors.js';
import { keysFor, PASSWORD } from '../support/jwe-keys.js';
import { mustSupportJWE } from '../support/runtime.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
describe('JWE: every key management algorithm with every content encryption algorithm', () => {
  for (const [index, alg] of KEY_MANAGEMENT_ALGORITHMS.entries()) {
    it(`${alg} with ${CONTENT_ENCRYPTION_ALGORITHMS.join(', ')} round-trips in compact form`, async () => {
      for (const [offset, enc] of CONTENT_ENCRYPTION_ALGORITHMS.entries()) {
        const supported = mustSupportJWE(alg) && mustSupportJWE(enc);
        const attempt = (async () => {
          const { encryptKey, decryptKey } = await keysFor(alg, enc, index + offset);
          const jwe = await encryptJWE(`hello ${alg} ${enc}`, encryptKey, { enc });
          const [header] = jwe.split('.');
          assert.deepEqual(
            Object.keys(JSON.parse(atob((header as string).replace(/-/g, '+').replace(/_/g, '/')))).filter(
              (name) => name === 'alg' || name === 'enc',
            ),
            ['alg', 'enc'],
          );
          const { plaintext, header: decoded } = await decryptJWE(jwe, decryptKey);
          assert.equal(text(plaintext), `hello ${alg} ${enc}`);
          assert.equal(decoded.alg, alg);
          assert.equal(decoded.enc, enc);
        })();
        if (supported) await attempt;
        else await rejectsWith(attempt, 'ERR_NOT_SUPPORTED');
      }
    });
  }
});

describe('JWE serializations, headers and AAD', () => {
  it('writes and reads the flattened serialization with shared and per-recipient unprotected headers and AAD', async () => {
    const key = await generateSecret('A256KW', { kid: 'k1' });
    const jwe = await encryptJWE('payload', key, {
      serialization: 'flattened',
      unprotectedHeader: { 'x-shared': 1 },
      recipientHeader: { 'x-own': 'yes' },
      aad: 'metadata',
      typ: 'example+jwe',
    });
    assert.equal(typeof jwe.protected, 'string');
    assert.deepEqual(jwe.unprotected, { 'x-shared': 1 });
    assert.deepEqual(jwe.header, { 'x-own': 'yes' });
    const opened = await decryptJWE(jwe, key);
    assert.equal(text(opened.plaintext), 'payload');
    assert.equal(text(opened.additionalAuthenticatedData as Uint8Array), 'metadata');
    assert.equal(opened.header.kid, 'k1');
    assert.equal(opened.header.typ, 'example+jwe');
    assert.equal(opened.unprotectedHeader?.['x-own'], 'yes');
    // AAD is authenticated: changing it fails decryption.
    await rejectsWith(decryptJWE({ ...jwe, aad: 'bWV0YWRhdGEy' }, key), 'ERR_JWE_DECRYPTION_FAILED');
    // And so is the protected header.
    await rejectsWith(
      decryptJWE({ ...jwe, protected: `${jwe.protected}` === '' ? 'e30' : 'eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2R0NNIn0' }, key),
      'ERR_JWE_DECRYPTION_FAILED',
    );
  });

  it('places alg, kid and enc where the caller put them (RFC 7520 §5.11 and §5.12)', async () => {
    const key = await generateSecret('A128KW');
    const contentOnly = await encryptJWE('p', key, {
      serialization: 'flattened',
      unprotectedHeader: { alg: 'A128KW', enc: 'A128GCM' },
    });
    assert.equal(contentOnly.protected, undefined);
    assert.equal(text((await decryptJWE(contentOnly, key)).plaintext), 'p');
    await rejectsWith(
      encryptJWE('p', key, { serialization: 'flattened', unprotectedHeader: { alg: 'A256KW' } }),
      'ERR_KEY_MISMATCH',
    );
  });

  it('encrypts to several recipients in one general JWE; each of them decrypts it', async () => {
    const rsa = await generateKeyPair('RSA-OAEP-256');
    const ec = await generateKeyPair('ECDH-ES+A128KW', { crv: 'X25519' });
    // A192GCMKW takes part where this runtime and backend have 192-bit AES-GCM.
    const kek = mustSupportJWE('A192GCMKW') ? await generateSecret('A192GCMKW', { kid: 'shared-kek' }) : undefined;
    const passwordAlg = mustSupportJWE('PBES2-HS384+A192KW') ? 'PBES2-HS384+A192KW' : 'PBES2-HS512+A256KW';
    const password = await importKey(PASSWORD, { alg: passwordAlg });
    const jwe: GeneralJWE = await encryptJWE(
      'to many',
      [{ key: rsa.publicKey, kid: 'rsa' }, { key: ec.publicKey, kid: 'ec' }, ...(kek ? [{ key: kek }] : []), { key: password }],
      { enc: 'A256CBC-HS512', unprotectedHeader: { 'x-note': 'shared' } },
    );
    assert.equal(jwe.recipients.length, kek ? 4 : 3);
    assert.equal(jwe.recipients[0]?.header?.alg, 'RSA-OAEP-256');
    assert.equal(jwe.recipients[1]?.header?.epk?.crv, 'X25519');
    for (const key of [rsa.privateKey, ec.privateKey, password, ...(kek ? [kek] : [])]) {
      const opened = await decryptJWE(jwe, key);
      assert.equal(text(opened.plaintext), 'to many');
      assert.equal(opened.header['x-note'], 'shared');
      assert.equal(opened.header.enc, 'A256CBC-HS512');
    }
    const stranger = await generateKeyPair('RSA-OAEP-256');
    await rejectsWith(decryptJWE(jwe, stranger.privateKey), 'ERR_JWE_DECRYPTION_FAILED');
  });

  it('refuses dir and ECDH-ES among several recipients: they fix the content encryption key', async () => {
    const dir = await generateSecret('A256GCM');
    const other = await generateSecret('A256KW');
    await rejectsWith(encryptJWE('x', [{ key: dir }, { key: other }]), 'ERR_INVALID_OPTION');
    const ec = await generateKeyPair('ECDH-ES');
    await rejectsWith(encryptJWE('x', [{ key: ec.publicKey }, { key: other }]), 'ERR_INVALID_OPTION');
  });

  it('compresses with zip DEF and reads it back; compact has no room for AAD or unprotected headers', async () => {
    const key = await generateSecret('A128GCM');
    const plaintext = 'to be or not to be, '.repeat(200);
    const zipped = await encryptJWE(plaintext, key, { zip: 'DEF' });
    const plain = await encryptJWE(plaintext, key);
    assert.ok(zipped.length < plain.length / 4);
    const opened = await decryptJWE(zipped, key);
    assert.equal(text(opened.plaintext), plaintext);
    assert.equal(opened.header.zip, 'DEF');
    await rejectsWith(encryptJWE('x', key, { aad: 'x' } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(encryptJWE('x', key, { unprotectedHeader: { a: 1 } } as never), 'ERR_INVALID_OPTION');
  });

  it('reads crit: understood parameters pass, others are refused', async () => {
    const key = await generateSecret('A256GCM');
    const jwe = await encryptJWE('x', key, { header: { exp: 1 }, crit: ['exp'] });
    await rejectsWith(decryptJWE(jwe, key), 'ERR_CRIT_UNSUPPORTED');
    assert.equal(text((await decryptJWE(jwe, key, { crit: ['exp'] })).plaintext), 'x');
  });
});

describe('JWE keys', () => {
  it('generates, exports and re-imports every JWE key type', async () => {
    const secret = await generateSecret('A256GCM', { extractable: true, kid: 'cek' });
    const jwk = await exportKey(secret, 'jwk');
    assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'k', 'kid', 'kty']);
    assert.equal(jwk.alg, 'A256GCM');
    assert.equal((await exportKey(secret, 'raw')).length, 32);
    const again = await importKey(jwk);
    assert.equal(again.alg, 'A256GCM');
    assert.equal(text((await decryptJWE(await encryptJWE('x', secret), again)).plaintext), 'x');

    const x25519 = await generateKeyPair('ECDH-ES', { crv: 'X25519', extractable: true });
    const publicJWK = await exportKey(x25519.publicKey, 'jwk');
    assert.equal(publicJWK.crv, 'X25519');
    assert.equal(publicJWK.kty, 'OKP');
    const pem = await exportKey(x25519.privateKey, 'pkcs8');
    const reimported = await importKey(pem, { alg: 'ECDH-ES' });
    const token = await encryptJWE('x', await importKey(publicJWK));
    assert.equal(text((await decryptJWE(token, reimported)).plaintext), 'x');

    const rsa = await generateKeyPair('RSA-OAEP-512', { modulusLength: 3072 });
    assert.equal(rsa.publicKey.alg, 'RSA-OAEP-512');
    await rejectsWith(generateKeyPair('ECDH-ES', { crv: 'Ed25519' }), 'ERR_INVALID_OPTION');
    await rejectsWith(generateSecret('PBES2-HS256+A128KW'), 'ERR_INVALID_OPTION');
    await rejectsWith(generateSecret('dir'), 'ERR_INVALID_OPTION');
  });

  it('honours JWK use and key_ops, and the roles of public and private keys', async () => {
    const pair = await generateKeyPair('ECDH-ES+A256KW', { extractable: true });
    const publicJWK = await exportKey(pair.publicKey, 'jwk');
    await rejectsWith(importKey({ ...publicJWK, use: 'sig' }), 'ERR_KEY_MISMATCH');
    assert.equal((await importKey({ ...publicJWK, use: 'enc' })).alg, 'ECDH-ES+A256KW');
    const secret = await generateSecret('HS256', { extractable: true });
    await rejectsWith(importKey({ ...(await exportKey(secret, 'jwk')), use: 'enc' }), 'ERR_KEY_MISMATCH');
    const decryptOnly = await importKey({
      ...(await exportKey(await generateSecret('A128KW', { extractable: true }), 'jwk')),
      key_ops: ['unwrapKey'],
    });
    await rejectsWith(encryptJWE('x', decryptOnly), 'ERR_KEY_MISMATCH');
    await rejectsWith(encryptJWE('x', pair.privateKey), 'ERR_KEY_MISMATCH');
    const token = await encryptJWE('x', pair.publicKey);
    await rejectsWith(decryptJWE(token, pair.publicKey), 'ERR_KEY_MISMATCH');
  });

  it('asks for an allowlist unless the key is bound to one algorithm', async () => {
    const rsa = await generateKeyPair('RSA-OAEP', { extractable: true });
    const pem = await exportKey(rsa.privateKey, 'pkcs8');
    const token = await encryptJWE('x', rsa.publicKey);
    await rejectsWith(decryptJWE(token, pem), 'ERR_INVALID_OPTION');
    assert.equal(text((await decryptJWE(token, pem, { keyManagementAlgorithms: ['RSA-OAEP'] })).plaintext), 'x');
    await rejectsWith(decryptJWE(token, pem, { keyManagementAlgorithms: ['RSA-OAEP-256'] }), 'ERR_ALG_NOT_ALLOWED');
    await rejectsWith(decryptJWE(token, rsa.privateKey, { contentEncryptionAlgorithms: ['A128GCM'] }), 'ERR_ALG_NOT_ALLOWED');
    // dir: the key is the content encryption key, so the enc list is required with raw material.
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const direct = await encryptJWE('x', raw, { alg: 'dir', enc: 'A256GCM' });
    await rejectsWith(decryptJWE(direct, raw, { keyManagementAlgorithms: ['dir'] }), 'ERR_INVALID_OPTION');
    const opened = await decryptJWE(direct, raw, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    assert.equal(text(opened.plaintext), 'x');
  });

  it('selects a key by kid through a resolver', async () => {
    const one = await generateSecret('A128KW', { kid: 'one' });
    const two = await generateSecret('A128KW', { kid: 'two' });
    const token = await encryptJWE('x', two);
    const keys: Record<string, Key> = { one, two };
    const opened = await decryptJWE(token, (header) => keys[header.kid as string] as Key);
    assert.equal(opened.key, two);
  });
});

describe('encryptJWT / decryptJWT', () => {
  it('adds and checks the same claims as signJWT and verifyJWT', async () => {
    const key = await generateSecret('A256GCM');
    const now = 1_700_000_000;
    const token = await encryptJWT({ sub: 'ada', role: 'admin' }, key, {
      expiresIn: '15m',
      issuer: 'auth',
      audience: 'api',
      now,
    });
    assert.equal(token.split('.').length, 5);
    const { payload, header } = await decryptJWT(token, key, { issuer: 'auth', audience: 'api', now: now + 60 });
    assert.deepEqual({ ...payload }, { sub: 'ada', role: 'admin', iat: now, iss: 'auth', aud: 'api', exp: now + 900 });
    assert.equal(header.alg, 'dir');
    await rejectsWith(decryptJWT(token, key, { now: now + 901 }), 'ERR_JWT_EXPIRED');
    await rejectsWith(decryptJWT(token, key, { issuer: 'other', now }), 'ERR_JWT_CLAIM_INVALID');
    await rejectsWith(decryptJWT(token, key, { clockTolerance: Number.POSITIVE_INFINITY }), 'ERR_INVALID_OPTION');
    await rejectsWith(decryptJWT(token, key, { typ: 'at+jwt', now }), 'ERR_JWT_CLAIM_INVALID');
  });

  it('refuses a plaintext that is not a JSON object, and the JSON serializations', async () => {
    const key = await generateSecret('A256GCM');
    await rejectsWith(decryptJWT(await encryptJWE('[1,2]', key), key), 'ERR_JWT_MALFORMED');
    await rejectsWith(decryptJWT(await encryptJWE('{"a":1,"a":2}', key), key), 'ERR_JWT_MALFORMED');
    await rejectsWith(
      decryptJWT((await encryptJWE('{}', key, { serialization: 'flattened' })) as never, key),
      'ERR_JWT_MALFORMED',
    );
  });

  it('nests a signed JWT: sign, then encrypt with cty JWT; claims options belong to the signing', async () => {
    const issuer = await generateKeyPair('ES256');
    const recipient = await generateKeyPair('RSA-OAEP-256');
    const { signJWT } = await import('jwtkit');
    const signed = await signJWT({ sub: 'ada' }, issuer.privateKey, { expiresIn: '5m' });
    await rejectsWith(encryptJWT(signed, recipient.publicKey, { expiresIn: '5m' }), 'ERR_INVALID_OPTION');
    await rejectsWith(encryptJWT('not.a-jwt', recipient.publicKey), 'ERR_JWT_MALFORMED');
    const nested = await encryptJWT(signed, recipient.publicKey, { enc: 'A256GCM' });
    const { payload, header, signedHeader } = await decryptJWT(nested, recipient.privateKey, {
      verify: { key: issuer.publicKey, algorithms: ['ES256'] },
    });
    assert.equal(payload.sub, 'ada');
    assert.equal(header.cty, 'JWT');
    assert.equal(signedHeader?.alg, 'ES256');
    const impostor = await generateKeyPair('ES256');
    await rejectsWith(
      decryptJWT(nested, recipient.privateKey, { verify: { key: impostor.publicKey, algorithms: ['ES256'] } }),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });
});
