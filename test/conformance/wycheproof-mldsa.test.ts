// Project Wycheproof for the algorithms RFC 9964 and RFC 9864 added: ML-DSA-44/65/87 (verify, and
// sign from a seed) and Ed448. Every valid case verifies and every invalid one is refused (at
// import, for a public key or seed of the wrong length; at verification otherwise), through the
// signature layer JWS uses. JWS signs with an empty context, so the vector files were trimmed to the
// cases with an empty context (test/vectors/README.md). Where the run has no such algorithm, its
// keys are refused with ERR_NOT_SUPPORTED instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportKey, importKey, type JWSAlgorithm, JWTKitError, type Key } from 'jwtkit';
import { decodeBase64url, encodeBase64url } from '../../src/encoding/base64url.js';
import { signWith, verifyWith } from '../../src/jws/signature.js';
import { rejectsWith } from '../support/errors.js';
import { mustSupport } from '../support/runtime.js';
import { fromHex, readVector } from '../support/vectors.js';

interface Case {
  tcId: number;
  msg: string;
  sig?: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface Group {
  publicKey?: string;
  privateSeed?: string;
  publicKeyJwk?: Record<string, string>;
  tests: Case[];
}
interface File {
  testGroups: Group[];
}

const SETS = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'] as const;
const file = (alg: string, kind: 'verify' | 'sign_seed') => `wycheproof/mldsa_${alg.slice(-2)}_${kind}_test.json`;
const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** The key, or the error code its import failed with. */
async function tryImport(material: unknown, alg: JWSAlgorithm): Promise<Key | string> {
  try {
    return await importKey(material as Uint8Array, { alg, extractable: true });
  } catch (error) {
    if (error instanceof JWTKitError) return error.code;
    throw error;
  }
}

/** A raw ML-DSA public key as the AKP JWK of RFC 9964. */
const akp = (alg: string, pub: Uint8Array) => ({ kty: 'AKP', alg, pub: encodeBase64url(pub) });

for (const alg of SETS) {
  describe(`Wycheproof ${alg}`, () => {
    if (!mustSupport(alg)) {
      it(`refuses ${alg} keys with ERR_NOT_SUPPORTED here`, async () => {
        const group = readVector<File>(file(alg, 'verify')).testGroups[0] as Group;
        await rejectsWith(importKey(fromHex(group.publicKey as string), { alg }), 'ERR_NOT_SUPPORTED');
        await rejectsWith(importKey(akp(alg, fromHex(group.publicKey as string)), { alg }), 'ERR_NOT_SUPPORTED');
      });
      return;
    }

    it(`mldsa_${alg.slice(-2)}_verify_test.json: valid signatures verify, invalid ones and bad keys are refused`, async () => {
      const wrong: string[] = [];
      let valid = 0;
      let invalid = 0;
      for (const group of readVector<File>(file(alg, 'verify')).testGroups) {
        const pub = fromHex(group.publicKey as string);
        const raw = await tryImport(pub, alg);
        const jwk = await tryImport(akp(alg, pub), alg);
        for (const test of group.tests) {
          const expected = test.result === 'valid';
          if (expected) valid++;
          else invalid++;
          for (const [form, key] of [
            ['raw', raw],
            ['jwk', jwk],
          ] as const) {
            const ok = typeof key === 'string' ? false : await verifyWith(key, fromHex(test.msg), fromHex(test.sig as string));
            if (ok !== expected) wrong.push(`${test.tcId} (${form}: ${typeof key === 'string' ? key : ok})`);
          }
        }
      }
      assert.ok(valid > 20 && invalid > 20, `too few cases: ${valid} valid, ${invalid} invalid`);
      assert.deepEqual(wrong, [], 'cases with the wrong outcome');
    });

    it(`mldsa_${alg.slice(-2)}_sign_seed_test.json: a seed gives the vector's public key, and its signatures verify under it`, async () => {
      const wrong: string[] = [];
      let signed = 0;
      for (const group of readVector<File>(file(alg, 'sign_seed')).testGroups) {
        const seed = fromHex(group.privateSeed as string);
        const privateKey = await tryImport(seed, alg);
        if (seed.length !== 32) {
          // IncorrectPrivateKeyLength: never a key.
          if (typeof privateKey !== 'string') wrong.push(`seed of ${seed.length} bytes imported`);
          continue;
        }
        if (typeof privateKey === 'string') {
          wrong.push(`seed ${group.privateSeed?.slice(0, 8)}: ${privateKey}`);
          continue;
        }
        // Key generation: the JWK of the seed carries the vector's public key; the seed round-trips.
        const jwk = await exportKey(privateKey, 'jwk');
        if (hex(decodeBase64url(jwk.pub as string) as Uint8Array) !== group.publicKey) wrong.push('public key differs');
        if (hex(await exportKey(privateKey, 'raw')) !== group.privateSeed) wrong.push('seed does not round-trip');
        const publicKey = await importKey(fromHex(group.publicKey as string), { alg });
        for (const test of group.tests) {
          const message = fromHex(test.msg);
          const signature = decodeBase64url(await signWith(privateKey, message)) as Uint8Array;
          signed++;
          const ok = await verifyWith(publicKey, message, signature);
          if (ok !== (test.result === 'valid')) wrong.push(`${test.tcId}: ${ok}`);
        }
      }
      assert.ok(signed > 20, `too few signatures: ${signed}`);
      assert.deepEqual(wrong, []);
    });
  });
}

describe('Wycheproof Ed448', () => {
  it(`ed448_test.json as Ed448${mustSupport('Ed448') ? '' : ': refused with ERR_NOT_SUPPORTED here'}`, async () => {
    const data = readVector<File>('wycheproof/ed448_test.json');
    if (!mustSupport('Ed448')) {
      await rejectsWith(importKey(data.testGroups[0]?.publicKeyJwk ?? {}, { alg: 'Ed448' }), 'ERR_NOT_SUPPORTED');
      return;
    }
    const wrong: number[] = [];
    let count = 0;
    for (const group of data.testGroups) {
      const key = await importKey({ ...group.publicKeyJwk }, { alg: 'Ed448' });
      for (const test of group.tests) {
        count++;
        const ok = await verifyWith(key, fromHex(test.msg), fromHex(test.sig as string));
        if (ok !== (test.result === 'valid')) wrong.push(test.tcId);
      }
    }
    assert.ok(count > 50, `too few cases (${count})`);
    assert.deepEqual(wrong, [], 'cases with the wrong outcome');
  });
});
