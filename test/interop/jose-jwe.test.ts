// JWE interop both ways with jose, for every alg/enc pair jose supports (all of jwtkit's), in the
// compact, flattened and general serializations, plus encrypted and nested JWTs. Node only.
import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import * as jose from 'jose';
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  decryptJWE,
  decryptJWT,
  encryptJWE,
  encryptJWT,
  KEY_MANAGEMENT_ALGORITHMS,
  signJWT,
} from 'jwtkit';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const PASSWORD = 'correct horse battery staple';
const CEK_BYTES: Record<string, number> = {
  A128GCM: 16,
  A192GCM: 24,
  A256GCM: 32,
  'A128CBC-HS256': 32,
  'A192CBC-HS384': 48,
  'A256CBC-HS512': 64,
};
const CURVE: Record<string, { type: 'ec' | 'x25519'; namedCurve?: string }> = {
  'P-256': { type: 'ec', namedCurve: 'P-256' },
  'P-384': { type: 'ec', namedCurve: 'P-384' },
  'P-521': { type: 'ec', namedCurve: 'P-521' },
  X25519: { type: 'x25519' },
};

interface Keys {
  /** For jwtkit (a KeyObject or a password string). */
  encrypt: KeyObject | string;
  decrypt: KeyObject | string;
  /** For jose (KeyObject or bytes). */
  joseEncrypt: KeyObject | Uint8Array;
  joseDecrypt: KeyObject | Uint8Array;
}

function keysFor(alg: string, enc: string, crv: string): Keys {
  if (alg === 'dir' || /^A\d+(GCM)?KW$/.test(alg)) {
    const bytes = alg === 'dir' ? (CEK_BYTES[enc] as number) : Number(alg.slice(1, 4)) / 8;
    const secret = createSecretKey(randomBytes(bytes));
    return { encrypt: secret, decrypt: secret, joseEncrypt: secret, joseDecrypt: secret };
  }
  if (alg.startsWith('PBES2')) {
    const bytes = new TextEncoder().encode(PASSWORD);
    return { encrypt: PASSWORD, decrypt: PASSWORD, joseEncrypt: bytes, joseDecrypt: bytes };
  }
  const pair = alg.startsWith('RSA')
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : (() => {
        const curve = CURVE[crv] as { type: 'ec' | 'x25519'; namedCurve?: string };
        return curve.type === 'ec'
          ? generateKeyPairSync('ec', { namedCurve: curve.namedCurve as string })
          : generateKeyPairSync('x25519');
      })();
  return { encrypt: pair.publicKey, decrypt: pair.privateKey, joseEncrypt: pair.publicKey, joseDecrypt: pair.privateKey };
}

const options = (alg: string, enc: string) => ({
  keyManagementAlgorithms: [alg],
  contentEncryptionAlgorithms: [enc],
});

describe('JWE interop with jose', () => {
  for (const [index, alg] of KEY_MANAGEMENT_ALGORITHMS.entries()) {
    it(`${alg}: jwtkit -> jose and jose -> jwtkit for every enc, in every serialization`, async () => {
      for (const [offset, enc] of CONTENT_ENCRYPTION_ALGORITHMS.entries()) {
        const crv = Object.keys(CURVE)[(index + offset) % 4] as string;
        const keys = keysFor(alg, enc, crv);
        // jose, like jwtkit, decrypts PBES2 only when the caller lists it.
        const joseOptions = { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] };
        const label = `${alg} ${enc}${alg.startsWith('ECDH') ? ` ${crv}` : ''}`;

        const compact = await encryptJWE(label, keys.encrypt, { alg, enc });
        assert.equal(
          text((await jose.compactDecrypt(compact, keys.joseDecrypt, joseOptions)).plaintext),
          label,
          `jose reads jwtkit: ${label}`,
        );
        const flattened = await encryptJWE(label, keys.encrypt, {
          alg,
          enc,
          serialization: 'flattened',
          aad: 'aad',
          unprotectedHeader: { u: 1 },
        });
        assert.equal(text((await jose.flattenedDecrypt(flattened as never, keys.joseDecrypt, joseOptions)).plaintext), label);
        const general = await encryptJWE(label, [{ key: keys.encrypt, alg, recipientHeader: { r: 1 } }], { enc });
        assert.equal(text((await jose.generalDecrypt(general as never, keys.joseDecrypt, joseOptions)).plaintext), label);

        const fromJose = await new jose.CompactEncrypt(new TextEncoder().encode(label))
          .setProtectedHeader({ alg, enc })
          .encrypt(keys.joseEncrypt);
        assert.equal(
          text((await decryptJWE(fromJose, keys.decrypt, options(alg, enc))).plaintext),
          label,
          `jwtkit reads jose: ${label}`,
        );
        const joseGeneral = await new jose.GeneralEncrypt(new TextEncoder().encode(label))
          .setProtectedHeader({ enc })
          .setAdditionalAuthenticatedData(new TextEncoder().encode('aad'))
          .addRecipient(keys.joseEncrypt)
          .setUnprotectedHeader({ alg })
          .encrypt();
        assert.equal(text((await decryptJWE(joseGeneral as never, keys.decrypt, options(alg, enc))).plaintext), label);
      }
    });
  }
});

describe('encrypted JWTs with jose', () => {
  it('jose.jwtDecrypt reads encryptJWT, and decryptJWT reads jose.EncryptJWT', async () => {
    const secret = createSecretKey(randomBytes(32));
    const token = await encryptJWT({ sub: 'ada' }, secret, { alg: 'dir', enc: 'A256GCM', expiresIn: '5m', issuer: 'auth' });
    const { payload } = await jose.jwtDecrypt(token, secret, { issuer: 'auth' });
    assert.equal(payload.sub, 'ada');
    const fromJose = await new jose.EncryptJWT({ sub: 'bob' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuer('auth')
      .setExpirationTime('5m')
      .encrypt(secret);
    const opened = await decryptJWT(fromJose, secret, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      issuer: 'auth',
    });
    assert.equal(opened.payload.sub, 'bob');
  });

  it('nested JWTs go both ways: jose signs and encrypts, jwtkit decrypts and verifies, and back', async () => {
    const signer = generateKeyPairSync('ed25519');
    const recipient = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signed = await new jose.SignJWT({ sub: 'ada' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setExpirationTime('5m')
      .sign(signer.privateKey);
    const nested = await new jose.CompactEncrypt(new TextEncoder().encode(signed))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(recipient.publicKey);
    const { payload } = await decryptJWT(nested, recipient.privateKey, {
      keyManagementAlgorithms: ['RSA-OAEP-256'],
      verify: { key: signer.publicKey, algorithms: ['EdDSA'] },
    });
    assert.equal(payload.sub, 'ada');

    const ours = await encryptJWT(await signJWT({ sub: 'bob' }, signer.privateKey, { alg: 'EdDSA' }), recipient.publicKey, {
      alg: 'RSA-OAEP-256',
      enc: 'A256GCM',
    });
    const { plaintext, protectedHeader } = await jose.compactDecrypt(ours, recipient.privateKey);
    assert.equal(protectedHeader.cty, 'JWT');
    const inner = await jose.jwtVerify(text(plaintext), signer.publicKey);
    assert.equal(inner.payload.sub, 'bob');
  });
});
