// jwtkit/pkcs11 against a real PKCS#11 module: SoftHSM2 with tokens in a temporary directory
// (test/harness/softhsm.ts), keys made by pkcs11-tool and by the adapter's generateKey.
//
// Must never happen: a token minted whose signature is not the key's (a wrong public half, a key
// removed, a session gone); a wrong PIN accepted, or the PIN in any message, cause or stack; a
// failure that is not a typed JWTKitError; a call that hangs (every test has a deadline); a JWE
// unwrap failure told apart from any other failed decryption.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import * as jose from 'jose';
import {
  decryptJWT,
  ExternalKeyUnavailableError,
  encryptJWT,
  exportKey,
  externalPublicKey,
  type Key,
  signJWT,
  verifyJWT,
} from 'jwtkit';
import { createKeyRing } from 'jwtkit/issuer';
import { withAuth } from 'jwtkit/node-http';
import { openPKCS11, type PKCS11Token } from 'jwtkit/pkcs11';
import { ci, SOFTHSM_MODULE, type SoftHSM, softhsm, softhsmMissing } from '../harness/softhsm.js';
import { rejectsWith } from '../support/errors.js';

const missing = softhsmMissing();
if (missing !== undefined && ci) throw new Error(`CI must run the SoftHSM2 tests: ${missing}`);
if (missing !== undefined) console.warn(`SKIPPED: test/node/pkcs11.test.ts: ${missing}`);

const PIN = 'jwtkit-user-pin-7351';
const OTHER_PIN = 'another-token-pin-9024';
const T = { timeout: 60_000 };

/** The public JWK of an external key, verified by jose (an independent implementation). */
async function joseVerifies(token: string, key: Key): Promise<boolean> {
  const jwk = await exportKey(externalPublicKey(key) as Key, 'jwk');
  const alg = jose.decodeProtectedHeader(token).alg as string;
  try {
    await jose.jwtVerify(token, await jose.importJWK(jwk as jose.JWK, alg));
    return true;
  } catch {
    return false;
  }
}

/** The test's own binding instance, on the module the adapter initialised: it plays the other party (an admin, a token reset). */
function outsider() {
  const pkcs11js = createRequire(import.meta.url)('pkcs11js');
  const pkcs11 = new pkcs11js.PKCS11();
  pkcs11.load(SOFTHSM_MODULE);
  try {
    pkcs11.C_Initialize();
  } catch (error) {
    assert.match((error as Error).message, /CKR_CRYPTOKI_ALREADY_INITIALIZED/);
  }
  const slotOf = (label: string) => {
    const slot = pkcs11.C_GetSlotList(true).find((s: Buffer) => pkcs11.C_GetTokenInfo(s).label.trimEnd() === label);
    assert.ok(slot, `no token ${label}`);
    return slot;
  };
  return {
    closeAllSessions: (label: string) => pkcs11.C_CloseAllSessions(slotOf(label)),
    destroyPrivateKey: (label: string, keyLabel: string) => {
      const session = pkcs11.C_OpenSession(slotOf(label), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      try {
        pkcs11.C_FindObjectsInit(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_LABEL, value: keyLabel },
        ]);
        const [object] = pkcs11.C_FindObjects(session, 1);
        pkcs11.C_FindObjectsFinal(session);
        assert.ok(object, `no key ${keyLabel}`);
        pkcs11.C_DestroyObject(session, object);
      } finally {
        pkcs11.C_CloseSession(session);
      }
    },
  };
}

describe('jwtkit/pkcs11 against SoftHSM2', { skip: missing }, () => {
  let hsm: SoftHSM;
  let token: PKCS11Token;
  before(async () => {
    hsm = softhsm();
    hsm.initToken('jwtkit', PIN);
    hsm.initToken('wrong-pin', OTHER_PIN);
    hsm.initToken('closing', PIN);
    const login = ['--token-label', 'jwtkit', '--login', '--pin', PIN];
    hsm.tool([...login, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'tool-ec', '--id', '01']);
    hsm.tool([...login, '--keypairgen', '--key-type', 'rsa:2048', '--label', 'tool-rsa', '--id', '02']);
    hsm.tool([...login, '--read-object', '--type', 'pubkey', '--id', '01', '-o', join(hsm.dir, 'ec.der')]);
    hsm.tool([...login, '--read-object', '--type', 'pubkey', '--id', '02', '-o', join(hsm.dir, 'rsa.der')]);
    process.env.JWTKIT_TEST_PIN = PIN;
    token = await openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinEnv: 'JWTKIT_TEST_PIN', sessions: 3 });
  });
  after(async () => {
    await token?.close();
    hsm?.remove();
  });

  it('opens the token with the PIN from an environment variable and from a file', T, async () => {
    const first = await openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinEnv: 'JWTKIT_TEST_PIN' });
    assert.equal(first.label, 'jwtkit');
    await first.close();
    const pinFile = join(hsm.dir, 'pin');
    writeFileSync(pinFile, `${PIN}\n`);
    const second = await openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinFile });
    await second.close();
  });

  it(
    'signs with keys pkcs11-tool made, found by label and by id; the token verifies with the public key pkcs11-tool exported',
    T,
    async () => {
      for (const [alg, label, id, file] of [
        ['ES256', 'tool-ec', '01', 'ec.der'],
        ['RS256', 'tool-rsa', '02', 'rsa.der'],
        ['PS256', 'tool-rsa', '02', 'rsa.der'],
      ] as const) {
        const spki = createPublicKey({ key: readFileSync(join(hsm.dir, file)), format: 'der', type: 'spki' });
        for (const key of [await token.key({ alg, label }), await token.key({ alg, id }), await token.key({ alg, label, id })]) {
          const jwt = await signJWT({ sub: 'ada' }, key, { expiresIn: '5m' });
          const { payload } = await verifyJWT(jwt, spki, { algorithms: [alg] });
          assert.equal(payload.sub, 'ada');
          assert.ok(await joseVerifies(jwt, key), `${alg}: jose refused it`);
        }
      }
    },
  );

  it('generateKey makes each supported signing algorithm in the token; jose verifies the tokens', T, async () => {
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']) {
      const key = await token.generateKey(alg, { kid: `gen-${alg}` });
      assert.equal(key.alg, alg);
      assert.equal(key.type, 'private');
      const jwt = await signJWT({ sub: alg }, key, { expiresIn: '5m' });
      assert.equal(jose.decodeProtectedHeader(jwt).kid, `gen-${alg}`);
      assert.ok(await joseVerifies(jwt, key), `${alg}: jose refused it`);
      // The private half never leaves: the key cannot be exported.
      await rejectsWith(exportKey(key, 'jwk'), 'ERR_KEY_NOT_EXTRACTABLE');
    }
  });

  it(
    'RSA-OAEP unwraps a JWE in the token; a tampered encrypted key is the same ERR_JWE_DECRYPTION_FAILED as any other',
    T,
    async () => {
      const key = await token.generateKey('RSA-OAEP');
      const options = { keyManagementAlgorithms: ['RSA-OAEP'], contentEncryptionAlgorithms: ['A256GCM'] };
      const jwe = await encryptJWT({ sub: 'ada' }, externalPublicKey(key) as Key, { alg: 'RSA-OAEP', enc: 'A256GCM' });
      assert.equal((await decryptJWT(jwe, key, options)).payload.sub, 'ada');
      const parts = jwe.split('.');
      const encryptedKey = Buffer.from(parts[1] as string, 'base64url');
      encryptedKey[10] = (encryptedKey[10] as number) ^ 1;
      parts[1] = encryptedKey.toString('base64url');
      await rejectsWith(decryptJWT(parts.join('.'), key, options), 'ERR_JWE_DECRYPTION_FAILED');
      // Another key's JWE: also only a failed decryption.
      const other = await token.generateKey('RSA-OAEP');
      const foreign = await encryptJWT({ sub: 'x' }, externalPublicKey(other) as Key, { alg: 'RSA-OAEP', enc: 'A256GCM' });
      await rejectsWith(decryptJWT(foreign, key, options), 'ERR_JWE_DECRYPTION_FAILED');
    },
  );

  it(
    'RSA-OAEP-256: unwraps where the module can, and SoftHSM 2.6 (OAEP with SHA-1 only) is ERR_EXTERNAL_KEY_UNAVAILABLE, not a failed decryption',
    T,
    async () => {
      const key = await token.generateKey('RSA-OAEP-256');
      const jwe = await encryptJWT({ sub: 'ada' }, externalPublicKey(key) as Key, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
      const options = { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] };
      try {
        assert.equal((await decryptJWT(jwe, key, options)).payload.sub, 'ada');
      } catch (error) {
        assert.ok(error instanceof ExternalKeyUnavailableError, String(error));
        assert.match(error.message, /CKR_ARGUMENTS_BAD|CKR_MECHANISM_PARAM_INVALID/);
      }
    },
  );

  it('concurrent signers share the session pool: 40 signatures at once on 3 sessions, all valid', T, async () => {
    const key = await token.key({ alg: 'ES256', label: 'tool-ec' });
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => signJWT({ i }, key, { expiresIn: '5m' })));
    assert.equal(new Set(tokens).size, 40);
    for (const jwt of tokens) assert.ok(await joseVerifies(jwt, key));
  });

  it(
    'a key ring rotates with generateKey in the token; tokens of both keys verify against ring.jwks() and through the middleware',
    T,
    async () => {
      const ring = await createKeyRing({ alg: 'ES256', generateKey: token.generateKey, maxTokenLifetime: '1h' });
      const first = await ring.sign({ sub: 'before' }, { expiresIn: '10m' });
      await ring.rotate();
      const second = await ring.sign({ sub: 'after' }, { expiresIn: '10m' });
      assert.notEqual(jose.decodeProtectedHeader(first).kid, jose.decodeProtectedHeader(second).kid);
      const jwks = jose.createLocalJWKSet(ring.jwks() as jose.JSONWebKeySet);
      for (const jwt of [first, second]) await jose.jwtVerify(jwt, jwks);
      assert.ok(ring.jwks().keys.every((jwk) => !('d' in jwk)));

      const server: Server = createServer(
        withAuth((req, res) => res.end(String(req.auth?.payload.sub)), { key: ring.resolver, algorithms: ['ES256'] }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const call = async (jwt: string | undefined) => {
          const response = await fetch(url, {
            headers: jwt === undefined ? {} : { authorization: `Bearer ${jwt}` },
            signal: AbortSignal.timeout(10_000),
          });
          return `${response.status} ${await response.text()}`.slice(0, 10);
        };
        assert.equal(await call(first), '200 before');
        assert.equal(await call(second), '200 after');
        assert.match(await call(undefined), /^401/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );

  it(
    'a public half of another key (a misconfigured key): ERR_EXTERNAL_KEY_SIGNATURE_INVALID, no token, in signJWT and in a key ring',
    T,
    async () => {
      const other = await token.generateKey('ES256');
      const wrong = await token.key({ alg: 'ES256', label: 'tool-ec', publicKey: externalPublicKey(other) as Key });
      const error = await rejectsWith(signJWT({ sub: 'ada' }, wrong), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
      assert.equal((error as unknown as { reason: string }).reason, 'mismatch');
      const ring = await createKeyRing({ alg: 'ES256', keys: [wrong], generateKey: token.generateKey });
      await rejectsWith(ring.sign({ sub: 'ada' }, { expiresIn: '5m' }), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    },
  );

  it('a key removed from the token: ERR_EXTERNAL_KEY_UNAVAILABLE saying so, no token; other keys go on signing', T, async () => {
    const key = await token.generateKey('ES256', { label: 'to-remove' });
    await signJWT({ sub: 'ada' }, key);
    outsider().destroyPrivateKey('jwtkit', 'to-remove');
    const error = await rejectsWith(signJWT({ sub: 'ada' }, key), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.match(error.message, /no longer on the PKCS#11 token "jwtkit"/);
    await rejectsWith(token.key({ alg: 'ES256', label: 'to-remove' }), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    await signJWT({ sub: 'ada' }, await token.key({ alg: 'ES256', label: 'tool-ec' }));
  });

  it(
    'sessions closed mid-run (C_CloseAllSessions): every signature in flight is a valid token or ERR_EXTERNAL_KEY_UNAVAILABLE; the next calls log in again',
    T,
    async () => {
      const closing = await openPKCS11({
        module: SOFTHSM_MODULE,
        token: 'closing',
        pinEnv: 'JWTKIT_TEST_PIN',
        sessions: 2,
        timeout: 5,
      });
      try {
        const key = await closing.generateKey('ES256');
        const inFlight = Array.from({ length: 12 }, () =>
          signJWT({ sub: 'ada' }, key).then(
            (jwt) => ({ jwt }),
            (error: unknown) => ({ error }),
          ),
        );
        outsider().closeAllSessions('closing');
        const results = await Promise.all(inFlight);
        for (const result of results) {
          if ('jwt' in result) assert.ok(await joseVerifies(result.jwt, key));
          else assert.ok(result.error instanceof ExternalKeyUnavailableError, String(result.error));
        }
        // Between calls: the first call after the reset fails on the lost session, typed.
        await signJWT({ sub: 'ada' }, key);
        outsider().closeAllSessions('closing');
        const lost = await rejectsWith(signJWT({ sub: 'ada' }, key), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
        assert.match(lost.message, /session on token "closing" was lost/);
        // Drain the other stale session of the pool, then the pool has logged in again.
        for (let i = 0; i < 2; i++) await signJWT({ sub: 'ada' }, key).catch(() => undefined);
        assert.ok(await joseVerifies(await signJWT({ sub: 'ada' }, key), key));
      } finally {
        await closing.close();
      }
    },
  );

  it(
    'close() with signatures in flight: each is a token or a typed error; afterwards ERR_EXTERNAL_KEY_UNAVAILABLE (closed)',
    T,
    async () => {
      const closing = await openPKCS11({ module: SOFTHSM_MODULE, token: 'closing', pinEnv: 'JWTKIT_TEST_PIN', sessions: 2 });
      const key = await closing.generateKey('ES256');
      const inFlight = Array.from({ length: 10 }, () => signJWT({ sub: 'ada' }, key).then(String, (error: unknown) => error));
      await closing.close();
      for (const result of await Promise.all(inFlight)) {
        if (typeof result !== 'string') assert.ok(result instanceof ExternalKeyUnavailableError, String(result));
      }
      const error = await rejectsWith(signJWT({ sub: 'ada' }, key), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
      assert.match(error.message, /closed/);
      await rejectsWith(closing.key({ alg: 'ES256', label: 'x' }), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
      await closing.close();
    },
  );

  it(
    'every session busy (sessions: 1, an RSA-4096 key being generated): a signer waits no longer than timeout, then ERR_EXTERNAL_KEY_UNAVAILABLE (timeout)',
    T,
    async () => {
      const slow = await openPKCS11({
        module: SOFTHSM_MODULE,
        token: 'closing',
        pinEnv: 'JWTKIT_TEST_PIN',
        sessions: 1,
        timeout: 0.05,
      });
      try {
        // 50 ms bounds the generation's wait for a session too: a loaded machine may need a second try.
        let key: Key | undefined;
        for (let attempt = 0; attempt < 5 && key === undefined; attempt++)
          key = await slow.generateKey('ES256').catch(() => undefined);
        assert.ok(key);
        // RSA-4096 generation takes from tens of milliseconds to seconds (the primes are random). An
        // attempt where it ended before the three calls below had their answer left no busy session
        // to wait on, so a call may rightly have succeeded: such an attempt proves nothing and is
        // made again. A conclusive attempt is one where the session stayed busy throughout.
        const settle = (promise: Promise<unknown>) =>
          promise.then(
            () => undefined,
            (failure: unknown) => failure ?? new Error('rejected without a reason'),
          );
        let busy: Promise<unknown> = Promise.resolve();
        let failures: unknown[] = [];
        let started = 0;
        let elapsed = 0;
        for (let attempt = 0; attempt < 8; attempt++) {
          await busy.catch(() => undefined);
          let ended = false;
          busy = slow.generateKey('RS256', { modulusLength: 4096 });
          busy.then(
            () => (ended = true),
            () => (ended = true),
          );
          started = Date.now();
          // Signing, looking a key up and generating one all wait no longer than the timeout.
          failures = [
            await settle(signJWT({ sub: 'ada' }, key)),
            await settle(slow.key({ alg: 'ES256', label: 'anything' })),
            await settle(slow.generateKey('ES256')),
          ];
          elapsed = Date.now() - started;
          if (!ended) break;
          failures = [];
        }
        assert.equal(failures.length, 3, 'RSA-4096 generation ended within the 50 ms bounds eight times in a row');
        for (const failure of failures) {
          const error = await rejectsWith(Promise.reject(failure), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
          assert.equal((error as ExternalKeyUnavailableError).reason, 'timeout', (error as Error).message);
        }
        assert.ok(elapsed < 4_000, `waited ${elapsed} ms`);
        await busy.catch(() => undefined);
        // Positive control: with the session free again, the same key signs (a loaded machine may need a second try at 50 ms).
        let signed: string | undefined;
        for (let attempt = 0; attempt < 5 && signed === undefined; attempt++)
          signed = await signJWT({ sub: 'ada' }, key).catch(() => undefined);
        assert.ok(signed !== undefined && (await joseVerifies(signed, key)));
      } finally {
        await slow.close();
      }
    },
  );

  it('a wrong PIN is ERR_EXTERNAL_KEY_UNAVAILABLE (CKR_PIN_INCORRECT) and no message, cause or stack holds it', T, async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9]{8,24}$/), async (pin) => {
        fc.pre(pin !== OTHER_PIN);
        process.env.JWTKIT_WRONG_PIN = pin;
        const error = await rejectsWith(
          openPKCS11({ module: SOFTHSM_MODULE, token: 'wrong-pin', pinEnv: 'JWTKIT_WRONG_PIN' }),
          'ERR_EXTERNAL_KEY_UNAVAILABLE',
        );
        assert.match(error.message, /refused the PIN \(CKR_PIN_INCORRECT\)/);
        const everything = `${error.message} ${error.stack} ${String(error.cause)} ${(error.cause as Error)?.stack} ${JSON.stringify(error)} ${JSON.stringify(error.cause)}`;
        assert.ok(!everything.includes(pin), 'the PIN is in the error');
      }),
      { numRuns: 10 },
    );
    // Positive control: the right PIN opens it.
    process.env.JWTKIT_WRONG_PIN = OTHER_PIN;
    await (await openPKCS11({ module: SOFTHSM_MODULE, token: 'wrong-pin', pinEnv: 'JWTKIT_WRONG_PIN' })).close();
    delete process.env.JWTKIT_WRONG_PIN;
  });

  it('a missing token, module, PIN source, key or mechanism: typed errors naming what is missing', T, async () => {
    const missingToken = await rejectsWith(
      openPKCS11({ module: SOFTHSM_MODULE, token: 'nope', pinEnv: 'JWTKIT_TEST_PIN' }),
      'ERR_EXTERNAL_KEY_UNAVAILABLE',
    );
    assert.match(missingToken.message, /no PKCS#11 token labelled "nope".*"jwtkit"/);
    await rejectsWith(openPKCS11({ module: SOFTHSM_MODULE, pinEnv: 'JWTKIT_TEST_PIN' }), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    await rejectsWith(
      openPKCS11({ module: join(hsm.dir, 'none.so'), token: 'jwtkit', pinEnv: 'JWTKIT_TEST_PIN' }),
      'ERR_EXTERNAL_KEY_UNAVAILABLE',
    );
    const unset = await rejectsWith(
      openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinEnv: 'JWTKIT_UNSET_PIN' }),
      'ERR_INVALID_OPTION',
    );
    assert.match(unset.message, /JWTKIT_UNSET_PIN is not set/);
    await rejectsWith(openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pin: PIN } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(token.key({ alg: 'ES256', label: 'no-such-key' }), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    // A key that cannot do what was asked: ERR_KEY_MISMATCH (the CLI's exit 1), not an option error.
    const notEC = await rejectsWith(token.key({ alg: 'ES256', label: 'tool-rsa' }), 'ERR_KEY_MISMATCH');
    assert.match(notEC.message, /^the key labelled "tool-rsa" is not an EC key; ES256 needs one$/);
    await rejectsWith(token.key({ alg: 'ES384', label: 'tool-ec' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(token.key({ alg: 'RS256', label: 'tool-ec' }), 'ERR_KEY_MISMATCH');
    const noSlot = await rejectsWith(
      openPKCS11({ module: SOFTHSM_MODULE, slot: 42, pinEnv: 'JWTKIT_TEST_PIN' }),
      'ERR_EXTERNAL_KEY_UNAVAILABLE',
    );
    assert.match(noSlot.message, /^no PKCS#11 token in slot 42 in /);
    await rejectsWith(token.key({ alg: 'HS256', label: 'tool-ec' }), 'ERR_NOT_SUPPORTED');
    await rejectsWith(token.key({ alg: 'ES256' }), 'ERR_INVALID_OPTION');
    const typo = await rejectsWith(token.key({ alg: 'ES256', lable: 'tool-ec' } as never), 'ERR_INVALID_OPTION');
    assert.match(typo.message, /did you mean "label"/);
    await rejectsWith(token.generateKey('ES256', { lable: 'x' } as never), 'ERR_INVALID_OPTION');
  });

  it(
    'RSA-OAEP: an encrypted key of any length but the modulus is ERR_JWE_DECRYPTION_FAILED, and no session is left with an operation active',
    T,
    async () => {
      // One session: a poisoned one would be the next caller's.
      const one = await openPKCS11({
        module: SOFTHSM_MODULE,
        token: 'closing',
        pinEnv: 'JWTKIT_TEST_PIN',
        sessions: 1,
        timeout: 5,
      });
      try {
        const unwrap = await one.generateKey('RSA-OAEP');
        const signer = await one.generateKey('ES256');
        const options = { keyManagementAlgorithms: ['RSA-OAEP'], contentEncryptionAlgorithms: ['A256GCM'] };
        const good = await encryptJWT({ sub: 'ada' }, externalPublicKey(unwrap) as Key, { alg: 'RSA-OAEP', enc: 'A256GCM' });
        const withKey = (bytes: Uint8Array) => {
          const parts = good.split('.');
          parts[1] = Buffer.from(bytes).toString('base64url');
          return parts.join('.');
        };
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 600 }).filter((length) => length !== 256),
            fc.integer({ min: 0, max: 255 }),
            async (length, fill) => {
              await rejectsWith(
                decryptJWT(withKey(new Uint8Array(length).fill(fill)), unwrap, options),
                'ERR_JWE_DECRYPTION_FAILED',
              );
              // The same session goes on: another key signs, the honest JWE decrypts.
              assert.ok(await joseVerifies(await signJWT({ sub: 'ada' }, signer), signer));
              assert.equal((await decryptJWT(good, unwrap, options)).payload.sub, 'ada');
            },
          ),
          {
            numRuns: 15,
            examples: [
              [1, 1],
              [255, 0],
              [257, 0],
              [512, 255],
            ],
          },
        );
        // A modulus-length value the token rejects (0xff.. > n): also silent, also harmless to the next call.
        await rejectsWith(decryptJWT(withKey(new Uint8Array(256).fill(255)), unwrap, options), 'ERR_JWE_DECRYPTION_FAILED');
        assert.ok(await joseVerifies(await signJWT({ sub: 'ada' }, signer), signer));
      } finally {
        await one.close();
      }
    },
  );

  it('close() with 64 RS256 signatures and an RSA-4096 generation in flight: no crash, each a token or typed, the module finalised after they end', {
    timeout: 120_000,
  }, () => {
    // A child process: C_Finalize runs only when the last token of the module closes, and a crash must not take the runner down.
    const script = `
        import { signJWT } from 'jwtkit';
        import { openPKCS11 } from 'jwtkit/pkcs11';
        const open = () => openPKCS11({ module: ${JSON.stringify(SOFTHSM_MODULE)}, token: 'closing', pinEnv: 'JWTKIT_TEST_PIN', timeout: 60 });
        const hsm = await open();
        const key = await hsm.generateKey('RS256');
        const outcome = (p) => p.then(() => 'ok', (e) => e.code ?? 'UNTYPED ' + e);
        const generating = outcome(hsm.generateKey('RS256', { modulusLength: 4096 }));
        const signing = Array.from({ length: 64 }, (_, i) => outcome(signJWT({ i }, key)));
        await new Promise((r) => setTimeout(r, 20));
        await hsm.close();
        const settled = await Promise.all([generating, ...signing]);
        // The module was finalised and can be opened again.
        const again = await open();
        await again.close();
        console.log(JSON.stringify(settled));
      `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: process.env,
      timeout: 110_000,
    });
    assert.equal(run.signal, null, `killed by ${run.signal}: ${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    const outcomes = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as string[];
    assert.equal(outcomes.length, 65);
    for (const outcome of outcomes) assert.ok(['ok', 'ERR_EXTERNAL_KEY_UNAVAILABLE'].includes(outcome), outcome);
  });

  it('a PIN given where its source belongs (pinEnv, pinFile) is never repeated in message, stack, cause or JSON', T, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9!$%*+,.:;=?@^_~-]{6,24}$/).filter((pin) => !/^[A-Z_][A-Z0-9_]*$/.test(pin)),
        fc.constantFrom('pinEnv', 'pinFile'),
        async (pin, where) => {
          const error = await rejectsWith(
            openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', [where]: pin }),
            'ERR_INVALID_OPTION',
          );
          const everything = `${error.message} ${error.stack} ${String(error.cause)} ${JSON.stringify(error)}`;
          assert.ok(!everything.includes(pin), everything);
        },
      ),
      { numRuns: 40 },
    );
    // Positive controls: a variable name and a path are named.
    const unset = await rejectsWith(openPKCS11({ module: SOFTHSM_MODULE, pinEnv: 'JWTKIT_UNSET_PIN' }), 'ERR_INVALID_OPTION');
    assert.match(unset.message, /JWTKIT_UNSET_PIN is not set/);
    const path = join(hsm.dir, 'no-such-pin');
    const unread = await rejectsWith(openPKCS11({ module: SOFTHSM_MODULE, pinFile: path }), 'ERR_INVALID_OPTION');
    assert.ok(unread.message.includes(path), unread.message);
  });

  it(
    'a PIN file with a byte order mark or CRLF opens the token; one with a second line is refused before the token sees it',
    T,
    async () => {
      for (const content of [`\ufeff${PIN}\n`, `${PIN}\r\n`, `\ufeff${PIN}`]) {
        const pinFile = join(hsm.dir, 'pin-variant');
        writeFileSync(pinFile, content);
        await (await openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinFile })).close();
      }
      const pinFile = join(hsm.dir, 'pin-two-lines');
      writeFileSync(pinFile, `${PIN}\n\n`);
      const error = await rejectsWith(openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinFile }), 'ERR_INVALID_OPTION');
      assert.match(error.message, /more than one line/);
    },
  );

  it('a timeout over 2^31-1 ms is refused at open (Node.js would fire it at once); 24 days is accepted', T, async () => {
    for (const timeout of ['25d', 2_147_484, 1e12])
      await rejectsWith(
        openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinEnv: 'JWTKIT_TEST_PIN', timeout }),
        'ERR_INVALID_OPTION',
      );
    const long = await openPKCS11({ module: SOFTHSM_MODULE, token: 'jwtkit', pinEnv: 'JWTKIT_TEST_PIN', timeout: '24d' });
    try {
      const key = await long.key({ alg: 'ES256', label: 'tool-ec' });
      assert.ok(await joseVerifies(await signJWT({ sub: 'ada' }, key), key));
    } finally {
      await long.close();
    }
  });

  it(
    'a ring kept in the token restarts from its labels (external-keys.md): same kids, old tokens verify, the new ring signs',
    T,
    async () => {
      const alg = 'ES256';
      let n = 0;
      const generateKey = (alg: string) => {
        n += 1;
        const label = `ring-restart-${n}`;
        return token.generateKey(alg, { label, kid: label });
      };
      const first = await createKeyRing({ alg, generateKey, maxTokenLifetime: '1h' });
      await first.rotate();
      const old = await first.sign({ sub: 'before' }, { expiresIn: '10m' });
      const kids = first.jwks().keys.map((jwk) => jwk.kid as string);
      assert.deepEqual(kids, ['ring-restart-2', 'ring-restart-3', 'ring-restart-1']);
      const again = await createKeyRing({
        alg,
        generateKey,
        keys: await Promise.all(kids.map((label) => token.key({ alg, label, kid: label }))),
        maxTokenLifetime: '1h',
      });
      assert.equal(again.currentKid, first.currentKid);
      assert.deepEqual(again.jwks(), first.jwks());
      const jwks = jose.createLocalJWKSet(again.jwks() as jose.JSONWebKeySet);
      for (const jwt of [old, await again.sign({ sub: 'after' }, { expiresIn: '10m' })]) await jose.jwtVerify(jwt, jwks);
    },
  );
});
