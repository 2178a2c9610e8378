// Catalogue entries 35 (key material as bytes) and 37 (ROCA keys). What must never happen:
// - an HS256/384/512 token keyed with the exact bytes of a verifier's public key material, in any
//   text or binary form and with any junk around it, is accepted by any verify entry point:
//   verifyJWT (with and without an allowlist), a resolver (sync or async), createVerifier, verifyJWS,
//   importKey bound to HS*, or the inspect helpers the CLI and the debugger read keys with (the
//   compat layers and the CLI have their own suites: test/compat, test/cli);
// - such material is used as a secret without the caller saying so with importKey's `secret: true`;
// - an RSA key with the ROCA fingerprint is imported, public or private, in any format.
// The inputs are generated (fast-check). Each case has two positive controls: the forged token does
// verify with the same bytes declared a secret (so the forgery is right and only the classification
// stands in its way), and where the form holds a usable key, the genuine token verifies with it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildInfo, createVerifier, importKey, JWTKitError, type KeyOrResolver, signJWT, verifyJWS, verifyJWT } from 'jwtkit';
import { keyFromText, readKeyText } from 'jwtkit/inspect';
import { forgeHMAC, OWNERS, wrappedKeyCase } from '../support/key-forms.js';
import { ROCA_KEY } from '../support/roca-key.js';

const RUNS = 150;
const claims = { sub: 'victim', admin: true };
/**
 * What a refusal of key material may say: never a failed signature check, which would mean the
 * material was used as a secret (a JWKS read by the CLI's key reader finds no key for an HS* token).
 */
const KEY_REFUSALS = ['ERR_KEY_INVALID', 'ERR_ALG_NOT_ALLOWED', 'ERR_KEY_MISMATCH', 'ERR_JWKS_NO_MATCHING_KEY'];

async function refused(what: string, attempt: () => Promise<unknown>): Promise<void> {
  let outcome: unknown;
  try {
    await attempt();
    outcome = 'accepted';
  } catch (error) {
    outcome = error;
  }
  assert.ok(outcome instanceof JWTKitError, `${what}: ${outcome === 'accepted' ? 'ACCEPTED the forged token' : String(outcome)}`);
  assert.ok(KEY_REFUSALS.includes(outcome.code), `${what}: ${outcome.code} ${outcome.message}`);
}

/** Genuine tokens, one per key owner, signed with its private key. */
const genuine = new Map<string, Promise<string>>(
  OWNERS.map((owner) => [owner.name, signJWT(claims, owner.fixture.pkcs8, { alg: owner.alg, expiresIn: '1h' })]),
);

const forgedCase = wrappedKeyCase(['HS256', 'HS384', 'HS512'] as const);

describe('35. key material as bytes', () => {
  it('never accepts an HMAC token keyed with key material, in any form and wrapper, at any verify entry point', async () => {
    await fc.assert(
      fc.asyncProperty(forgedCase, async ({ owner, placed, alg, wrapped }) => {
        const material = wrapped?.value as KeyOrResolver;
        const hmacKey = wrapped?.hmacKey as Uint8Array;
        const token = await forgeHMAC(alg, hmacKey, claims);
        const label = `${owner.name} ${placed.form.form} as ${wrapped?.wrapper}`;

        await refused(`${label}: verifyJWT`, () => verifyJWT(token, material));
        await refused(`${label}: verifyJWT allowing ${alg}`, () => verifyJWT(token, material, { algorithms: [alg] }));
        await refused(`${label}: verifyJWT allowing ${alg} and ${owner.alg}`, () =>
          verifyJWT(token, material, { algorithms: [alg, owner.alg] }),
        );
        await refused(`${label}: a resolver`, () => verifyJWT(token, () => material, { algorithms: [alg] }));
        await refused(`${label}: an async resolver`, () => verifyJWT(token, async () => material));
        await refused(`${label}: createVerifier`, async () => createVerifier({ key: material, algorithms: [alg] })(token));
        await refused(`${label}: verifyJWS`, () => verifyJWS(token, material, { algorithms: [alg] }));
        await refused(`${label}: importKey as ${alg}`, () => importKey(material, { alg }));
        if (placed.text !== undefined && wrapped?.wrapper === 'string') {
          // The CLI's --key and the debugger's key box read text through these two.
          await refused(`${label}: the CLI and debugger key reader`, async () =>
            verifyJWT(token, await keyFromText(readKeyText(placed.text as string))),
          );
        }

        // The forgery itself is right: declared a secret, the same bytes verify it.
        const declared = await importKey(hmacKey, { alg, secret: true, unsafeAllowShortSecret: true });
        assert.equal((await verifyJWT(token, declared)).payload.sub, 'victim', `${label}: positive control (secret: true)`);
        // And the material holds the genuine key where the form is a usable key file.
        // Text in UTF-32, or UTF-16 decoded as UTF-8, is recognised (and refused as a secret) but not imported.
        const mangled = wrapped?.wrapper === 'UTF-32' || wrapped?.wrapper === 'UTF-16 read as a UTF-8 string';
        const usable = placed.form.importable && !mangled && !(placed.form.der !== undefined && wrapped?.wrapper === 'string');
        if (usable) {
          const { payload } = await verifyJWT(await (genuine.get(owner.name) as Promise<string>), material);
          assert.equal(payload.sub, 'victim', `${label}: positive control (genuine ${owner.alg} token)`);
        }
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
  });

  it('uses material that looks like a key as a secret only when importKey is told secret: true', async () => {
    const pem = new TextEncoder().encode(OWNERS[0]?.fixture.spki);
    const token = await forgeHMAC('HS256', pem, claims);
    await refused('importKey without secret: true', () => importKey(pem, { alg: 'HS256' }));
    await refused('a verify option cannot say it', () => verifyJWT(token, pem, { algorithms: ['HS256'] }));
    const secret = await importKey(pem, { alg: 'HS256', secret: true });
    assert.equal((await verifyJWT(token, secret)).payload.sub, 'victim');
    for (const alg of [undefined, 'RS256', 'ES256']) {
      await assert.rejects(importKey(pem, { alg, secret: true }), { code: 'ERR_INVALID_OPTION' });
    }
    await assert.rejects(importKey(pem, { alg: 'HS256', secret: 'yes' as unknown as boolean }), { code: 'ERR_INVALID_OPTION' });
  });

  it('still takes plain secrets of every wrapper, generated or typed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 96 }), fc.string({ minLength: 32, maxLength: 96 })),
        fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const),
        async (secret, alg) => {
          const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
          const minimum = { HS256: 32, HS384: 48, HS512: 64 }[alg];
          fc.pre(bytes.length >= minimum && !(typeof secret === 'string' && /^\s*$/.test(secret)));
          const token = await forgeHMAC(alg, bytes, claims);
          for (const key of typeof secret === 'string'
            ? [secret, bytes]
            : [bytes, bytes.slice().buffer, new DataView(bytes.slice().buffer)]) {
            assert.equal((await verifyJWT(token, key as KeyOrResolver, { algorithms: [alg] })).payload.sub, 'victim');
          }
        },
      ),
      { numRuns: RUNS, includeErrorInReport: true },
    );
  });
});

/** Whether this runtime's node:crypto reads a non-extractable CryptoKey's modulus (an oracle apart from the library's). */
function keyObjectFromWorks(key: CryptoKey): boolean {
  type KeyObjects = { KeyObject?: { from(key: CryptoKey): { export(options: { format: 'jwk' }): { n?: unknown } } } };
  const process = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  try {
    return (
      typeof (process?.getBuiltinModule?.('node:crypto') as KeyObjects | undefined)?.KeyObject?.from(key).export({
        format: 'jwk',
      }).n === 'string'
    );
  } catch {
    return false;
  }
}

describe('37. ROCA keys', () => {
  const formats: Array<[string, unknown]> = [
    ['SPKI PEM', ROCA_KEY.spki],
    ['PKCS#8 PEM', ROCA_KEY.pkcs8],
    ['public JWK', ROCA_KEY.publicJwk],
    ['private JWK', ROCA_KEY.privateJwk],
    ['SPKI PEM as bytes', new TextEncoder().encode(ROCA_KEY.spki)],
  ];
  for (const [name, material] of formats) {
    it(`refuses a key with the ROCA fingerprint as ${name}`, async () => {
      for (const alg of [undefined, 'RS256', 'PS256', 'RSA-OAEP-256']) {
        const error = await importKey(material as string, alg === undefined ? {} : { alg }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof JWTKitError && error.code === 'ERR_KEY_WEAK', `${name} ${alg}: ${String(error)}`);
        assert.match(error.message, /ROCA/);
      }
    });
  }

  it('refuses the ROCA key as a CryptoKey or KeyObject too', async () => {
    const cryptoKey = await crypto.subtle.importKey(
      'jwk',
      ROCA_KEY.publicJwk,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    );
    await assert.rejects(importKey(cryptoKey), { code: 'ERR_KEY_WEAK' });
  });

  it('refuses a non-extractable ROCA CryptoKey where the runtime can read its modulus (node:crypto), and says where it cannot', async () => {
    for (const [jwk, usage] of [
      [ROCA_KEY.publicJwk, 'verify'],
      [ROCA_KEY.privateJwk, 'sign'],
    ] as const) {
      const sealed = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [usage]);
      const outcome = await importKey(sealed).then(
        (key) => key.alg,
        (error: unknown) => (error instanceof JWTKitError ? error.code : `untyped ${String(error)}`),
      );
      // The Node build reads the modulus through KeyObject.from wherever node:crypto has it (Node, and
      // Deno and Bun if theirs does); the browser and Workers build cannot (docs/decisions.md, "ROCA").
      const readable = buildInfo.build === 'node' && keyObjectFromWorks(sealed);
      assert.equal(
        outcome,
        readable ? 'ERR_KEY_WEAK' : 'RS256',
        `${usage} key, ${buildInfo.build} build on ${buildInfo.runtime}`,
      );
    }
  });

  it('refuses any modulus built from RSALib-form primes, and accepts moduli that are not', async () => {
    // M = 2·3·5·…·167; RSALib primes are k·M + (65537^a mod M). The fingerprint test reads only the
    // residues of the modulus, so a product of two such numbers (prime or not) must be refused, and
    // a modulus whose residue mod 11 is no power of 65537 must not be.
    const PRIMES = [
      2n,
      3n,
      5n,
      7n,
      11n,
      13n,
      17n,
      19n,
      23n,
      29n,
      31n,
      37n,
      41n,
      43n,
      47n,
      53n,
      59n,
      61n,
      67n,
      71n,
      73n,
      79n,
      83n,
      89n,
      97n,
      101n,
      103n,
      107n,
      109n,
      113n,
      127n,
      131n,
      137n,
      139n,
      149n,
      151n,
      157n,
      163n,
      167n,
    ];
    const M = PRIMES.reduce((a, b) => a * b, 1n);
    const modPow = (base: bigint, exponent: bigint, modulus: bigint) => {
      let result = 1n;
      for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus)
        if (e & 1n) result = (result * b) % modulus;
      return result;
    };
    const b64u = (n: bigint) => {
      const hex = n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, '0');
      return btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))))
        .replace(/=+$/, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
    };
    const half = fc.tuple(fc.bigInt({ min: 2n ** 805n, max: 2n ** 806n }), fc.bigInt({ min: 1n, max: 2n ** 64n }));
    await fc.assert(
      fc.asyncProperty(half, half, async ([k1, a1], [k2, a2]) => {
        const p = k1 * M + modPow(65537n, a1, M);
        const q = k2 * M + modPow(65537n, a2, M);
        const n = p * q;
        assert.ok(n.toString(2).length >= 2048);
        await assert.rejects(importKey({ kty: 'RSA', n: b64u(n), e: 'AQAB' }, { alg: 'RS256' }), { code: 'ERR_KEY_WEAK' });
        // 10 is 65537 mod 11, and its powers are 1 and 10: a residue of 2 is none of them.
        // Adding 2t keeps the modulus odd and moves its residue mod 11 to 2 (6 is the inverse of 2 mod 11).
        const t = (((6n * (2n - (n % 11n))) % 11n) + 11n) % 11n;
        const plain = n + 2n * t;
        assert.equal(plain % 11n, 2n);
        await importKey({ kty: 'RSA', n: b64u(plain), e: 'AQAB' }, { alg: 'RS256' });
      }),
      { numRuns: 20 },
    );
  });
});
