// Catalogue entries 2 and 35 for the key types RFC 9964 and RFC 9864 added: an AKP (ML-DSA) or
// Ed448 key never becomes an HMAC secret, in any text or byte form, whether or not the runtime
// can use the key itself (the classifier knows ML-DSA by the NIST OID arc 2.16.840.1.101.3 and the
// AKP JWK by its kty). And an ML-DSA key serves its own parameter set only: ML-DSA-44 never verifies
// as ML-DSA-65, never as another algorithm, and a signature of the wrong length is refused first.
// What must never happen: a token signed with HS256 over the bytes of such a key verifies, or
// importKey hands back a secret made of them; an ML-DSA token verifies under another parameter set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createLocalJWKS, createVerifier, exportKey, generateKeyPair, importKey, signJWT, verifyJWT } from 'jwtkit';
import { b64u, fromB64u, hs256Token } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { PQ_KEYS } from '../support/pq-key-fixtures.js';
import { mustSupport } from '../support/runtime.js';

const claims = { sub: 'victim', admin: true };
const { mldsa44, ed448 } = PQ_KEYS;
const derOf = (pem: string) =>
  Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
const bodyOf = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/** Every text form of a key a careless caller could hand over as an HMAC secret. */
const TEXT_FORMS: Array<[string, string]> = [
  ['ML-DSA-44 SPKI PEM', mldsa44.spki],
  ['ML-DSA-44 PKCS#8 PEM', mldsa44.pkcs8],
  ['ML-DSA-44 SPKI base64 without armour', bodyOf(mldsa44.spki)],
  ['ML-DSA-44 PKCS#8 base64 without armour', bodyOf(mldsa44.pkcs8)],
  ['AKP public JWK JSON', JSON.stringify(mldsa44.publicJwk)],
  ['AKP private JWK JSON', JSON.stringify(mldsa44.privateJwk)],
  ['AKP JWKS JSON', JSON.stringify({ keys: [mldsa44.publicJwk] })],
  ['Ed448 SPKI PEM', ed448.spki],
  ['Ed448 public JWK JSON', JSON.stringify(ed448.publicJwk)],
];
const BYTE_FORMS: Array<[string, Uint8Array]> = [
  ['ML-DSA-44 SPKI DER', derOf(mldsa44.spki)],
  ['ML-DSA-44 PKCS#8 DER', derOf(mldsa44.pkcs8)],
  ['Ed448 SPKI DER', derOf(ed448.spki)],
  ['Ed448 PKCS#8 DER', derOf(ed448.pkcs8)],
];
// A verifier that names no HMAC algorithm may refuse an AKP key for lack of ML-DSA here, or because
// the token's alg is not the key's: either way, never a success.
const REFUSED = ['ERR_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID', 'ERR_NOT_SUPPORTED'];

/** Wraps bytes the ways binary input arrives: Uint8Array, ArrayBuffer, DataView, a subarray of a bigger buffer. */
function wrap(bytes: Uint8Array, how: number): Uint8Array | ArrayBuffer | DataView {
  if (how === 0) return bytes;
  if (how === 1) return bytes.slice().buffer;
  if (how === 2) return new DataView(bytes.slice().buffer);
  const big = new Uint8Array(bytes.length + 16);
  big.set(bytes, 7);
  return big.subarray(7, 7 + bytes.length);
}

describe('2. HMAC / public-key confusion with AKP (ML-DSA) and Ed448 keys', () => {
  for (const [name, material] of TEXT_FORMS) {
    it(`never uses ${name} as an HMAC secret`, async () => {
      const token = await hs256Token({ alg: 'HS256', typ: 'JWT' }, claims, material);
      await rejectsWith(verifyJWT(token, material), REFUSED);
      await rejectsWith(verifyJWT(token, material, { algorithms: ['HS256'] }), 'ERR_KEY_INVALID');
      await rejectsWith(
        verifyJWT(token, () => material, { algorithms: ['HS256', 'ML-DSA-44', 'Ed448'] }),
        REFUSED,
      );
      await rejectsWith(importKey(material, { alg: 'HS256' }), 'ERR_KEY_INVALID');
      await rejectsWith(signJWT({}, material, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    });
  }

  for (const [name, bytes] of BYTE_FORMS) {
    it(`never uses ${name} as an HMAC secret`, async () => {
      const token = await hs256Token({ alg: 'HS256' }, claims, bytes);
      await rejectsWith(verifyJWT(token, bytes, { algorithms: ['HS256'] }), 'ERR_KEY_INVALID');
      await rejectsWith(verifyJWT(token, bytes), REFUSED);
      await rejectsWith(importKey(bytes, { alg: 'HS512' }), 'ERR_KEY_INVALID');
    });
  }

  it('refuses an HS256 token for an AKP or Ed448 JWK object, whatever the allowlist says', async () => {
    for (const jwk of [mldsa44.publicJwk, ed448.publicJwk]) {
      const token = await hs256Token({ alg: 'HS256' }, claims, JSON.stringify(jwk));
      await rejectsWith(verifyJWT(token, jwk), REFUSED);
      await rejectsWith(verifyJWT(token, jwk, { algorithms: ['HS256'] }), ['ERR_ALG_NOT_ALLOWED', 'ERR_KEY_MISMATCH']);
      await rejectsWith(importKey(jwk, { alg: 'HS256' }), 'ERR_KEY_MISMATCH');
    }
  });

  it('never turns key text with junk around it into a secret (generated: prefixes, suffixes, byte containers)', async () => {
    // Junk is separated from the key by whitespace. (A bare base64 body glued to letters, "MIIB...AQABx",
    // is not recognised for any key type: reported, not AKP-specific.)
    const before = fc.constantFrom('', ' ', '\n', '\uFEFF', '\u200B', '# verifier key\n', '\r\n\t', 'Bag Attributes\n');
    const after = fc.constantFrom('', ' ', '\n', '\r\n\t', '\n# end of key\n');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TEXT_FORMS.map(([, text]) => text)),
        before,
        after,
        fc.integer({ min: -1, max: 3 }),
        async (text, prefix, suffix, how) => {
          const material = `${prefix}${text}${suffix}`;
          const input = how < 0 ? material : wrap(new TextEncoder().encode(material), how);
          const token = await hs256Token({ alg: 'HS256' }, claims, material);
          await rejectsWith(verifyJWT(token, input as string, { algorithms: ['HS256'] }), 'ERR_KEY_INVALID');
          await rejectsWith(importKey(input as string, { alg: 'HS256' }), 'ERR_KEY_INVALID');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('positive control: the same harness accepts a real HS256 secret', async () => {
    const secret = 'a-genuine-hmac-secret-of-32-bytes!!';
    const token = await hs256Token({ alg: 'HS256' }, claims, secret);
    assert.equal((await verifyJWT(token, secret, { algorithms: ['HS256'] })).payload.sub, 'victim');
  });
});

describe('35. key material as bytes: AKP and Ed448 keys in every byte container', () => {
  it('reads ML-DSA and Ed448 key text held in bytes as that key, never as a secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TEXT_FORMS), fc.integer({ min: 0, max: 3 }), async ([, text], how) => {
        const bytes = wrap(new TextEncoder().encode(text), how);
        await rejectsWith(importKey(bytes, { alg: 'HS256' }), 'ERR_KEY_INVALID');
        const token = await hs256Token({ alg: 'HS256' }, claims, text);
        // Refused when the verifier is made (static keys are imported then), or at the latest on the token.
        await rejectsWith(
          async () => createVerifier({ key: bytes as Uint8Array, algorithms: ['HS256'] })(token),
          'ERR_KEY_INVALID',
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe('ML-DSA keys serve their own parameter set only', () => {
  const sets = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'] as const;

  it('refuses to bind an ML-DSA key to another parameter set or algorithm, in every form', async () => {
    for (const alg of ['ML-DSA-65', 'ML-DSA-87', 'EdDSA', 'ES256', 'HS256'] as const) {
      await rejectsWith(importKey(mldsa44.spki, { alg }), ['ERR_KEY_MISMATCH', 'ERR_KEY_INVALID']);
      await rejectsWith(importKey(mldsa44.publicJwk, { alg }), ['ERR_KEY_MISMATCH', 'ERR_KEY_INVALID']);
      await rejectsWith(importKey(derOf(mldsa44.pkcs8), { alg }), ['ERR_KEY_MISMATCH', 'ERR_KEY_INVALID']);
    }
    // An AKP JWK without its alg is not a key: the parameter set would be a guess.
    const { alg: _alg, ...noAlg } = mldsa44.publicJwk;
    await rejectsWith(importKey(noAlg, { alg: 'ML-DSA-44' }), 'ERR_KEY_INVALID');
  });

  it('refuses a private AKP key in a public key set (its priv is the whole private key)', () => {
    assert.throws(() => createLocalJWKS({ keys: [mldsa44.privateJwk] }), { code: 'ERR_JWKS_INVALID' });
    assert.throws(() => createLocalJWKS({ keys: [ed448.privateJwk] }), { code: 'ERR_JWKS_INVALID' });
    // Positive control: the public halves make a set.
    assert.equal(createLocalJWKS({ keys: [mldsa44.publicJwk, ed448.publicJwk] }).keys.length, 2);
  });

  it(`a token of one parameter set never verifies under another, nor with a bit flipped${mustSupport('ML-DSA-44') ? '' : ' (refused with ERR_NOT_SUPPORTED here)'}`, async () => {
    if (!mustSupport('ML-DSA-44')) {
      await rejectsWith(generateKeyPair('ML-DSA-44'), 'ERR_NOT_SUPPORTED');
      await rejectsWith(importKey(mldsa44.spki), 'ERR_NOT_SUPPORTED');
      return;
    }
    const pairs = await Promise.all(sets.map((alg) => generateKeyPair(alg, { extractable: true })));
    const tokens = await Promise.all(pairs.map((pair) => signJWT({ sub: 'pq' }, pair.privateKey)));
    // Positive control: each token verifies under its own key.
    for (const [i, token] of tokens.entries()) {
      assert.equal((await verifyJWT(token, pairs[i]?.publicKey as never)).payload.sub, 'pq');
    }
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (signer, verifier, position, bit) => {
          const token = tokens[signer] as string;
          const publicJwk = await exportKey(pairs[verifier]?.publicKey as never, 'jwk');
          if (signer !== verifier) {
            const refused = ['ERR_ALG_NOT_ALLOWED', 'ERR_KEY_MISMATCH', 'ERR_JWS_SIGNATURE_INVALID'];
            await rejectsWith(verifyJWT(token, publicJwk), refused);
            await rejectsWith(verifyJWT(token, publicJwk, { algorithms: [...sets] }), refused);
            // The other set's key imported on its own, then offered for this token.
            const key = await importKey(publicJwk);
            await rejectsWith(verifyJWT(token, key, { algorithms: [...sets] }), refused);
            return;
          }
          const [h, p, s] = token.split('.') as [string, string, string];
          const signature = fromB64u(s);
          const index = position % signature.length;
          signature[index] = (signature[index] as number) ^ (1 << bit);
          await rejectsWith(verifyJWT(`${h}.${p}.${b64u(signature)}`, publicJwk), 'ERR_JWS_SIGNATURE_INVALID');
          // One byte short (canonical base64url): refused on length, before any crypto.
          await rejectsWith(verifyJWT(`${h}.${p}.${b64u(signature.subarray(1))}`, publicJwk), 'ERR_JWS_SIGNATURE_INVALID');
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('10. EdDSA malleability: Ed448', () => {
  // RFC 8032 §5.1.7: L = 2^446 - 13818066809895115352007386748515426880336692474882178609894547503885.
  const L = 2n ** 446n - 13818066809895115352007386748515426880336692474882178609894547503885n;
  const littleEndian = (bytes: Uint8Array) => bytes.reduceRight((value, byte) => (value << 8n) | BigInt(byte), 0n);
  const toLittleEndian = (value: bigint, length: number) =>
    Uint8Array.from({ length }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));

  it(`refuses S + L and R with its unused bits set${mustSupport('Ed448') ? '' : ' (Ed448 refused with ERR_NOT_SUPPORTED here)'}`, async () => {
    if (!mustSupport('Ed448')) {
      await rejectsWith(importKey(ed448.spki), 'ERR_NOT_SUPPORTED');
      return;
    }
    const token = await signJWT({ sub: 'ed448' }, ed448.pkcs8);
    // Positive control: the genuine token verifies.
    assert.equal((await verifyJWT(token, ed448.spki)).payload.sub, 'ed448');
    const [h, p, s] = token.split('.') as [string, string, string];
    const signature = fromB64u(s);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.integer({ min: 0, max: 6 }), async (addL, bit) => {
        const forged = signature.slice();
        if (addL) forged.set(toLittleEndian(littleEndian(signature.subarray(57)) + L, 57), 57);
        else forged[56] = (forged[56] as number) | (1 << bit);
        await rejectsWith(verifyJWT(`${h}.${p}.${b64u(forged)}`, ed448.spki), 'ERR_JWS_SIGNATURE_INVALID');
      }),
      { numRuns: 20 },
    );
  });
});
