// Project Wycheproof for the JWE primitives, through jwtkit's own JWE layer (content encryption,
// key unwrap, epk checks, key agreement, PBKDF2): every `valid` case passes and every `invalid` one
// is refused. `acceptable` cases are decided in docs/decisions.md and asserted here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importKey, JWTKitError, type Key } from 'jwtkit';
import { cipherFor, cipherOf } from '#backend';
import {
  type ContentEncryptionAlgorithm,
  contentEncryptionAlgorithm,
  type KeyManagementAlgorithm,
  keyManagementAlgorithm,
} from '../../src/algorithms/index.js';
import { decryptContent, encryptContent } from '../../src/jwe/content.js';
import { agree, importEphemeralKey } from '../../src/jwe/ecdh.js';
import { rejectsWith } from '../support/errors.js';
import { mustSupportJWE } from '../support/runtime.js';
import { fromHex, readVector } from '../support/vectors.js';

interface Case {
  tcId: number;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
  [field: string]: unknown;
}
interface Group {
  tests: Case[];
  [field: string]: unknown;
}
const groups = (file: string) => readVector<{ testGroups: Group[] }>(`wycheproof/${file}`).testGroups;
const hex = (value: unknown) => fromHex(value as string);
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Runs every case, collects the ids whose outcome is wrong, and asserts there are none. */
async function run(file: string, check: (test: Case, group: Group) => Promise<boolean | 'skip'>, minimum = 20) {
  const wrong: number[] = [];
  let count = 0;
  for (const group of groups(file)) {
    for (const test of group.tests) {
      const ok = await check(test, group);
      if (ok === 'skip') continue;
      count++;
      if (!ok) wrong.push(test.tcId);
    }
  }
  assert.ok(count >= minimum, `${file}: only ${count} cases ran`);
  assert.deepEqual(wrong, [], `${file}: cases with the wrong outcome`);
}

async function outcome(promise: Promise<Uint8Array>): Promise<Uint8Array | JWTKitError> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof JWTKitError) return error;
    throw error;
  }
}

async function aead(file: string, name: (group: Group) => string) {
  await run(file, async (test, group) => {
    const enc = contentEncryptionAlgorithm(name(group)) as ContentEncryptionAlgorithm;
    if (!mustSupportJWE(enc.name)) {
      // Not on this runtime and backend: it must say so, never decrypt some other way.
      const attempt = await outcome(
        decryptContent(enc, hex(test.key), { iv: hex(test.iv), ciphertext: hex(test.ct), tag: hex(test.tag) }, hex(test.aad)),
      );
      const joseSizes = hex(test.iv).length === enc.ivLength && hex(test.tag).length === enc.tagLength;
      if (!(attempt instanceof JWTKitError)) return false;
      if (!joseSizes) return attempt.code === 'ERR_JWE_MALFORMED';
      // CBC-HMAC checks the tag (HMAC works with any key) before it reaches the missing AES-192.
      const forged = test.result !== 'valid' && enc.family === 'AES-CBC-HMAC' && attempt.code === 'ERR_JWE_DECRYPTION_FAILED';
      return attempt.code === 'ERR_NOT_SUPPORTED' || forged;
    }
    const sealed = { iv: hex(test.iv), ciphertext: hex(test.ct), tag: hex(test.tag) };
    const result = await outcome(decryptContent(enc, hex(test.key), sealed, hex(test.aad)));
    const joseSizes = sealed.iv.length === enc.ivLength && sealed.tag.length === enc.tagLength;
    if (!joseSizes) return result instanceof JWTKitError && result.code === 'ERR_JWE_MALFORMED';
    if (test.result !== 'valid') return result instanceof JWTKitError && result.code === 'ERR_JWE_DECRYPTION_FAILED';
    if (result instanceof JWTKitError || toHex(result) !== test.msg) return false;
    const again = await encryptContent(enc, hex(test.key), hex(test.msg), hex(test.aad), hex(test.iv));
    return toHex(again.ciphertext) === test.ct && toHex(again.tag) === test.tag;
  });
}

describe('Wycheproof AES-GCM (JOSE uses 96-bit IVs and 128-bit tags only)', () => {
  it('decrypts and reproduces every valid case, refuses every invalid one and every other IV or tag size', async () => {
    await aead('aes_gcm_test.json', (group) => `A${group.keySize}GCM`);
  });
});

describe('Wycheproof AES-CBC-HMAC-SHA2 (RFC 7518 §5.2)', () => {
  for (const [file, enc] of [
    ['a128cbc_hs256_test.json', 'A128CBC-HS256'],
    ['a192cbc_hs384_test.json', 'A192CBC-HS384'],
    ['a256cbc_hs512_test.json', 'A256CBC-HS512'],
  ] as const) {
    it(`${enc}: every valid case decrypts and re-encrypts exactly, every invalid one fails`, async () => {
      await aead(file, () => enc);
    });
  }
});

describe('Wycheproof AES key wrap (RFC 3394)', () => {
  it('wraps and unwraps every valid case, refuses every invalid one', async () => {
    await run('aes_wrap_test.json', async (test, group) => {
      const alg = keyManagementAlgorithm(`A${group.keySize}KW`) as KeyManagementAlgorithm;
      const backend = cipherFor(alg);
      const kek = hex(test.key);
      if (!mustSupportJWE(alg.name)) {
        // Not here: refused as unsupported (or, for a malformed length, before any AES), never unwrapped.
        const attempt = await outcome(backend.aesUnwrap(kek, hex(test.ct)) as Promise<Uint8Array>);
        return attempt === undefined || (attempt instanceof JWTKitError && attempt.code === 'ERR_NOT_SUPPORTED');
      }
      const unwrapped = await backend.aesUnwrap(kek, hex(test.ct));
      // Acceptable: 8-byte keys, which RFC 3394 leaves out; a JWE CEK is never that short.
      if (test.result === 'acceptable') return unwrapped === undefined || toHex(unwrapped) === test.msg;
      if (test.result === 'invalid') return unwrapped === undefined;
      if (unwrapped === undefined || toHex(unwrapped) !== test.msg) return false;
      return toHex(await backend.aesWrap(kek, hex(test.msg))) === test.ct;
    });
  });
});

describe('Wycheproof RSA-OAEP (JOSE: empty label, MGF1 with the same hash)', () => {
  const files: Array<[string, string]> = [
    ['rsa_oaep_2048_sha1_mgf1sha1_test.json', 'RSA-OAEP'],
    ['rsa_oaep_2048_sha256_mgf1sha256_test.json', 'RSA-OAEP-256'],
    ['rsa_oaep_2048_sha384_mgf1sha384_test.json', 'RSA-OAEP-384'],
    ['rsa_oaep_2048_sha512_mgf1sha512_test.json', 'RSA-OAEP-512'],
    ['rsa_oaep_3072_sha256_mgf1sha256_test.json', 'RSA-OAEP-256'],
    ['rsa_oaep_4096_sha512_mgf1sha512_test.json', 'RSA-OAEP-512'],
  ];
  for (const [file, alg] of files) {
    it(`${file}: valid cases without a label decrypt; invalid ones and labelled ones do not`, async () => {
      const keys = new Map<Group, Key>();
      await run(file, async (test, group) => {
        let key = keys.get(group);
        if (key === undefined) {
          key = await importKey(hex(group.privateKeyPkcs8), { alg });
          keys.set(group, key);
        }
        const entry = keyManagementAlgorithm(alg) as KeyManagementAlgorithm;
        const { backend, native } = key.internals;
        const plaintext = await cipherOf(backend).oaepDecrypt(native, entry.hash ?? 'SHA-1', hex(test.ct));
        // A JWE has no OAEP label: a ciphertext made with one must not decrypt without it.
        if (test.result === 'valid' && test.label === '') return plaintext !== undefined && toHex(plaintext) === test.msg;
        return plaintext === undefined;
      });
    });
  }
});

async function agreement(privateKey: Key, publicJwk: unknown): Promise<Uint8Array | JWTKitError> {
  return outcome(
    (async () =>
      agree(
        cipherOf(privateKey.internals.backend),
        privateKey.internals.native,
        await importEphemeralKey(publicJwk, privateKey),
      ))(),
  );
}

describe('Wycheproof ECDH on P-256, P-384, P-521 (JWK public keys: invalid-curve and wrong-curve cases)', () => {
  for (const file of [
    'ecdh_secp256r1_webcrypto_test.json',
    'ecdh_secp384r1_webcrypto_test.json',
    'ecdh_secp521r1_webcrypto_test.json',
  ]) {
    it(`${file}: every valid case agrees on the shared secret, every invalid public key is refused before agreement`, async () => {
      await run(file, async (test) => {
        const key = await importKey(test.private as Record<string, string>, { alg: 'ECDH-ES' });
        const result = await agreement(key, test.public);
        if (test.result === 'valid') return !(result instanceof JWTKitError) && toHex(result) === test.shared;
        return result instanceof JWTKitError && result.code === 'ERR_JWE_MALFORMED';
      });
    });
  }
});

// X25519 "acceptable" cases: twist points and non-canonical public keys agree as RFC 7748 says;
// low-order points, whose shared secret is all zeros, are refused (RFC 7748 §6.1).
function x25519Expected(test: Case, result: Uint8Array | JWTKitError): boolean {
  const zero = test.flags.includes('ZeroSharedSecret');
  if (test.result === 'invalid' || zero) return result instanceof JWTKitError && result.code === 'ERR_JWE_MALFORMED';
  return !(result instanceof JWTKitError) && toHex(result) === test.shared;
}

describe('Wycheproof X25519 (RFC 7748, RFC 8037)', () => {
  it('x25519_jwk_test.json: agrees where RFC 7748 does, refuses invalid and low-order public keys', async () => {
    await run('x25519_jwk_test.json', async (test) => {
      const { kid: _kid, ...jwk } = test.private as Record<string, string>;
      const key = await importKey(jwk, { alg: 'ECDH-ES' });
      return x25519Expected(test, await agreement(key, test.public));
    });
  });
  it('x25519_test.json (raw keys): the same, with the keys carried as JWKs', async () => {
    const PKCS8 = fromHex('302e020100300506032b656e04220420');
    const b64u = (bytes: Uint8Array) =>
      btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    await run('x25519_test.json', async (test) => {
      const der = new Uint8Array([...PKCS8, ...hex(test.private)]);
      const key = await importKey(der, { alg: 'ECDH-ES' });
      return x25519Expected(test, await agreement(key, { kty: 'OKP', crv: 'X25519', x: b64u(hex(test.public)) }));
    });
  });
});

describe('Wycheproof PBKDF2 (the PBES2 key derivation)', () => {
  for (const [file, alg] of [
    ['pbkdf2_hmacsha256_test.json', 'PBES2-HS256+A128KW'],
    ['pbkdf2_hmacsha384_test.json', 'PBES2-HS384+A192KW'],
    ['pbkdf2_hmacsha512_test.json', 'PBES2-HS512+A256KW'],
  ] as const) {
    it(`${file}: derives every case`, async () => {
      const entry = keyManagementAlgorithm(alg) as KeyManagementAlgorithm;
      const backend = cipherFor(entry);
      await run(file, async (test) => {
        const dk = await backend.pbkdf2(
          entry.hash as 'SHA-256',
          hex(test.password),
          hex(test.salt),
          Number(test.iterationCount),
          Number(test.dkLen),
        );
        return toHex(dk) === test.dk;
      });
    });
  }
});

describe('Wycheproof, unsupported primitives report ERR_NOT_SUPPORTED', () => {
  it('A192GCM is either supported or refused with ERR_NOT_SUPPORTED, never silently replaced', async () => {
    const enc = contentEncryptionAlgorithm('A192GCM') as ContentEncryptionAlgorithm;
    const attempt = encryptContent(enc, new Uint8Array(24), new Uint8Array(1), new Uint8Array(0));
    if (mustSupportJWE('A192GCM')) assert.equal((await attempt).tag.length, 16);
    else await rejectsWith(attempt, 'ERR_NOT_SUPPORTED');
  });
});
