// Catalogue entries 7-10 and 28: signature values and encodings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importKey, signJWT, verifyJWT } from 'jwtkit';
import { b64u, bigBytes, bytesBig, fromB64u, p1363ToDER, SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

const withSignature = (token: string, signature: Uint8Array) => `${token.slice(0, token.lastIndexOf('.'))}.${b64u(signature)}`;
const signatureOf = (token: string) => fromB64u(token.slice(token.lastIndexOf('.') + 1));

describe('7. ECDSA psychic signatures', () => {
  it('refuses r or s of 0, n, n+1 or p, and all-zero signatures', async () => {
    const publicKey = await importKey(KEYS.p256.spki);
    const token = await signJWT({ sub: 'x' }, KEYS.p256.pkcs8);
    const values = [0n, 1n, P256_N - 1n, P256_N, P256_N + 1n, P256_P];
    for (const r of values) {
      for (const s of values) {
        const forged = withSignature(token, Uint8Array.of(...bigBytes(r, 32), ...bigBytes(s, 32)));
        await rejectsWith(verifyJWT(forged, publicKey), 'ERR_JWS_SIGNATURE_INVALID');
      }
    }
    for (const [alg, pem, length] of [
      ['ES384', KEYS.p384.spki, 96],
      ['ES512', KEYS.p521.spki, 132],
    ] as const) {
      const other = await signJWT({ sub: 'x' }, alg === 'ES384' ? KEYS.p384.pkcs8 : KEYS.p521.pkcs8);
      await rejectsWith(verifyJWT(withSignature(other, new Uint8Array(length)), pem), 'ERR_JWS_SIGNATURE_INVALID');
    }
  });
});

describe('8. ECDSA signature encoding', () => {
  it('accepts exactly 64/96/132-byte r||s and nothing else', async () => {
    const publicKey = await importKey(KEYS.p256.spki);
    const token = await signJWT({ sub: 'x' }, KEYS.p256.pkcs8);
    const signature = signatureOf(token);
    assert.equal(signature.length, 64);
    await verifyJWT(token, publicKey);
    const variants = [
      p1363ToDER(signature),
      signature.subarray(0, 63),
      Uint8Array.of(...signature, 0),
      Uint8Array.of(0, ...signature),
      signature.subarray(0, 2),
    ];
    for (const bad of variants) await rejectsWith(verifyJWT(withSignature(token, bad), publicKey), 'ERR_JWS_SIGNATURE_INVALID');
    await rejectsWith(verifyJWT(withSignature(token, new Uint8Array(0)), publicKey), 'ERR_JWT_MALFORMED');
  });
});

describe('9. high-S ECDSA', () => {
  it('accepts the high-S twin of a valid signature, as RFC 7518 does', async () => {
    const publicKey = await importKey(KEYS.p256.spki);
    const token = await signJWT({ sub: 'x' }, KEYS.p256.pkcs8);
    const signature = signatureOf(token);
    const s = bytesBig(signature.subarray(32));
    const twin = Uint8Array.of(...signature.subarray(0, 32), ...bigBytes(P256_N - s, 32));
    const { payload } = await verifyJWT(withSignature(token, twin), publicKey);
    assert.equal(payload.sub, 'x');
  });
});

describe('10. Ed25519 malleability', () => {
  it('refuses S >= L', async () => {
    const publicKey = await importKey(KEYS.ed25519.spki);
    const token = await signJWT({ sub: 'x' }, KEYS.ed25519.pkcs8);
    const signature = signatureOf(token);
    const sLittle = signature.subarray(32);
    const s = bytesBig(Uint8Array.from(sLittle).reverse());
    const forged = Uint8Array.of(...signature.subarray(0, 32), ...bigBytes(s + ED25519_L, 32).reverse());
    await rejectsWith(verifyJWT(withSignature(token, forged), publicKey), 'ERR_JWS_SIGNATURE_INVALID');
  });
});

describe('28. empty and truncated tokens', () => {
  it('fails on structure or length before any crypto', async () => {
    const token = await signJWT({ sub: 'x' }, SECRET);
    const [h, p] = token.split('.');
    await rejectsWith(verifyJWT(`${h}.${p}.`, SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWT(`${h}.${p}`, SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWT(`${h}..`, SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWT('..', SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWT('', SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWT(token.slice(0, -4), SECRET), ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED']);
    const rsaToken = await signJWT({ sub: 'x' }, KEYS.rsa.pkcs8);
    await rejectsWith(verifyJWT(rsaToken.slice(0, -4), KEYS.rsa.spki), ['ERR_JWS_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED']);
    await rejectsWith(
      verifyJWT(withSignature(rsaToken, signatureOf(rsaToken).subarray(1)), KEYS.rsa.spki),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });
});
