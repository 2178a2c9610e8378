// Security catalogue entries 11-16 and 26: the attacks on JWE decrypters, each as a test.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decryptJWE,
  decryptJWT,
  encryptJWE,
  encryptJWT,
  generateKeyPair,
  generateSecret,
  importKey,
  type Key,
  signJWT,
  verifyJWS,
  verifyJWT,
} from 'jwtkit';
import { cipherFor } from '#backend';
import { type ContentEncryptionAlgorithm, contentEncryptionAlgorithm } from '../../src/algorithms/index.js';
import { encryptContent } from '../../src/jwe/content.js';
import { rejectsWith } from '../support/errors.js';

// Independent of the library's codec; no spread, which overflows a Worker's stack on large inputs.
const b64u = (bytes: Uint8Array) =>
  btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromB64u = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const json = (segment: string) => JSON.parse(new TextDecoder().decode(fromB64u(segment)));
const segment = (value: unknown) => b64u(new TextEncoder().encode(JSON.stringify(value)));

/** Rewrites the protected header of a compact JWE (the rest is left as it was). */
function withHeader(token: string, change: (header: Record<string, unknown>) => void): string {
  const [head, ...rest] = token.split('.');
  const header = json(head as string);
  change(header);
  return [segment(header), ...rest].join('.');
}

/** Replaces one segment (0-4) of a compact JWE. */
function withSegment(token: string, index: number, value: Uint8Array): string {
  const parts = token.split('.');
  parts[index] = b64u(value);
  return parts.join('.');
}

/** Counts calls to one backend primitive while `run` runs. */
async function counting<T>(enc: ContentEncryptionAlgorithm, name: 'gcmDecrypt' | 'cbcDecrypt', run: () => Promise<T>) {
  const backend = cipherFor(enc) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = backend[name] as (...args: unknown[]) => unknown;
  let calls = 0;
  backend[name] = (...args: unknown[]) => {
    calls++;
    return original.apply(backend, args);
  };
  try {
    await run().catch(() => undefined);
  } finally {
    backend[name] = original;
  }
  return calls;
}

describe('catalogue 11: invalid-curve ECDH-ES', () => {
  it('refuses an epk off the curve, on another curve, of an unknown curve or type, before any key agreement', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    const token = await encryptJWE('x', publicKey);
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-384' });
    const p384 = await encryptJWE('x', other.publicKey);
    const zero = b64u(new Uint8Array(32));
    const cases: Array<(epk: Record<string, unknown>) => unknown> = [
      (epk) => Object.assign(epk, { x: zero, y: zero }),
      (epk) => Object.assign(epk, { y: epk.x }),
      () => json(p384.split('.')[0] as string).epk,
      (epk) => Object.assign(epk, { crv: 'P-257' }),
      (epk) => Object.assign(epk, { crv: 'secp256k1' }),
      (epk) => Object.assign(epk, { kty: 'OKP', crv: 'X25519' }),
      (epk) => Object.assign(epk, { d: zero }),
      () => 'not a JWK',
      () => null,
    ];
    for (const mutate of cases) {
      const crafted = withHeader(token, (header) => {
        const epk = { ...(header.epk as Record<string, unknown>) };
        const changed = mutate(epk);
        if (changed === null) delete header.epk;
        else header.epk = changed;
      });
      const error = await rejectsWith(decryptJWE(crafted, privateKey), 'ERR_JWE_MALFORMED');
      assert.equal((error as { parameter?: string }).parameter, 'epk');
    }
  });

  it('refuses an X25519 epk whose shared secret is all zeros (RFC 7748 §6.1)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES+A128KW', { crv: 'X25519' });
    const token = await encryptJWE('x', publicKey);
    for (const lowOrder of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      const crafted = withHeader(token, (header) => {
        header.epk = { kty: 'OKP', crv: 'X25519', x: b64u(lowOrder) };
      });
      await rejectsWith(decryptJWE(crafted, privateKey), 'ERR_JWE_MALFORMED');
    }
  });
});

describe('catalogue 12: PBES2 iteration DoS', () => {
  const password = 'a passphrase long enough for a test';
  const alg = 'PBES2-HS256+A128KW';

  it('accepts PBES2 only when the caller lists it or binds the key to it', async () => {
    const token = await encryptJWE('x', password, { alg, enc: 'A128GCM' });
    await rejectsWith(decryptJWE(token, password), 'ERR_INVALID_OPTION');
    await rejectsWith(decryptJWE(token, password, { keyManagementAlgorithms: ['A128KW'] }), 'ERR_ALG_NOT_ALLOWED');
    const kek = await generateSecret('A128KW');
    await rejectsWith(decryptJWE(token, kek), 'ERR_ALG_NOT_ALLOWED');
    const bound = await importKey(password, { alg });
    assert.equal(new TextDecoder().decode((await decryptJWE(token, bound)).plaintext), 'x');
  });

  it('refuses p2c over the cap, zero, negative, fractional or a string, without deriving anything', async () => {
    const token = await encryptJWE('x', password, { alg, enc: 'A128GCM' });
    for (const p2c of [2147483647, 10001, 0, -1, 1.5, '1000', null]) {
      const crafted = withHeader(token, (header) => {
        header.p2c = p2c;
      });
      const started = performance.now();
      const error = await rejectsWith(decryptJWE(crafted, password, { keyManagementAlgorithms: [alg] }), 'ERR_JWE_MALFORMED');
      assert.equal((error as { parameter?: string }).parameter, 'p2c');
      assert.ok(performance.now() - started < 1000, `p2c ${p2c} was not refused up front`);
    }
  });

  it('refuses a p2s shorter than 8 bytes, and honours a raised maxPBES2Count', async () => {
    const token = await encryptJWE('x', password, { alg, enc: 'A128GCM', p2c: 20000 });
    await rejectsWith(decryptJWE(token, password, { keyManagementAlgorithms: [alg] }), 'ERR_JWE_MALFORMED');
    const opened = await decryptJWE(token, password, { keyManagementAlgorithms: [alg], maxPBES2Count: 20000 });
    assert.equal(opened.header.p2c, 20000);
    const short = withHeader(token, (header) => {
      header.p2s = b64u(new Uint8Array(7));
    });
    const error = await rejectsWith(
      decryptJWE(short, password, { keyManagementAlgorithms: [alg], maxPBES2Count: 20000 }),
      'ERR_JWE_MALFORMED',
    );
    assert.equal((error as { parameter?: string }).parameter, 'p2s');
    await rejectsWith(
      decryptJWE(token, password, { keyManagementAlgorithms: [alg], maxPBES2Count: Number.NaN }),
      'ERR_INVALID_OPTION',
    );
  });
});

describe('catalogue 13: zip bomb', () => {
  const enc = contentEncryptionAlgorithm('A256GCM') as ContentEncryptionAlgorithm;

  /** A dir + A256GCM JWE whose plaintext is `compressed` and whose header says zip: DEF. */
  async function bomb(cek: Uint8Array, compressed: Uint8Array, header: Record<string, unknown> = { zip: 'DEF' }) {
    const protectedSegment = segment({ alg: 'dir', enc: 'A256GCM', ...header });
    const sealed = await encryptContent(enc, cek, compressed, new TextEncoder().encode(protectedSegment));
    return [protectedSegment, '', b64u(sealed.iv), b64u(sealed.ciphertext), b64u(sealed.tag)].join('.');
  }

  /** Raw DEFLATE of `megabytes` MiB of zeros, streamed so the test never holds them. */
  async function zeros(megabytes: number): Promise<Uint8Array> {
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < megabytes) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const deflate = new CompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>;
    return new Uint8Array(await new Response(source.pipeThrough(deflate)).arrayBuffer());
  }

  it('stops inflating at the default cap of 250 kB (a 64 MiB bomb)', async () => {
    const cek = crypto.getRandomValues(new Uint8Array(32));
    const key = await importKey(cek, { alg: 'A256GCM' });
    const token = await bomb(cek, await zeros(64));
    const started = performance.now();
    const error = await rejectsWith(decryptJWE(token, key), 'ERR_JWE_DECOMPRESSION_FAILED');
    assert.match(error.message, /250000/);
    assert.ok(performance.now() - started < 2000);
  });

  it('takes exactly the cap, refuses one byte more, and refuses compressed input with a cap of 0', async () => {
    const key = await generateSecret('A256GCM', { extractable: true });
    const at = await encryptJWE(new Uint8Array(250_000), key, { zip: 'DEF' });
    assert.equal((await decryptJWE(at, key)).plaintext.length, 250_000);
    await rejectsWith(
      decryptJWE(await encryptJWE(new Uint8Array(250_001), key, { zip: 'DEF' }), key),
      'ERR_JWE_DECOMPRESSION_FAILED',
    );
    await rejectsWith(decryptJWE(at, key, { maxDecompressedSize: 0 }), 'ERR_JWE_DECOMPRESSION_FAILED');
    assert.equal((await decryptJWE(at, key, { maxDecompressedSize: 300_000 })).plaintext.length, 250_000);
  });

  it('accepts zip only in the protected header and only as DEF; bad DEFLATE data is its own error', async () => {
    const cek = crypto.getRandomValues(new Uint8Array(32));
    const key = await importKey(cek, { alg: 'A256GCM' });
    await rejectsWith(decryptJWE(await bomb(cek, await zeros(1), { zip: 'GZ' }), key), 'ERR_JWE_MALFORMED');
    await rejectsWith(decryptJWE(await bomb(cek, Uint8Array.of(0xff, 0xff, 0xff)), key), 'ERR_JWE_DECOMPRESSION_FAILED');
    const flattened = await encryptJWE('x', key, { serialization: 'flattened', unprotectedHeader: { zip: 'DEF' } }).catch(
      (e) => e,
    );
    assert.equal(flattened.code, 'ERR_JWE_MALFORMED');
  });
});

describe('catalogue 14: RSA1_5', () => {
  it('is not implemented anywhere: import, generate, encrypt, decrypt options or header', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    await rejectsWith(importKey(privateKey, { alg: 'RSA1_5' }), ['ERR_NOT_SUPPORTED', 'ERR_KEY_MISMATCH']);
    await rejectsWith(generateKeyPair('RSA1_5'), 'ERR_NOT_SUPPORTED');
    await rejectsWith(encryptJWE('x', publicKey, { alg: 'RSA1_5' }), ['ERR_NOT_SUPPORTED', 'ERR_KEY_MISMATCH']);
    await rejectsWith(decryptJWE('a.b.c.d.e', privateKey, { keyManagementAlgorithms: ['RSA1_5'] }), 'ERR_INVALID_OPTION');
    const token = withHeader(await encryptJWE('x', publicKey), (header) => {
      header.alg = 'RSA1_5';
    });
    const error = await rejectsWith(
      decryptJWE(token, privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'] }),
      'ERR_ALG_NOT_ALLOWED',
    );
    assert.match(error.message, /RSA1_5/);
  });
});

describe('catalogue 15: AES-CBC-HMAC tag', () => {
  it('refuses a truncated, empty or overlong tag as malformed and a modified one as a failed decryption', async () => {
    const key = await generateSecret('A128CBC-HS256');
    const token = await encryptJWE('attack at dawn', key);
    const tag = fromB64u(token.split('.')[4] as string);
    await rejectsWith(decryptJWE(withSegment(token, 4, tag.subarray(0, 15)), key), 'ERR_JWE_MALFORMED');
    await rejectsWith(decryptJWE(withSegment(token, 4, new Uint8Array(0)), key), 'ERR_JWE_MALFORMED');
    await rejectsWith(decryptJWE(withSegment(token, 4, new Uint8Array(32)), key), 'ERR_JWE_MALFORMED');
    const flipped = Uint8Array.from(tag);
    flipped[0] = (flipped[0] as number) ^ 1;
    await rejectsWith(decryptJWE(withSegment(token, 4, flipped), key), 'ERR_JWE_DECRYPTION_FAILED');
  });

  it('checks the tag in constant time before AES-CBC runs, so padding is never an oracle', async () => {
    const enc = contentEncryptionAlgorithm('A128CBC-HS256') as ContentEncryptionAlgorithm;
    const cek = crypto.getRandomValues(new Uint8Array(32));
    const key = await importKey(cek, { alg: 'A128CBC-HS256' });
    const token = await encryptJWE('attack at dawn', key);
    const ciphertext = fromB64u(token.split('.')[3] as string);
    ciphertext[0] = (ciphertext[0] as number) ^ 1;
    const tampered = withSegment(token, 3, ciphertext);
    assert.equal(await counting(enc, 'cbcDecrypt', () => decryptJWE(tampered, key)), 0);
    assert.equal(await counting(enc, 'cbcDecrypt', () => decryptJWE(token, key)), 1);

    // A valid tag over a ciphertext whose padding is wrong: the same error and message as a bad tag.
    const backend = cipherFor(enc);
    const protectedSegment = token.split('.')[0] as string;
    const iv = crypto.getRandomValues(new Uint8Array(16));
    // A random block has valid PKCS#7 padding about once in 256 tries: draw until it has not.
    let garbage = crypto.getRandomValues(new Uint8Array(16));
    while ((await backend.cbcDecrypt(cek.subarray(16), iv, garbage)) !== undefined) garbage = crypto.getRandomValues(garbage);
    const aad = new TextEncoder().encode(protectedSegment);
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(aad.length * 8));
    const mac = await backend.hmac('SHA-256', cek.subarray(0, 16), new Uint8Array([...aad, ...iv, ...garbage, ...length]));
    const badPadding = [protectedSegment, '', b64u(iv), b64u(garbage), b64u(mac.subarray(0, 16))].join('.');
    const padding = await rejectsWith(decryptJWE(badPadding, key), 'ERR_JWE_DECRYPTION_FAILED');
    const badTag = await rejectsWith(decryptJWE(tampered, key), 'ERR_JWE_DECRYPTION_FAILED');
    assert.equal(padding.message, badTag.message);
  });

  it('refuses a dir key of the wrong length for the enc', async () => {
    await rejectsWith(importKey(new Uint8Array(16), { alg: 'A128CBC-HS256' }), 'ERR_KEY_INVALID');
    await rejectsWith(encryptJWE('x', new Uint8Array(32), { alg: 'dir', enc: 'A256CBC-HS512' }), 'ERR_KEY_INVALID');
  });
});

describe('catalogue 16: AES-GCM', () => {
  it('refuses a 15-byte tag and an 8-byte IV', async () => {
    const key = await generateSecret('A256GCM');
    const token = await encryptJWE('x', key);
    await rejectsWith(decryptJWE(withSegment(token, 4, new Uint8Array(15)), key), 'ERR_JWE_MALFORMED');
    await rejectsWith(decryptJWE(withSegment(token, 2, new Uint8Array(8)), key), 'ERR_JWE_MALFORMED');
    const kek = await generateSecret('A128GCMKW');
    const wrapped = await encryptJWE('x', kek);
    for (const [name, length] of [
      ['iv', 8],
      ['tag', 15],
    ] as const) {
      const crafted = withHeader(wrapped, (header) => {
        header[name] = b64u(new Uint8Array(length));
      });
      const error = await rejectsWith(decryptJWE(crafted, kek), 'ERR_JWE_MALFORMED');
      assert.equal((error as { parameter?: string }).parameter, name);
    }
  });

  it('draws a fresh IV for every encryption, for the content and for A*GCMKW', async () => {
    const key = await generateSecret('A128GCMKW');
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const token = await encryptJWE('same plaintext', key);
      const header = json(token.split('.')[0] as string);
      seen.add(`content:${token.split('.')[2]}`);
      seen.add(`wrap:${header.iv}`);
    }
    assert.equal(seen.size, 40);
  });
});

describe('RFC 7516 §11.5: a failed key unwrap looks exactly like a bad tag', () => {
  const enc = contentEncryptionAlgorithm('A256GCM') as ContentEncryptionAlgorithm;
  const pairs: Array<[string, () => Promise<{ encryptKey: unknown; decryptKey: unknown; wrongKey: unknown }>]> = [
    [
      'A256KW',
      async () => {
        const key = await generateSecret('A256KW');
        return { encryptKey: key, decryptKey: key, wrongKey: await generateSecret('A256KW') };
      },
    ],
    ...(['RSA-OAEP-256', 'ECDH-ES+A256KW'] as const).map(
      (alg) =>
        [
          alg,
          async () => {
            const pair = await generateKeyPair(alg);
            return { encryptKey: pair.publicKey, decryptKey: pair.privateKey, wrongKey: (await generateKeyPair(alg)).privateKey };
          },
        ] as [string, () => Promise<{ encryptKey: unknown; decryptKey: unknown; wrongKey: unknown }>],
    ),
  ];
  for (const [alg, make] of pairs) {
    it(`${alg}: a wrong key or a tampered encrypted key still runs the content decryption and fails as a bad tag does`, async () => {
      const { encryptKey, decryptKey, wrongKey } = await make();
      const token = await encryptJWE('x', encryptKey as Key, { enc: 'A256GCM' });
      const badTag = withSegment(token, 4, new Uint8Array(16));
      const encryptedKey = fromB64u(token.split('.')[1] as string);
      encryptedKey[encryptedKey.length - 1] = (encryptedKey[encryptedKey.length - 1] as number) ^ 1;
      const badKey = withSegment(token, 1, encryptedKey);
      const reference = await rejectsWith(decryptJWE(badTag, decryptKey as never), 'ERR_JWE_DECRYPTION_FAILED');
      for (const [jwe, key] of [
        [token, wrongKey],
        [badKey, decryptKey],
      ] as const) {
        const error = await rejectsWith(decryptJWE(jwe, key as never), 'ERR_JWE_DECRYPTION_FAILED');
        assert.equal(error.message, reference.message);
        assert.equal(await counting(enc, 'gcmDecrypt', () => decryptJWE(jwe, key as never)), 1);
      }
    });
  }
});

describe('catalogue 26: JWS/JWE confusion and nesting', () => {
  it('keeps the JWS and JWE APIs apart', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await encryptJWT({ sub: 'ada' }, publicKey);
    await rejectsWith(verifyJWT(jwe, publicKey as never, { algorithms: ['RS256'] }), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWS(jwe, publicKey as never, { algorithms: ['RS256'] }), 'ERR_JWS_MALFORMED');
    const signer = await generateKeyPair('ES256');
    const jws = await signJWT({ sub: 'ada' }, signer.privateKey);
    await rejectsWith(decryptJWT(jws, privateKey), 'ERR_JWE_MALFORMED');
    await rejectsWith(decryptJWE(jws, privateKey), 'ERR_JWE_MALFORMED');
  });

  it('never signs or verifies with a key bound to a JWE algorithm', async () => {
    const secret = new Uint8Array(32).fill(7);
    const k = b64u(secret);
    const token = await signJWT({ sub: 'ada' }, secret, { alg: 'HS256' });
    for (const alg of ['A256KW', 'A256GCM', 'PBES2-HS256+A128KW']) {
      const jwk = { kty: 'oct', k, alg };
      await rejectsWith(signJWT({ sub: 'ada' }, jwk), 'ERR_KEY_MISMATCH');
      await rejectsWith(verifyJWT(token, jwk), 'ERR_KEY_MISMATCH');
      await rejectsWith(verifyJWT(token, jwk, { algorithms: ['HS256'] }), 'ERR_KEY_MISMATCH');
    }
    const wrapping = await importKey(secret, { alg: 'A256KW' });
    await rejectsWith(signJWT({ sub: 'ada' }, wrapping), 'ERR_KEY_MISMATCH');
    await rejectsWith(verifyJWT(token, wrapping), ['ERR_KEY_MISMATCH', 'ERR_ALG_NOT_ALLOWED']);
  });

  it('never accepts an unsigned inner JWT, and verifies the inner JWS with the caller’s key only', async () => {
    const key = await generateSecret('A256GCM', { extractable: true });
    const unsigned = `${segment({ alg: 'none', typ: 'JWT' })}.${segment({ sub: 'admin' })}.`;
    const nested = await encryptJWT(unsigned, key);
    const issuer = await generateKeyPair('ES256');
    await rejectsWith(decryptJWT(nested, key, { verify: { key: issuer.publicKey } }), 'ERR_ALG_NOT_ALLOWED');
    await rejectsWith(decryptJWT(nested, key, { verify: { key: issuer.publicKey, algorithms: ['none'] } }), 'ERR_INVALID_OPTION');
    // An inner HS256 token keyed with the outer key's bytes does not verify against the issuer's key.
    const outerBytes = await (await import('jwtkit')).exportKey(key, 'raw');
    const forged = await encryptJWT(await signJWT({ sub: 'admin' }, outerBytes, { alg: 'HS256' }), key);
    await rejectsWith(decryptJWT(forged, key, { verify: { key: issuer.publicKey } }), 'ERR_ALG_NOT_ALLOWED');
    await rejectsWith(decryptJWT(forged, key, { verify: { key } }), 'ERR_ALG_NOT_ALLOWED');
    // A nested token always needs `verify`; `verify` on a plain encrypted JWT is refused too.
    await rejectsWith(decryptJWT(forged, key), 'ERR_INVALID_OPTION');
    const plain = await encryptJWT({ sub: 'ada' }, key);
    await rejectsWith(decryptJWT(plain, key, { verify: { key: issuer.publicKey } }), 'ERR_JWT_MALFORMED');
  });
});
