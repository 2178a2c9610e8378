// DPoP after the attacker review (issue 30): replay-record floods, costly RSA proof keys, request
// targets a URL parser rewrites, credentials in htu, and a throwing htu rule.
//
// What must never happen:
// - a proof accepted twice within its window (the default records, recordDPoPProof), whatever
//   else fills the record;
// - one proof key's flood of proofs refusing another key's proofs (default records), or a flood at
//   a token endpoint (verifyDPoPProof) refusing the resource server's (the `dpop` option);
// - an RSA proof key with a modulus over 8192 bits or an exponent other than 65537 imported;
// - a proof by another key than `jkt` judged on its signature (the key imported) before the binding;
// - a request target with dot segments, an encoded dot or a backslash matched to a proof for the
//   path a URL parser makes of it;
// - a proof carrying user:password@ in htu;
// - a `dpop.htu` rule that throws or returns no URL answered with anything but 401.
// Positive controls: genuine proofs accepted once; 8192-bit moduli reach the signature check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createDPoPProof,
  type DPoPProofInvalidError,
  exportKey,
  generateKeyPair,
  jwkThumbprint,
  recordDPoPProof,
  signJWT,
  verifyDPoPProof,
} from 'jwtkit';
import { createAuthenticator } from 'jwtkit/http';
import { createMemoryStore } from 'jwtkit/stores';
import { DefaultReplayRecord } from '../../src/dpop/replay.js';
import { attackerES256, b64u, es256Token } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';

const TOKEN_ENDPOINT = 'https://as.example.com/token';
const API = 'https://api.example.com';
const now = () => Math.floor(Date.now() / 1000);

async function expectReason(promise: Promise<unknown>, reason: string): Promise<void> {
  const error = await rejectsWith(promise, 'ERR_DPOP_PROOF_INVALID');
  assert.equal((error as DPoPProofInvalidError).reason, reason, (error as Error).message);
}

type Keys = Awaited<ReturnType<typeof attackerES256>>;
const tokenProof = (keys: Keys, jti: string = crypto.randomUUID()) =>
  es256Token(
    { typ: 'dpop+jwt', alg: 'ES256', jwk: keys.publicJwk },
    { jti, htm: 'POST', htu: TOKEN_ENDPOINT, iat: now() },
    keys.privateKey,
  );

describe('the default replay record', () => {
  // A model: the live (jkt, jti) records. The record must refuse every live one (never forget),
  // and with one window for all, refuse for room exactly when a quota is reached.
  const op = fc.record({
    jkt: fc.constantFrom('k1', 'k2', 'k3'),
    jti: fc.integer({ min: 0, max: 5 }),
    advance: fc.integer({ min: 0, max: 40 }),
  });
  for (const varying of [false, true]) {
    it(`never accepts a live jti twice, ${varying ? 'with windows that differ' : 'refusing for room exactly at the quotas'}`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(op, fc.integer({ min: 10, max: 100 })), { maxLength: 80 }), (ops) => {
          const record = new DefaultReplayRecord(6, 3);
          const live = new Map<string, number>();
          let clock = 1_000;
          for (const [{ jkt, jti, advance }, window] of ops) {
            clock += advance;
            const ttl = varying ? window : 50;
            for (const [key, expires] of live) if (clock >= expires) live.delete(key);
            const key = `${jkt}:${jti}`;
            const ownLive = [...live.keys()].filter((name) => name.startsWith(`${jkt}:`)).length;
            let added: boolean | 'full';
            try {
              added = record.add(jkt, key, ttl, clock);
            } catch (error) {
              assert.equal((error as { code?: string }).code, 'ERR_STORE_UNAVAILABLE');
              added = 'full';
            }
            if (live.has(key)) assert.equal(added, false, 'a live jti is refused as a replay');
            else if (!varying) assert.equal(added, ownLive >= 3 || live.size >= 6 ? 'full' : true);
            else assert.notEqual(added, false, 'a jti not live is no replay');
            if (added === true) live.set(key, clock + ttl);
          }
        }),
      );
    });
  }

  it("keeps one key's flood to that key: 1,000 live proofs, then 503 for it alone", async () => {
    const flooder = await attackerES256();
    const client = await attackerES256();
    const options = { htm: 'POST', htu: TOKEN_ENDPOINT };
    const first = await tokenProof(client);
    await verifyDPoPProof(first, options);
    for (let i = 0; i < 1_000; i++) await verifyDPoPProof(await tokenProof(flooder), options);
    await rejectsWith(verifyDPoPProof(await tokenProof(flooder), options), 'ERR_STORE_UNAVAILABLE');
    // The other client: new proofs pass, its replayed one does not.
    await verifyDPoPProof(await tokenProof(client), options);
    await expectReason(verifyDPoPProof(first, options), 'replay');
  });

  it("does not share the token endpoint's record with the dpop option's", async () => {
    // The same key floods verifyDPoPProof to its quota; its bound token still works at the API,
    // and a proof replayed at the API is refused there.
    const keyPair = await generateKeyPair('ES256');
    const jwk = (await exportKey(keyPair.publicKey, 'jwk')) as never;
    const jkt = await jwkThumbprint(jwk);
    const as = await generateKeyPair('ES256');
    const token = await signJWT({ sub: 'ada', cnf: { jkt } }, as.privateKey, { expiresIn: '5m' });
    const authenticate = createAuthenticator({ key: as.publicKey, algorithms: ['ES256'], dpop: { baseURL: API } });
    const options = { htm: 'POST', htu: TOKEN_ENDPOINT };
    for (let i = 0; i < 1_000; i++) await verifyDPoPProof(await createDPoPProof(keyPair, options), options);
    await rejectsWith(verifyDPoPProof(await createDPoPProof(keyPair, options), options), 'ERR_STORE_UNAVAILABLE');
    const dpop = await createDPoPProof(keyPair, { htm: 'GET', htu: `${API}/orders`, accessToken: token });
    const request = () => ({ method: 'GET', url: '/orders', headers: { authorization: `DPoP ${token}`, dpop } });
    assert.equal((await authenticate(request()))?.dpop?.jkt, jkt);
    await assert.rejects(authenticate(request()), { code: 'ERR_DPOP_PROOF_INVALID', status: 401 });
  });
});

describe("the dpop option's per-key quota", () => {
  it('answers 503 to a key past 1,000 live proofs, and keeps serving other keys', async () => {
    const as = await generateKeyPair('ES256');
    const authenticate = createAuthenticator({ key: as.publicKey, algorithms: ['ES256'], dpop: { baseURL: API } });
    const client = async () => {
      const keyPair = await generateKeyPair('ES256');
      const jkt = await jwkThumbprint((await exportKey(keyPair.publicKey, 'jwk')) as never);
      const token = await signJWT({ sub: jkt, cnf: { jkt } }, as.privateKey, { expiresIn: '5m' });
      return async () => ({
        method: 'GET',
        url: '/orders',
        headers: {
          authorization: `DPoP ${token}`,
          dpop: await createDPoPProof(keyPair, { htm: 'GET', htu: `${API}/orders`, accessToken: token }),
        },
      });
    };
    const busy = await client();
    const quiet = await client();
    for (let i = 0; i < 1_000; i++) await authenticate(await busy());
    await assert.rejects(authenticate(await busy()), { code: 'ERR_AUTH_UNAVAILABLE', status: 503 });
    const request = await quiet();
    assert.ok((await authenticate(request))?.dpop?.jkt);
    await assert.rejects(authenticate(request), { code: 'ERR_DPOP_PROOF_INVALID', status: 401 }, 'still no replay');
  });
});

describe('recordDPoPProof: the replay check after the grant', () => {
  it('records a proof verified with replay: false once, and refuses it the second time', async () => {
    const keys = await attackerES256();
    const store = createMemoryStore();
    const proof = await tokenProof(keys);
    const options = { htm: 'POST', htu: TOKEN_ENDPOINT, replay: false as const };
    const verified = await verifyDPoPProof(proof, options);
    await recordDPoPProof(verified, { replay: store });
    await expectReason(recordDPoPProof(await verifyDPoPProof(proof, options), { replay: store }), 'replay');
    // The same jti from another key is that key's own.
    await recordDPoPProof(
      await verifyDPoPProof(await tokenProof(await attackerES256(), verified.payload.jti as string), options),
      {
        replay: store,
      },
    );
    // Its default is the record verifyDPoPProof uses: a proof recorded there is a replay for it.
    const other = await tokenProof(keys);
    await recordDPoPProof(await verifyDPoPProof(other, options));
    await expectReason(verifyDPoPProof(other, { htm: 'POST', htu: TOKEN_ENDPOINT }), 'replay');
  });

  it('refuses what verifyDPoPProof did not return, and unknown options', async () => {
    for (const bad of [{}, { jkt: 'x', payload: {} }, { jkt: '', payload: { jti: 'a' } }, null])
      await rejectsWith(recordDPoPProof(bad as never), 'ERR_INVALID_OPTION');
    await rejectsWith(
      recordDPoPProof({ jkt: 'x', payload: { jti: 'a' } }, { store: createMemoryStore() } as never),
      'ERR_INVALID_OPTION',
    );
  });
});

describe('RSA proof keys: bounded before import', () => {
  /** A proof with an RSA jwk of `n` and `e` and a signature that cannot verify. */
  const rsaProof = (n: Uint8Array, e: string) => {
    const header = b64u(
      new TextEncoder().encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'RS256', jwk: { kty: 'RSA', n: b64u(n), e } })),
    );
    const payload = b64u(
      new TextEncoder().encode(JSON.stringify({ jti: crypto.randomUUID(), htm: 'POST', htu: TOKEN_ENDPOINT, iat: now() })),
    );
    return `${header}.${payload}.${b64u(new Uint8Array(n.length).fill(1))}`;
  };
  const modulus = (bits: number, leadingZeros = 0) => {
    const n = new Uint8Array(leadingZeros + Math.ceil(bits / 8)).fill(0xab);
    n.fill(0, 0, leadingZeros);
    n[leadingZeros] = 1 << ((bits - 1) % 8); // exactly `bits` significant bits
    n[n.length - 1] = (n[n.length - 1] as number) | 1;
    return n;
  };
  const options = { htm: 'POST', htu: TOKEN_ENDPOINT, replay: false as const };

  it('refuses a modulus over 8192 bits or an exponent other than 65537 as "jwk"; 8192 bits pass the bound', async () => {
    await expectReason(verifyDPoPProof(rsaProof(modulus(8193), 'AQAB'), options), 'jwk');
    await expectReason(verifyDPoPProof(rsaProof(modulus(16384), 'AQAB'), options), 'jwk');
    for (const e of ['Aw', 'AQAC', 'AAEAAQ', b64u(new Uint8Array(384).fill(0x41)), 'AQAB='])
      await expectReason(verifyDPoPProof(rsaProof(modulus(2048), e), options), 'jwk');
    // Positive controls: the bound itself, with leading zero bytes that add no bits, passes the
    // bound (the import may still refuse such a made-up modulus: Deno does at 8192 bits).
    for (const n of [modulus(8192), modulus(8192, 3)]) {
      const error = await rejectsWith(verifyDPoPProof(rsaProof(n, 'AQAB'), options), 'ERR_DPOP_PROOF_INVALID');
      assert.doesNotMatch((error as Error).message, /modulus over|exponent/);
    }
    await expectReason(verifyDPoPProof(rsaProof(modulus(2048), 'AQAB'), options), 'signature');
  });

  it('accepts a genuine RS256 proof (positive control)', async () => {
    const keyPair = await generateKeyPair('RS256');
    await verifyDPoPProof(await createDPoPProof(keyPair, { htm: 'POST', htu: TOKEN_ENDPOINT }), options);
  });

  it('compares the thumbprint with jkt before the signature: a stranger key is refused as "jkt"', async () => {
    const keys = await attackerES256();
    const jkt = await jwkThumbprint((await attackerES256()).publicJwk as never);
    const proof = await tokenProof(keys);
    const forged = `${proof.slice(0, proof.lastIndexOf('.'))}.${b64u(new Uint8Array(64))}`;
    await expectReason(verifyDPoPProof(forged, { ...options, jkt }), 'jkt');
    await expectReason(verifyDPoPProof(rsaProof(modulus(4096), 'AQAB'), { ...options, jkt }), 'jkt');
    // Positive control: the right jkt, the forged signature, refused for its signature.
    await expectReason(verifyDPoPProof(forged, { ...options, jkt: await jwkThumbprint(keys.publicJwk as never) }), 'signature');
  });
});

describe('request targets not in normal form', () => {
  const segment = fc.stringMatching(/^[a-z0-9_~-]{1,8}$/);
  const hostile = fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '.%2e', '%2e', 'a\\b', '\\..');

  it('refuses them in verifyDPoPProof as "htu", with a proof for the path a parser makes of them', async () => {
    const keyPair = await generateKeyPair('ES256');
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 3 }),
        hostile,
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        async (before, bad, after) => {
          const target = `${API}/${[...before, bad, ...after].join('/')}`;
          const parsed = new URL(target).href;
          const proof = await createDPoPProof(keyPair, { htm: 'GET', htu: parsed });
          await expectReason(verifyDPoPProof(proof, { htm: 'GET', htu: target, replay: false }), 'htu');
          // Positive control: the normal form itself.
          if (!parsed.includes('%2') && !parsed.includes('\\'))
            await verifyDPoPProof(proof, { htm: 'GET', htu: parsed, replay: false });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('answers them 401 invalid_dpop_proof at the dpop option (origin and absolute form)', async () => {
    const keyPair = await generateKeyPair('ES256');
    const jkt = await jwkThumbprint((await exportKey(keyPair.publicKey, 'jwk')) as never);
    const as = await generateKeyPair('ES256');
    const token = await signJWT({ sub: 'ada', cnf: { jkt } }, as.privateKey, { expiresIn: '5m' });
    const authenticate = createAuthenticator({ key: as.publicKey, algorithms: ['ES256'], dpop: { baseURL: API } });
    const request = async (url: string) => ({
      method: 'GET',
      url,
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await createDPoPProof(keyPair, { htm: 'GET', htu: `${API}/orders`, accessToken: token }),
      },
    });
    for (const target of [
      '/users/%2e%2e/orders',
      '/users/../orders',
      '/users/%2E%2E/orders',
      '/./orders',
      '/users\\..\\orders',
      'http://x/users/../orders',
    ])
      await assert.rejects(authenticate(await request(target)), { code: 'ERR_DPOP_PROOF_INVALID', status: 401 }, target);
    // Positive controls: the path itself, with a query holding dots.
    for (const target of ['/orders', '/orders?path=../x', 'http://x/orders'])
      assert.equal((await authenticate(await request(target)))?.payload.sub, 'ada');
  });
});

describe('the dpop.htu rule', () => {
  it('answers 401 invalid_dpop_proof when it throws or returns no URL, never 500', async () => {
    const keyPair = await generateKeyPair('ES256');
    const jkt = await jwkThumbprint((await exportKey(keyPair.publicKey, 'jwk')) as never);
    const as = await generateKeyPair('ES256');
    const token = await signJWT({ sub: 'ada', cnf: { jkt } }, as.privateKey, { expiresIn: '5m' });
    const request = async () => ({
      method: 'GET',
      url: '/orders',
      headers: {
        authorization: `DPoP ${token}`,
        dpop: await createDPoPProof(keyPair, { htm: 'GET', htu: `${API}/orders`, accessToken: token }),
      },
    });
    const rules: Array<() => unknown> = [
      () => {
        throw new TypeError('Invalid URL');
      },
      () => undefined,
      () => 42,
      () => 'not a url',
      () => 'ftp://api.example.com/orders',
      () => `${API}/x/../orders`,
    ];
    for (const htu of rules) {
      const authenticate = createAuthenticator({ key: as.publicKey, algorithms: ['ES256'], dpop: { htu: htu as () => string } });
      await assert.rejects(authenticate(await request()), { code: 'ERR_DPOP_PROOF_INVALID', status: 401 }, String(htu));
    }
    const authenticate = createAuthenticator({ key: as.publicKey, algorithms: ['ES256'], dpop: { htu: () => `${API}/orders` } });
    assert.equal((await authenticate(await request()))?.payload.sub, 'ada');
  });
});

describe('createDPoPProof: no credentials in htu', () => {
  it('refuses a URL with user or password, ERR_INVALID_OPTION', async () => {
    const keyPair = await generateKeyPair('ES256');
    for (const htu of [
      'https://user:secret@api.example.com/x',
      'https://user@api.example.com/x',
      'https://:secret@api.example.com/x',
    ])
      await assert.rejects(createDPoPProof(keyPair, { htm: 'GET', htu }), (error: unknown) => {
        assert.equal((error as { code?: string }).code, 'ERR_INVALID_OPTION');
        assert.doesNotMatch((error as Error).message, /secret/);
        return true;
      });
    await createDPoPProof(keyPair, { htm: 'GET', htu: 'https://api.example.com/x' });
  });
});
