// node:crypto KeyObjects as key input: kept as they are by the node backend, whatever is forced.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { importKey, signJWT, verifyJWT } from 'jwtkit';
import { SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

describe('KeyObject input', () => {
  it('signs and verifies with KeyObjects and derives the algorithm from them', async () => {
    const privateKey = await importKey(createPrivateKey(KEYS.p384.pkcs8));
    assert.equal(privateKey.alg, 'ES384');
    assert.equal(privateKey.backend, 'node');
    const token = await signJWT({ sub: 'ko' }, privateKey);
    assert.equal((await verifyJWT(token, createPublicKey(KEYS.p384.spki))).payload.sub, 'ko');
    const secret = createSecretKey(Buffer.from(SECRET));
    assert.equal((await verifyJWT(await signJWT({ sub: 's' }, secret), SECRET)).payload.sub, 's');
  });

  it('applies the same checks to KeyObjects as to any material', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await rejectsWith(importKey(weak.publicKey), 'ERR_KEY_WEAK');
    await rejectsWith(importKey(createSecretKey(Buffer.from('short'))), 'ERR_KEY_WEAK');
    await rejectsWith(importKey(createPublicKey(KEYS.p256.spki), { alg: 'HS256' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey(generateKeyPairSync('x25519').publicKey), 'ERR_NOT_SUPPORTED');
  });
});
