// Project Wycheproof: every `valid` case verifies and every `invalid` one is rejected, through the
// same signature layer JWS uses (length check included). `acceptable` cases are decided in
// docs/decisions.md and asserted here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importKey, type JWSAlgorithm, type Key } from 'jwtkit';
import { verifyWith } from '../../src/jws/signature.js';
import { rejectsWith } from '../support/errors.js';
import { mustSupport } from '../support/runtime.js';
import { fromHex, readVector } from '../support/vectors.js';

interface Case {
  tcId: number;
  msg: string;
  sig?: string;
  tag?: string;
  key?: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
}
interface Group {
  publicKeyJwk?: Record<string, string>;
  publicKeyDer?: string;
  keySize?: number;
  tagSize?: number;
  sha?: string;
  tests: Case[];
}
interface File {
  testGroups: Group[];
}

const HASH_ALG: Record<string, Record<string, JWSAlgorithm>> = {
  RS: { 'SHA-256': 'RS256', 'SHA-384': 'RS384', 'SHA-512': 'RS512' },
  PS: { 'SHA-256': 'PS256', 'SHA-384': 'PS384', 'SHA-512': 'PS512' },
};

async function check(file: string, alg: (group: Group) => JWSAlgorithm, expected: (test: Case, group: Group) => boolean) {
  const data = readVector<File>(`wycheproof/${file}`);
  const wrong: number[] = [];
  let count = 0;
  for (const group of data.testGroups) {
    const algorithm = alg(group);
    const key: Key = group.publicKeyJwk
      ? await importKey({ ...group.publicKeyJwk, kid: undefined }, { alg: algorithm })
      : await importKey(fromHex(group.publicKeyDer as string), { alg: algorithm });
    for (const test of group.tests) {
      const ok = await verifyWith(key, fromHex(test.msg), fromHex(test.sig as string));
      count++;
      if (ok !== expected(test, group)) wrong.push(test.tcId);
    }
  }
  assert.ok(count > 50, `${file}: too few cases (${count})`);
  assert.deepEqual(wrong, [], `${file}: cases with the wrong outcome`);
}

const byResult = (test: Case) => test.result === 'valid';

describe('Wycheproof ECDSA (IEEE P1363 r||s)', () => {
  const files: Array<[string, JWSAlgorithm]> = [
    ['ecdsa_secp256r1_sha256_p1363_test.json', 'ES256'],
    ['ecdsa_secp384r1_sha384_p1363_test.json', 'ES384'],
    ['ecdsa_secp521r1_sha512_p1363_test.json', 'ES512'],
    ['ecdsa_secp256k1_sha256_p1363_test.json', 'ES256K'],
  ];
  for (const [file, alg] of files) {
    it(`${file} as ${alg}`, async () => {
      if (!mustSupport(alg)) {
        await rejectsWith(
          importKey(readVector<File>(`wycheproof/${file}`).testGroups[0]?.publicKeyJwk ?? {}, { alg }),
          'ERR_NOT_SUPPORTED',
        );
        return;
      }
      await check(file, () => alg, byResult);
    });
  }

  it('ecdsa_secp256r1_sha256_test.json: no DER-encoded signature verifies as ES256', async () => {
    await check(
      'ecdsa_secp256r1_sha256_test.json',
      () => 'ES256',
      () => false,
    );
  });
});

describe('Wycheproof Ed25519', () => {
  it('ed25519_test.json as EdDSA', async () => {
    await check('ed25519_test.json', () => 'EdDSA', byResult);
  });
});

describe('Wycheproof RSA', () => {
  for (const bits of [2048, 3072, 4096]) {
    for (const sha of [256, 384, 512]) {
      const file = `rsa_signature_${bits}_sha${sha}_test.json`;
      // "acceptable" here is only MissingNull (DigestInfo without the NULL parameter): rejected,
      // as both backends do; see docs/decisions.md.
      it(`${file} as RS${sha}`, async () => {
        await check(file, (group) => HASH_ALG.RS?.[group.sha as string] as JWSAlgorithm, byResult);
      });
    }
  }
  for (const file of [
    'rsa_pss_2048_sha256_mgf1_32_test.json',
    'rsa_pss_2048_sha384_mgf1_48_test.json',
    'rsa_pss_3072_sha256_mgf1_32_test.json',
    'rsa_pss_4096_sha256_mgf1_32_test.json',
    'rsa_pss_4096_sha384_mgf1_48_test.json',
    'rsa_pss_4096_sha512_mgf1_64_test.json',
  ]) {
    it(`${file} as PS*`, async () => {
      await check(file, (group) => HASH_ALG.PS?.[group.sha as string] as JWSAlgorithm, byResult);
    });
  }
});

describe('Wycheproof HMAC', () => {
  for (const [bits, alg] of [
    [256, 'HS256'],
    [384, 'HS384'],
    [512, 'HS512'],
  ] as const) {
    it(`hmac_sha${bits}_test.json as ${alg}: full tags by result, truncated tags never, short keys refused unless opted in`, async () => {
      const data = readVector<File>(`wycheproof/hmac_sha${bits}_test.json`);
      const wrong: number[] = [];
      let shortKeys = 0;
      for (const group of data.testGroups) {
        for (const test of group.tests) {
          const secret = fromHex(test.key as string);
          if (secret.length === 0) {
            await rejectsWith(importKey(secret, { alg }), 'ERR_KEY_INVALID');
            continue;
          }
          if (secret.length < bits / 8) {
            shortKeys++;
            await rejectsWith(importKey(secret, { alg }), 'ERR_KEY_WEAK');
          }
          const key = await importKey(secret, { alg, unsafeAllowShortSecret: true });
          const ok = await verifyWith(key, fromHex(test.msg), fromHex(test.tag as string));
          // JWS tags are never truncated: a shorter tag is invalid whatever the vector says.
          const expected = group.tagSize === bits && test.result === 'valid';
          if (ok !== expected) wrong.push(test.tcId);
        }
      }
      assert.ok(shortKeys > 0);
      assert.deepEqual(wrong, []);
    });
  }
});
