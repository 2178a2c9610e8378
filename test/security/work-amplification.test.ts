// Security catalogue entry 38: one JSON-serialized JWS or JWE under the size cap must not buy an
// attacker thousands of verifications, key unwraps or PBES2 derivations. Work is counted (key
// resolver calls, PBKDF2 iterations), never timed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decryptJWE,
  encryptJWE,
  type GeneralJWE,
  type GeneralJWS,
  generateKeyPair,
  generateSecret,
  type JWSSignatureEntry,
  type Key,
  signJWS,
  verifyJWS,
} from 'jwtkit';
import { cipherFor } from '#backend';
import { type KeyManagementAlgorithm, keyManagementAlgorithm } from '../../src/algorithms/index.js';
import { rejectsWith } from '../support/errors.js';

const MiB = 1024 * 1024;
const PASSWORD = 'a passphrase long enough for a test';
const PBES2 = 'PBES2-HS256+A128KW';

const b64u = (bytes: Uint8Array) =>
  btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A key resolver that hands out `key` and counts how often it was asked. */
function counted<K>(key: K): { resolver: () => K; calls: () => number } {
  let calls = 0;
  return {
    resolver: () => {
      calls++;
      return key;
    },
    calls: () => calls,
  };
}

/** Sums the PBKDF2 iterations (and counts the derivations) run for PBES2 while `run` runs. */
async function pbkdf2Work<T>(run: () => Promise<T>): Promise<{ result: T | unknown; derivations: number; iterations: number }> {
  const backend = cipherFor(keyManagementAlgorithm(PBES2) as KeyManagementAlgorithm) as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const original = backend.pbkdf2 as (...args: unknown[]) => unknown;
  let derivations = 0;
  let iterations = 0;
  backend.pbkdf2 = (...args: unknown[]) => {
    derivations++;
    iterations += args[3] as number;
    return original.apply(backend, args);
  };
  try {
    let result: T | unknown;
    try {
      result = await run();
    } catch (error) {
      result = error;
    }
    return { result, derivations, iterations };
  } finally {
    backend.pbkdf2 = original;
  }
}

/**
 * A general JWE to PASSWORD whose only recipient carries its own alg, p2s and p2c (encrypting to a
 * second password puts them in the recipient header; that recipient is then dropped).
 */
async function pbes2JWE(plaintext: string, p2c: number): Promise<GeneralJWE> {
  const both = (await encryptJWE(
    plaintext,
    [
      { key: PASSWORD, alg: PBES2, p2c },
      { key: `${PASSWORD}, another`, alg: PBES2, p2c: 1000 },
    ],
    { enc: 'A128GCM' },
  )) as GeneralJWE;
  return { ...both, recipients: both.recipients.slice(0, 1) };
}

/** A general JWS whose signature entries are `entries`, over `payload`. */
const generalJWS = (payload: string, entries: JWSSignatureEntry[]): GeneralJWS => ({ payload, signatures: entries });

/** An HS256 signature entry that does not verify (a random MAC of the right length). */
const forgedHS256 = (): JWSSignatureEntry => ({ protected: 'eyJhbGciOiJIUzI1NiJ9', signature: b64u(random(32)) });

/** A PBES2 recipient that does not decrypt: a random wrapped key under a random salt. */
const forgedPBES2 = (p2c: number) => ({
  header: { alg: PBES2, p2s: b64u(random(16)), p2c },
  encrypted_key: b64u(random(24)),
});

describe('38. work amplification', () => {
  it('refuses a general JWS with 4,000 ES512 signatures under the size cap without consulting the key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES512');
    const genuine = await signJWS('{"sub":"x"}', privateKey, { serialization: 'flattened' });
    const entry = { protected: genuine.protected as string, signature: genuine.signature };
    const jws = generalJWS(
      genuine.payload as string,
      Array.from({ length: 4000 }, () => entry),
    );
    assert.ok(JSON.stringify(jws).length < MiB, 'the attack fits under the default size cap');
    const key = counted(publicKey);
    const error = await rejectsWith(verifyJWS(jws, key.resolver, { algorithms: ['ES512'] }), 'ERR_JWS_MALFORMED');
    assert.match(error.message, /4000 signatures, over the limit of 4 \(maxSignatures\)/);
    assert.equal(key.calls(), 0);
    // Positive control: the same signature alone verifies with the same key.
    assert.equal(text((await verifyJWS(generalJWS(jws.payload as string, [entry]), key.resolver)).payload), '{"sub":"x"}');
    assert.equal(key.calls(), 1);
  });

  it('refuses a general JWE with 8,000 PBES2 recipients under the size cap without deriving anything', async () => {
    const genuine = await pbes2JWE('x', 1000);
    const recipients = Array.from({ length: 8000 }, () => ({
      header: { p2s: b64u(random(12)) },
      encrypted_key: b64u(random(24)),
    }));
    // alg and p2c shared by all, so that 8,000 recipients fit in 1 MiB.
    const jwe = { ...genuine, unprotected: { alg: PBES2, p2c: 10_000 }, recipients };
    assert.ok(JSON.stringify(jwe).length < MiB, 'the attack fits under the default size cap');
    const key = counted(PASSWORD);
    const refused = await pbkdf2Work(() => decryptJWE(jwe, key.resolver, { keyManagementAlgorithms: [PBES2] }));
    assert.equal((refused.result as { code?: string }).code, 'ERR_JWE_MALFORMED');
    assert.equal((refused.result as { parameter?: string }).parameter, 'recipients');
    // Even with the recipient cap lifted, the PBES2 budget of the call refuses it before any derivation.
    const budget = await pbkdf2Work(() =>
      decryptJWE(jwe, key.resolver, { keyManagementAlgorithms: [PBES2], maxRecipients: 8000 }),
    );
    assert.equal((budget.result as { code?: string }).code, 'ERR_JWE_MALFORMED');
    assert.equal((budget.result as { parameter?: string }).parameter, 'p2c');
    assert.equal(refused.derivations + budget.derivations, 0);
    assert.equal(key.calls(), 0);
  });

  it('adds up p2c over the recipients: two at 6,000 are refused by default, accepted under a raised cap', async () => {
    const jwe = await pbes2JWE('two', 6000);
    const twice = { ...jwe, recipients: [forgedPBES2(6000), ...jwe.recipients] };
    const refused = await pbkdf2Work(() => decryptJWE(twice, PASSWORD, { keyManagementAlgorithms: [PBES2] }));
    assert.equal((refused.result as { parameter?: string }).parameter, 'p2c');
    assert.match((refused.result as Error).message, /adds up to 12000 over 2 recipients/);
    assert.equal(refused.derivations, 0);
    const opened = await pbkdf2Work(() =>
      decryptJWE(twice, PASSWORD, { keyManagementAlgorithms: [PBES2], maxPBES2Count: 12_000 }),
    );
    assert.equal(text((opened.result as { plaintext: Uint8Array }).plaintext), 'two');
    assert.equal(opened.iterations, 12_000);
  });

  it('consults the key at most maxSignatures times, for any number of signatures (property)', async () => {
    const secret = await generateSecret('HS256');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (n, cap, validAt) => {
          const genuine = await signJWS('payload', secret, { serialization: 'flattened' });
          const good = { protected: genuine.protected as string, signature: genuine.signature };
          const at = validAt === undefined ? -1 : validAt % n;
          const entries = Array.from({ length: n }, (_, i) => (i === at ? good : forgedHS256()));
          const key = counted<Key>(secret);
          const call = verifyJWS(generalJWS(genuine.payload as string, entries), key.resolver, { maxSignatures: cap });
          if (n > cap) await rejectsWith(call, 'ERR_JWS_MALFORMED');
          else if (at < 0) await rejectsWith(call, 'ERR_JWS_SIGNATURE_INVALID');
          else assert.equal(text((await call).payload), 'payload');
          assert.ok(key.calls() <= cap);
          assert.equal(key.calls(), n > cap ? 0 : at < 0 ? n : at + 1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('consults the key at most maxRecipients times and runs at most maxPBES2Count iterations per call (property)', async () => {
    const genuine = await pbes2JWE('hi', 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 0, maxLength: 7 }),
        fc.nat(),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1000, max: 12_000 }),
        async (forged, position, cap, budget) => {
          const recipients = forged.map(forgedPBES2);
          const at = position % (recipients.length + 1);
          recipients.splice(at, 0, genuine.recipients[0] as (typeof recipients)[number]);
          const key = counted(PASSWORD);
          const options = { keyManagementAlgorithms: [PBES2], maxRecipients: cap, maxPBES2Count: budget };
          const work = await pbkdf2Work(() => decryptJWE({ ...genuine, recipients }, key.resolver, options));
          const total = forged.reduce((sum, p2c) => sum + p2c, 1000);
          const refused = recipients.length > cap || total > budget;
          if (refused) {
            assert.equal((work.result as { code?: string }).code, 'ERR_JWE_MALFORMED');
            assert.equal((work.result as { parameter?: string }).parameter, recipients.length > cap ? 'recipients' : 'p2c');
          } else {
            assert.equal(text((work.result as { plaintext: Uint8Array }).plaintext), 'hi');
          }
          assert.ok(key.calls() <= cap);
          assert.ok(work.iterations <= budget, `${work.iterations} iterations under a budget of ${budget}`);
          assert.equal(key.calls(), refused ? 0 : at + 1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('verifies a JWS whose second signature is the valid one when maxSignatures allows two', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const genuine = await signJWS('second', privateKey, { serialization: 'flattened' });
    const jws = generalJWS(genuine.payload as string, [
      forgedHS256(),
      { protected: genuine.protected as string, signature: genuine.signature },
    ]);
    const key = counted(publicKey);
    assert.equal(text((await verifyJWS(jws, key.resolver, { algorithms: ['ES256', 'HS256'] })).payload), 'second');
    assert.equal(
      text((await verifyJWS(jws, key.resolver, { algorithms: ['ES256', 'HS256'], maxSignatures: 2 })).payload),
      'second',
    );
    await rejectsWith(verifyJWS(jws, key.resolver, { algorithms: ['ES256', 'HS256'], maxSignatures: 1 }), 'ERR_JWS_MALFORMED');
  });

  it('decrypts a JWE whose third recipient is ours when maxRecipients allows three', async () => {
    const ours = await generateKeyPair('RSA-OAEP-256');
    const others = [await generateKeyPair('RSA-OAEP-256'), await generateKeyPair('RSA-OAEP-256')];
    const jwe = await encryptJWE('third', [
      { key: others[0]?.publicKey as Key },
      { key: others[1]?.publicKey as Key },
      { key: ours.publicKey },
    ]);
    const key = counted(ours.privateKey);
    assert.equal(text((await decryptJWE(jwe, key.resolver, { keyManagementAlgorithms: ['RSA-OAEP-256'] })).plaintext), 'third');
    assert.equal(key.calls(), 3);
    const opened = await decryptJWE(jwe, ours.privateKey, { maxRecipients: 3 });
    assert.equal(text(opened.plaintext), 'third');
    const error = await rejectsWith(decryptJWE(jwe, ours.privateKey, { maxRecipients: 2 }), 'ERR_JWE_MALFORMED');
    assert.equal((error as { parameter?: string }).parameter, 'recipients');
  });

  it('refuses caps that would switch the limit off (Infinity, NaN, 0, fractions, strings)', async () => {
    const secret = await generateSecret('HS256');
    const jws = await signJWS('x', secret, { serialization: 'flattened' });
    const cek = await generateSecret('A256GCM');
    const jwe = await encryptJWE('x', cek);
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, 0, -1, 1.5, '4', null]) {
      await rejectsWith(verifyJWS(jws, secret, { maxSignatures: bad as number }), 'ERR_INVALID_OPTION');
      await rejectsWith(verifyJWS(jws, secret, { maxTokenLength: bad as number }), 'ERR_INVALID_OPTION');
      await rejectsWith(decryptJWE(jwe, cek, { maxRecipients: bad as number }), 'ERR_INVALID_OPTION');
    }
  });

  it('refuses a huge signatures array of tiny entries, and a huge header array, by count or size, without the key', async () => {
    const secret = await generateSecret('HS256');
    const key = counted<Key>(secret);
    const tiny = generalJWS(
      '',
      Array.from({ length: 1_000_000 }, () => ({}) as JWSSignatureEntry),
    );
    await rejectsWith(verifyJWS(tiny, key.resolver, { maxSignatures: 1_000_000 }), 'ERR_TOKEN_TOO_LARGE');
    await rejectsWith(verifyJWS(tiny, key.resolver), 'ERR_JWS_MALFORMED');
    const wide = { payload: '', signature: b64u(random(32)), header: { alg: 'HS256', x: new Array(2_000_000).fill(0) } };
    await rejectsWith(verifyJWS(wide, key.resolver), 'ERR_TOKEN_TOO_LARGE');
    const jwe = { ciphertext: '', iv: '', tag: '', recipients: Array.from({ length: 1_000_000 }, () => ({})) };
    await rejectsWith(
      decryptJWE(jwe, key.resolver, { keyManagementAlgorithms: ['A256KW'], maxRecipients: 1_000_000 }),
      'ERR_TOKEN_TOO_LARGE',
    );
    assert.equal(key.calls(), 0);
  });

  it('refuses a JSON serialization nested 100,000 deep, or cyclic, with a typed error instead of a stack overflow', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const cyclic: Record<string, unknown> = { alg: 'HS256' };
    cyclic.self = cyclic;
    const secret = await generateSecret('HS256');
    for (const header of [deep, cyclic]) {
      await rejectsWith(verifyJWS({ payload: '', signature: 'AA', header: header as never }, secret), 'ERR_JWS_MALFORMED');
      const jwe = { ciphertext: '', iv: '', tag: '', recipients: [{ header: header as never }] };
      await rejectsWith(decryptJWE(jwe, secret, { keyManagementAlgorithms: ['A256KW'] }), 'ERR_JWE_MALFORMED');
    }
  });
});
