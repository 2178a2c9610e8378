// External keys (issue 33, item 1): a public key plus a function that uses the private one, as an
// HSM or a key service would. The "service" here is a jwtkit or WebCrypto key behind the function,
// answering in JOSE form or in DER. What must never happen: a token leaves with a signature that
// does not verify with the published key; a failing or hanging service hangs the caller or crashes
// the process; a DER answer is read two ways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createExternalKey,
  createLocalJWKS,
  createSigner,
  decodeJWT,
  decryptJWE,
  decryptJWT,
  ExternalKeySignatureInvalidError,
  ExternalKeyUnavailableError,
  ecdsaDERToJOSE,
  ecdsaJOSEToDER,
  encryptJWE,
  encryptJWT,
  exportKey,
  externalPublicKey,
  generateKeyPair,
  importKey,
  type JWK,
  type JWSAlgorithm,
  type Key,
  signJWS,
  signJWT,
  signJWTSync,
  verifyJWS,
  verifyJWT,
} from 'jwtkit';
import { createKeyRing, createTokenIssuer } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import { rejectsWith, throwsWith } from '../support/errors.js';
import { mustSupport } from '../support/runtime.js';

const ALGS = (['RS256', 'PS384', 'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA', 'ML-DSA-44'] as JWSAlgorithm[]).filter(
  mustSupport,
);
const ECDSA_SIZE: Partial<Record<string, number>> = { ES256: 32, ES256K: 32, ES384: 48, ES512: 66 };

/** The signature of `data` by a jwtkit private key, in JOSE form: the stand-in for a service's answer. */
const signedBy = async (key: Key, data: Uint8Array): Promise<Uint8Array> => {
  const sign = key.internals.sign;
  assert.ok(sign);
  return sign(data);
};

// An independent DER encoder (X9.62 Ecdsa-Sig-Value), so that the parser is not checked against itself.
const derInteger = (bytes: Uint8Array): number[] => {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = Array.from(bytes.subarray(start));
  return [2, ...((value[0] as number) >= 0x80 ? [value.length + 1, 0] : [value.length]), ...value];
};
const derOf = (jose: Uint8Array): Uint8Array => {
  const half = jose.length / 2;
  const body = [...derInteger(jose.subarray(0, half)), ...derInteger(jose.subarray(half))];
  return new Uint8Array([0x30, ...(body.length >= 0x80 ? [0x81] : []), body.length, ...body]);
};

interface Pair {
  readonly privateKey: Key;
  readonly publicKey: Key;
}
const pairs = new Map<string, Promise<Pair>>();
const pairFor = (alg: string, slot = 0): Promise<Pair> => {
  const id = `${alg}/${slot}`;
  let pair = pairs.get(id);
  if (pair === undefined) {
    pair = generateKeyPair(alg, { extractable: true });
    pairs.set(id, pair);
  }
  return pair;
};

/** An external key whose service is `pair`'s private key, answering in `format`. */
async function external(alg: string, format: 'jose' | 'der' = 'jose', kid = `hsm-${alg}`): Promise<Key> {
  const { privateKey, publicKey } = await pairFor(alg);
  return createExternalKey({
    alg,
    publicKey,
    kid,
    ...(format === 'der' && { signatureFormat: 'der' }),
    sign: async (data) => {
      const jose = await signedBy(privateKey, data);
      return format === 'der' ? derOf(jose) : jose;
    },
  });
}

describe('external keys: signing', () => {
  for (const alg of ALGS) {
    for (const format of ECDSA_SIZE[alg] === undefined ? (['jose'] as const) : (['jose', 'der'] as const)) {
      it(`${alg} (${format}): signJWT, createSigner and every signJWS serialization verify with the public key`, async () => {
        const key = await external(alg, format);
        const { publicKey } = await pairFor(alg);
        assert.equal(key.type, 'private');
        assert.equal(key.alg, alg);
        const token = await signJWT({ sub: 'ada' }, key, { expiresIn: '5m' });
        assert.equal(decodeJWT(token).header.kid, `hsm-${alg}`);
        assert.equal((await verifyJWT(token, publicKey, { algorithms: [alg] })).payload.sub, 'ada');
        const signer = createSigner({ key, expiresIn: 60 });
        await verifyJWT(await signer({ sub: 'b' }), publicKey, { algorithms: [alg] });
        for (const serialization of ['compact', 'flattened'] as const) {
          const jws = await signJWS('hello', key, { serialization } as { serialization: 'compact' });
          assert.equal(new TextDecoder().decode((await verifyJWS(jws, publicKey, { algorithms: [alg] })).payload), 'hello');
        }
        const unencoded = await signJWS('a.b', key, { b64: false, serialization: 'flattened' });
        await verifyJWS(unencoded, publicKey, { algorithms: [alg], crit: ['b64'] });
      });
    }
  }

  it('a general JWS with an external and an in-memory signer verifies for both', async () => {
    const ext = await external('ES256', 'der');
    const rsa = await pairFor('PS256');
    const jws = await signJWS(
      'both',
      [
        { key: ext, alg: 'ES256' },
        { key: rsa.privateKey, alg: 'PS256' },
      ],
      { serialization: 'general' },
    );
    await verifyJWS(jws, (await pairFor('ES256')).publicKey, { algorithms: ['ES256'] });
    await verifyJWS(jws, rsa.publicKey, { algorithms: ['PS256'] });
  });

  it('a WebCrypto key behind the function (r || s from crypto.subtle.sign) signs ES256', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const publicKey = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JWK;
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      sign: async (data) => crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data),
    });
    const token = await signJWT({ sub: 'web' }, key, { expiresIn: 60 });
    await verifyJWT(token, publicKey, { algorithms: ['ES256'] });
  });

  it('the function gets the signing input itself, its digest on request, and an AbortSignal', async () => {
    const { privateKey, publicKey } = await pairFor('ES256');
    let seen: { data: string; digest: number; hash: string | undefined; signal: boolean } | undefined;
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      sign: async (data, context) => {
        seen = {
          data: new TextDecoder().decode(data),
          digest: (await context.digest()).length,
          hash: context.hash,
          signal: context.signal instanceof AbortSignal && !context.signal.aborted,
        };
        return signedBy(privateKey, data);
      },
    });
    const token = await signJWT({ sub: 'x' }, key);
    assert.deepEqual(seen, { data: token.slice(0, token.lastIndexOf('.')), digest: 32, hash: 'SHA-256', signal: true });
  });

  it('the JWKS form of the key is its public half; the private half is not exportable', async () => {
    const key = await external('ES256');
    const half = externalPublicKey(key);
    assert.ok(half);
    assert.equal(half.type, 'public');
    assert.equal(externalPublicKey((await pairFor('ES256')).privateKey), undefined);
    await rejectsWith(exportKey(key, 'jwk'), 'ERR_KEY_NOT_EXTRACTABLE');
    await rejectsWith(exportKey(key, 'pkcs8'), 'ERR_KEY_NOT_EXTRACTABLE');
  });

  it('is refused where it cannot serve: verifying, encrypting, synchronous signing', async () => {
    const key = await external('ES256');
    const token = await signJWT({}, key);
    await rejectsWith(verifyJWT(token, key, { algorithms: ['ES256'] }), 'ERR_KEY_MISMATCH');
    // The message names the reason (the key), not a backend the user never chose.
    const syncError = { code: 'ERR_SYNC_UNAVAILABLE', message: /external keys sign asynchronously only/ };
    assert.throws(() => signJWTSync({}, key), syncError);
    assert.throws(() => createSigner({ key }).sync({}), syncError);
    const rsa = await externalOAEP('RSA-OAEP-256');
    await rejectsWith(encryptJWT({}, rsa.key, { enc: 'A128GCM' }), 'ERR_KEY_MISMATCH');
  });

  it('options are checked when the key is created', async () => {
    const { publicKey, privateKey } = await pairFor('ES256');
    const sign = async () => new Uint8Array(64);
    await rejectsWith(createExternalKey({ alg: 'ES256', publicKey: privateKey, sign }), 'ERR_INVALID_OPTION');
    await rejectsWith(createExternalKey({ alg: 'ES256', publicKey }), 'ERR_INVALID_OPTION');
    await rejectsWith(createExternalKey({ alg: 'HS256', publicKey, sign }), ['ERR_INVALID_OPTION', 'ERR_KEY_MISMATCH']);
    await rejectsWith(
      createExternalKey({ alg: 'ES256', publicKey, sign, signatureFormat: 'p1363' as 'der' }),
      'ERR_INVALID_OPTION',
    );
    await rejectsWith(createExternalKey({ alg: 'ES256', publicKey, sign, timeout: 0 }), 'ERR_INVALID_OPTION');
    // A timer over 2^31-1 ms fires at once: every call would time out.
    await rejectsWith(createExternalKey({ alg: 'ES256', publicKey, sign, timeout: '25d' }), 'ERR_INVALID_OPTION');
    await rejectsWith(createExternalKey({ alg: 'ES256', publicKey, sign, signFunction: sign } as never), 'ERR_INVALID_OPTION');
    const rsa = await pairFor('RS256');
    await rejectsWith(
      createExternalKey({ alg: 'RS256', publicKey: rsa.publicKey, sign, signatureFormat: 'der' }),
      'ERR_INVALID_OPTION',
    );
    await rejectsWith(createExternalKey({ alg: 'ES384', publicKey, sign }), 'ERR_KEY_MISMATCH');
  });
});

describe('external keys: a signature is checked before any token leaves', () => {
  it('a service that signs with another key of the same algorithm (a misconfigured key id): mismatch, no token', async () => {
    const { publicKey } = await pairFor('ES256');
    const other = await pairFor('ES256', 1);
    let calls = 0;
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      kid: 'prod-key',
      sign: async (data) => {
        calls++;
        return signedBy(other.privateKey, data);
      },
    });
    const error = await rejectsWith(signJWT({ sub: 'a' }, key), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    assert.ok(error instanceof ExternalKeySignatureInvalidError);
    assert.equal(error.reason, 'mismatch');
    assert.match(error.message, /prod-key/);
    await rejectsWith(createSigner({ key })({}), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    await rejectsWith(signJWS('x', key, { serialization: 'flattened' }), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    await rejectsWith(
      signJWS('x', [{ key }, { key: other.privateKey, alg: 'ES256' }], { serialization: 'general' }),
      'ERR_EXTERNAL_KEY_SIGNATURE_INVALID',
    );
    assert.equal(calls, 4);
  });

  it('garbage of every shape is refused with its reason (property)', async () => {
    const algs = ALGS.filter((alg) => !alg.startsWith('ML-DSA'));
    const lengthOf = async (alg: string) => (await signedBy((await pairFor(alg)).privateKey, new Uint8Array([1]))).length;
    const lengths = new Map(await Promise.all(algs.map(async (alg) => [alg, await lengthOf(alg)] as const)));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...algs),
        fc.oneof(fc.constant('right-length' as const), fc.constant('wrong-length' as const), fc.constant('not-bytes' as const)),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        async (alg, shape, stream) => {
          const length = lengths.get(alg) as number;
          const size = shape === 'right-length' ? length : length + ((stream.next().value as number) % 7) + 1;
          const bytes = new Uint8Array(size).map(() => stream.next().value as number);
          const key = await createExternalKey({
            alg,
            publicKey: (await pairFor(alg)).publicKey,
            sign: async () => (shape === 'not-bytes' ? ('c2ln' as unknown as Uint8Array) : bytes),
          });
          const error = await rejectsWith(signJWT({ sub: 'a' }, key), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
          const reason = { 'right-length': 'mismatch', 'wrong-length': 'length', 'not-bytes': 'format' }[shape];
          assert.equal((error as ExternalKeySignatureInvalidError).reason, reason);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an RSA signature with its leading zero byte dropped is refused for its length, not padded', async () => {
    const { privateKey, publicKey } = await pairFor('RS256');
    const key = await createExternalKey({
      alg: 'RS256',
      publicKey,
      sign: async (data) => (await signedBy(privateKey, data)).subarray(1),
    });
    const error = await rejectsWith(signJWT({}, key), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    assert.equal((error as ExternalKeySignatureInvalidError).reason, 'length');
  });

  it('a JOSE signature given where DER was declared is refused as malformed DER', async () => {
    const { privateKey, publicKey } = await pairFor('ES256');
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      signatureFormat: 'der',
      sign: (data) => signedBy(privateKey, data),
    });
    const error = await rejectsWith(signJWT({}, key), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    assert.equal((error as ExternalKeySignatureInvalidError).reason, 'format');
  });

  it('a function that throws, synchronously or not, gives ERR_EXTERNAL_KEY_UNAVAILABLE with the cause kept', async () => {
    const { publicKey } = await pairFor('ES256');
    const cause = new Error('CKR_DEVICE_REMOVED');
    for (const sign of [
      async () => {
        throw cause;
      },
      // A synchronous function, typed as such: sign may answer at once.
      (): Uint8Array => {
        throw cause;
      },
    ]) {
      const key = await createExternalKey({ alg: 'ES256', publicKey, sign });
      const error = await rejectsWith(signJWT({}, key), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
      assert.ok(error instanceof ExternalKeyUnavailableError);
      assert.equal(error.reason, 'failed');
      assert.equal(error.cause, cause);
      assert.doesNotMatch(error.message, /CKR_DEVICE_REMOVED/);
    }
  });

  it('an adapter may throw the typed errors itself; they pass unchanged', async () => {
    const { publicKey } = await pairFor('ES256');
    const own = new ExternalKeyUnavailableError('failed', 'the token "hsm-1" is not present');
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      sign: async () => {
        throw own;
      },
    });
    assert.equal(await rejectsWith(signJWT({}, key), 'ERR_EXTERNAL_KEY_UNAVAILABLE'), own);
  });

  it('an adapter that reuses its output buffer cannot change the signature after the check (property over the delay)', async () => {
    // Native HSM clients keep one output buffer: the next answer is written into the array already
    // returned. Whenever that happens, the token carries the bytes that were checked, or none leaves.
    const { privateKey, publicKey } = await pairFor('ES256');
    const out = new Uint8Array(64);
    let hops = 0;
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      sign: async (data) => {
        out.set(await signedBy(privateKey, data));
        let later = Promise.resolve();
        for (let i = 0; i < hops; i++) later = later.then(() => {});
        void later.then(() => out.fill(0x5a)); // the next answer, into the same buffer
        return out;
      },
    });
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 24 }), async (delay) => {
        hops = delay;
        try {
          const token = await signJWT({ sub: 'a' }, key);
          await verifyJWT(token, publicKey, { algorithms: ['ES256'] });
          outcomes.add('verifies');
        } catch (error) {
          assert.ok(error instanceof ExternalKeySignatureInvalidError, `got ${String(error)}`);
          outcomes.add('refused');
        }
      }),
      { numRuns: 60, examples: Array.from({ length: 25 }, (_, delay) => [delay]) },
    );
    assert.ok(outcomes.has('verifies')); // the positive control: a late overwrite changes nothing
  });

  it('odd objects that pass instanceof Uint8Array, and odd throws, give typed errors', async () => {
    const { privateKey, publicKey } = await pairFor('ES256');
    const proxyTrap = () =>
      new Proxy(
        {},
        {
          getPrototypeOf() {
            throw new Error('trap');
          },
        },
      );
    const answers: Record<string, (data: Uint8Array) => unknown> = {
      'a Proxy around a Uint8Array': () => new Proxy(new Uint8Array(64), {}),
      'Object.create(Uint8Array.prototype)': () => Object.create(Uint8Array.prototype),
      'a Proxy around an ArrayBuffer': () => new Proxy(new ArrayBuffer(64), {}),
      'a Proxy whose getPrototypeOf throws': proxyTrap,
    };
    // A detached buffer where the runtime can detach one (structuredClone with transfer).
    const detached = new Uint8Array(64);
    try {
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
    } catch {
      // Not here: the case is left out.
    }
    if (detached.buffer.byteLength === 0) answers['a Uint8Array whose buffer is detached'] = () => detached;
    for (const [name, answer] of Object.entries(answers)) {
      const key = await createExternalKey({ alg: 'ES256', publicKey, sign: async (data) => answer(data) as Uint8Array });
      const error = await rejectsWith(signJWT({}, key), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
      assert.equal((error as ExternalKeySignatureInvalidError).reason, 'format', name);
    }
    const throwing = await createExternalKey({
      alg: 'ES256',
      publicKey,
      sign: async () => {
        throw proxyTrap();
      },
    });
    const error = await rejectsWith(signJWT({}, throwing), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.equal((error as ExternalKeyUnavailableError).reason, 'failed');
    // The positive control: a subclass of Uint8Array that lies about its length is read by its bytes.
    class Lying extends Uint8Array {
      override get length() {
        return 64;
      }
    }
    const lying = await createExternalKey({
      alg: 'ES256',
      publicKey,
      sign: async (data) => {
        const bytes = new Lying(64);
        bytes.set(await signedBy(privateKey, data));
        return bytes;
      },
    });
    await verifyJWT(await signJWT({}, lying), publicKey, { algorithms: ['ES256'] });
  });

  it('a service that never answers times out, aborts its signal, and nothing hangs', async () => {
    const { publicKey } = await pairFor('ES256');
    let signal: AbortSignal | undefined;
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      timeout: 0.05,
      sign: (_data, context) => {
        signal = context.signal;
        return new Promise<Uint8Array>(() => {});
      },
    });
    const started = Date.now();
    const error = await rejectsWith(signJWT({}, key), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
    assert.equal((error as ExternalKeyUnavailableError).reason, 'timeout');
    assert.ok(Date.now() - started < 2000);
    assert.equal(signal?.aborted, true);
  });

  it('signJWTSync with a failing service throws at once and leaves no unhandled rejection', async () => {
    const { publicKey } = await pairFor('ES256');
    const key = await createExternalKey({ alg: 'ES256', publicKey, sign: async () => Promise.reject(new Error('down')) });
    const unhandled: unknown[] = [];
    const onUnhandled = (event: unknown) => unhandled.push(event);
    const scope = globalThis as {
      process?: { on(name: string, f: (e: unknown) => void): void; off(name: string, f: (e: unknown) => void): void };
    };
    scope.process?.on('unhandledRejection', onUnhandled);
    try {
      assert.throws(() => signJWTSync({}, key), { code: 'ERR_SYNC_UNAVAILABLE' });
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      scope.process?.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});

describe('external keys: DER ECDSA signatures', () => {
  const joseOf = (size: number) =>
    fc
      .tuple(
        fc.uint8Array({ minLength: size, maxLength: size }),
        fc.uint8Array({ minLength: size, maxLength: size }),
        fc.nat(size - 1),
        fc.nat(size - 1),
      )
      // Leading zero bytes in r and s, so that short and zero-prefixed DER integers both occur.
      .map(([r, s, zr, zs]) => {
        r.fill(0, 0, zr);
        s.fill(0, 0, zs);
        r[size - 1] ||= 1;
        s[size - 1] ||= 1;
        return new Uint8Array([...r, ...s]);
      });

  it('valid DER of any r and s (short, high-bit, leading-zero) converts to the same r || s, and back (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 48, 66).chain((size) => fc.tuple(fc.constant(size), joseOf(size))),
        ([size, jose]) => {
          const der = derOf(jose);
          assert.deepEqual(ecdsaDERToJOSE(der, size), jose);
          assert.deepEqual(ecdsaJOSEToDER(jose), der);
        },
      ),
      { numRuns: 200 },
    );
  });

  const MUTATIONS = [
    'trailing byte',
    'superfluous leading zero',
    'negative integer',
    'sequence length off',
    'integer of length zero',
    'truncated',
    'long form for a short length',
    'wrong outer tag',
    'wrong integer tag',
    'zero value',
    'wider than the curve',
  ] as const;

  /** Breaks one DER rule in a valid encoding of r || s. */
  function mutate(jose: Uint8Array, size: number, mutation: (typeof MUTATIONS)[number]): Uint8Array {
    const der = Array.from(derOf(jose));
    const bodyStart = der[1] === 0x81 ? 3 : 2;
    const rLength = der[bodyStart + 1] as number;
    const relength = (body: number[]) => [0x30, ...(body.length >= 0x80 ? [0x81] : []), body.length, ...body];
    const body = der.slice(bodyStart);
    switch (mutation) {
      case 'trailing byte':
        return new Uint8Array([...der, 0]);
      case 'superfluous leading zero': {
        const r = [0, ...body.slice(2, 2 + rLength)];
        return new Uint8Array(relength([2, r.length, ...r, ...body.slice(2 + rLength)]));
      }
      case 'negative integer': {
        // Drop the zero that kept a high bit positive, or set the high bit: either reads as negative.
        const r = body.slice(2, 2 + rLength);
        const value = r[0] === 0 ? r.slice(1) : r;
        value[0] = (value[0] as number) | 0x80;
        return new Uint8Array(relength([2, value.length, ...value, ...body.slice(2 + rLength)]));
      }
      case 'sequence length off':
        der[bodyStart - 1] = (der[bodyStart - 1] as number) - 1;
        return new Uint8Array(der);
      case 'integer of length zero':
        der[bodyStart + 1] = 0;
        return new Uint8Array(der);
      case 'truncated':
        return new Uint8Array(der.slice(0, der.length - 1));
      case 'long form for a short length':
        return body.length >= 0x80
          ? new Uint8Array([0x30, 0x82, 0, body.length, ...body])
          : new Uint8Array([0x30, 0x81, body.length, ...body]);
      case 'wrong outer tag':
        der[0] = 0x31;
        return new Uint8Array(der);
      case 'wrong integer tag':
        der[bodyStart] = 0x03;
        return new Uint8Array(der);
      case 'zero value':
        return new Uint8Array(relength([2, 1, 0, ...body.slice(2 + rLength)]));
      case 'wider than the curve': {
        const r = [1, ...new Array(size).fill(0x11)];
        return new Uint8Array(relength([2, r.length, ...r, ...body.slice(2 + rLength)]));
      }
    }
  }

  it('mutated DER is refused with ERR_EXTERNAL_KEY_SIGNATURE_INVALID (format), never read another way (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 48, 66).chain((size) => fc.tuple(fc.constant(size), joseOf(size), fc.constantFrom(...MUTATIONS))),
        ([size, jose, mutation]) => {
          const bad = mutate(jose, size, mutation);
          assert.throws(
            () => ecdsaDERToJOSE(bad, size),
            (error: unknown) =>
              error instanceof ExternalKeySignatureInvalidError &&
              error.reason === 'format' &&
              error.code === 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID',
            `${mutation} was accepted`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any byte string is either refused or the one DER encoding of what it gives (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        let jose: Uint8Array;
        try {
          jose = ecdsaDERToJOSE(bytes, 32);
        } catch (error) {
          assert.ok(error instanceof ExternalKeySignatureInvalidError);
          return;
        }
        assert.deepEqual(ecdsaJOSEToDER(jose), bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('the helpers take the curves sizes only: any other size or length is a typed error, never a RangeError or a huge allocation (property)', () => {
    const valid = derOf(new Uint8Array(64).fill(0x11));
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, Number.NaN, 2 ** 31, 2 ** 53, 1.5, 31, 33, 64, 128)),
        (size) => {
          if ([32, 48, 66].includes(size)) return;
          assert.throws(() => ecdsaDERToJOSE(valid, size), { code: 'ERR_INVALID_OPTION' });
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), (length) => {
        const jose = new Uint8Array(length).fill(0x7f);
        if ([64, 96, 132].includes(length)) {
          assert.deepEqual(ecdsaDERToJOSE(ecdsaJOSEToDER(jose), length / 2), jose); // the positive control
          return;
        }
        const error = throwsWith(() => ecdsaJOSEToDER(jose), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
        assert.equal((error as ExternalKeySignatureInvalidError).reason, 'length');
      }),
      { numRuns: 200, examples: [[0], [2], [254], [256], [260], [400]] },
    );
  });

  it('a high-S signature from the service is passed on as it came, and verifies', async () => {
    // n of P-256: s and n - s are both valid signatures (JOSE has no low-S rule).
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const { privateKey, publicKey } = await pairFor('ES256');
    const hex = (bytes: Uint8Array) => BigInt(`0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') || '0'}`);
    const bytes = (value: bigint) =>
      Uint8Array.from(value.toString(16).padStart(64, '0').match(/../g) as string[], (h) => Number.parseInt(h, 16));
    let sent: Uint8Array | undefined;
    const key = await createExternalKey({
      alg: 'ES256',
      publicKey,
      signatureFormat: 'der',
      sign: async (data) => {
        const jose = await signedBy(privateKey, data);
        const s = hex(jose.subarray(32));
        const high = s > n / 2n ? s : n - s;
        sent = new Uint8Array([...jose.subarray(0, 32), ...bytes(high)]);
        return derOf(sent);
      },
    });
    const token = await signJWT({ sub: 'high-s' }, key);
    await verifyJWT(token, publicKey, { algorithms: ['ES256'] });
    const segment = token.split('.')[2] as string;
    const b64 = btoa(String.fromCharCode(...(sent as Uint8Array)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    assert.equal(segment, b64);
  });
});

/** An RSA-OAEP key whose private half is a WebCrypto key behind `decrypt`. */
async function externalOAEP(
  alg: 'RSA-OAEP-256',
  decrypt?: (encryptedKey: Uint8Array, signal: AbortSignal) => Promise<Uint8Array | undefined>,
): Promise<{ key: Key; publicKey: Key }> {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['encrypt', 'decrypt'],
  )) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JWK;
  const { kty, n, e } = jwk;
  const publicJwk = { kty, n, e } as JWK;
  const key = await createExternalKey({
    alg,
    publicKey: publicJwk,
    decrypt:
      decrypt === undefined
        ? async (encryptedKey) => new Uint8Array(await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, pair.privateKey, encryptedKey))
        : (encryptedKey, context) => decrypt(encryptedKey, context.signal),
  });
  return { key, publicKey: await importKey(publicJwk, { alg }) };
}

describe('external keys: JWE', () => {
  const options = { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] };

  it('RSA-OAEP-256: decryptJWT and decryptJWE unwrap through the function', async () => {
    const { key, publicKey } = await externalOAEP('RSA-OAEP-256');
    const token = await encryptJWT({ sub: 'ada' }, publicKey, { enc: 'A256GCM' });
    assert.equal((await decryptJWT(token, key, options)).payload.sub, 'ada');
    const jwe = await encryptJWE('secret', publicKey, { enc: 'A256GCM', serialization: 'flattened' });
    assert.equal(new TextDecoder().decode((await decryptJWE(jwe, key, options)).plaintext), 'secret');
  });

  it('RSA-OAEP: an unwrap that throws or says undefined fails exactly like a wrong key; a thrown ExternalKeyUnavailableError escapes', async () => {
    const { publicKey } = await externalOAEP('RSA-OAEP-256');
    const token = await encryptJWT({ sub: 'ada' }, publicKey, { enc: 'A256GCM' });
    const failing = await externalOAEP('RSA-OAEP-256', async () => {
      throw new Error('CKR_ENCRYPTED_DATA_INVALID');
    });
    const refusing = await externalOAEP('RSA-OAEP-256', async () => undefined);
    const wrong = await externalOAEP('RSA-OAEP-256');
    const messages = new Set<string>();
    for (const { key } of [failing, refusing, wrong])
      messages.add((await rejectsWith(decryptJWT(token, key, options), 'ERR_JWE_DECRYPTION_FAILED')).message);
    assert.equal(messages.size, 1);
    const down = await externalOAEP('RSA-OAEP-256', async () => {
      throw new ExternalKeyUnavailableError('failed', 'the HSM is down');
    });
    await rejectsWith(decryptJWT(token, down.key, options), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
  });

  it('ECDH-ES: the function gets the checked ephemeral public key and returns Z', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
    const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JWK;
    const publicJwk = { kty, crv, x, y } as JWK;
    const seen: JWK[] = [];
    for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW'] as const) {
      const key = await createExternalKey({
        alg,
        publicKey: publicJwk,
        deriveSharedSecret: async (epk) => {
          seen.push(epk);
          const other = await crypto.subtle.importKey('jwk', epk, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
          return crypto.subtle.deriveBits({ name: 'ECDH', public: other }, pair.privateKey, 256);
        },
      });
      const token = await encryptJWT({ sub: alg }, await importKey(publicJwk, { alg }), { enc: 'A128GCM' });
      const result = await decryptJWT(token, key, { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: ['A128GCM'] });
      assert.equal(result.payload.sub, alg);
    }
    for (const epk of seen) assert.deepEqual(Object.keys(epk).sort(), ['crv', 'kty', 'x', 'y']);
    const bad = await createExternalKey({
      alg: 'ECDH-ES',
      publicKey: publicJwk,
      deriveSharedSecret: async () => new Uint8Array(31),
    });
    const token = await encryptJWT({}, await importKey(publicJwk, { alg: 'ECDH-ES' }), { enc: 'A128GCM' });
    await rejectsWith(
      decryptJWT(token, bad, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A128GCM'] }),
      'ERR_EXTERNAL_KEY_UNAVAILABLE',
    );
  });
});

describe('external keys: the key ring', () => {
  /** A key "made in the HSM": a fresh pair whose private half only the function can use. */
  const hsm = () => {
    const made: string[] = [];
    let count = 0;
    const generateKey = async (alg: string) => {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      const kid = `hsm-${++count}`;
      made.push(kid);
      return createExternalKey({
        alg,
        publicKey,
        kid,
        signatureFormat: 'der',
        sign: async (data) => derOf(await signedBy(privateKey, data)),
      });
    };
    return { generateKey, made };
  };

  it('rotates with keys made by generateKey; every token verifies against ring.jwks(), which holds public halves only', async () => {
    const { generateKey, made } = hsm();
    const ring = await createKeyRing({ alg: 'ES256', generateKey, sign: { expiresIn: '5m', issuer: 'auth' } });
    const tokens = [await ring.sign({ sub: 'a' })];
    await ring.rotate();
    tokens.push(await ring.sign({ sub: 'b' }, { audience: 'api' }));
    await ring.rotate();
    tokens.push(await ring.sign({ sub: 'c' }));
    assert.deepEqual(made, ['hsm-1', 'hsm-2', 'hsm-3', 'hsm-4']);
    assert.equal(ring.currentKid, 'hsm-3');
    const jwks = ring.jwks();
    assert.deepEqual(jwks.keys.map((key) => key.kid).sort(), ['hsm-1', 'hsm-2', 'hsm-3', 'hsm-4']);
    for (const jwk of jwks.keys) assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    const local = createLocalJWKS(jwks);
    const kids = [];
    for (const token of tokens) {
      const { header } = await verifyJWT(token, local, { algorithms: ['ES256'], issuer: 'auth' });
      kids.push(header.kid);
    }
    assert.deepEqual(kids, ['hsm-1', 'hsm-2', 'hsm-3']);
    await rejectsWith(ring.exportPrivate(), 'ERR_KEY_NOT_EXTRACTABLE');
  });

  it('createTokenIssuer signs access tokens through a ring of external keys; a failing service mints no pair', async () => {
    const { generateKey } = hsm();
    const ring = await createKeyRing({ alg: 'ES256', generateKey, maxTokenLifetime: '1h' });
    const pair = await createTokenIssuer({ ring, store: createMemoryStore() }).issueTokenPair({ sub: 'ada' });
    const { header, payload } = await verifyJWT(pair.accessToken, createLocalJWKS(ring.jwks()), { algorithms: ['ES256'] });
    assert.deepEqual([header.kid, payload.sub], ['hsm-1', 'ada']);
    const { publicKey } = await pairFor('ES256');
    const down = await createExternalKey({ alg: 'ES256', publicKey, kid: 'down', sign: () => Promise.reject(new Error('503')) });
    const broken = await createKeyRing({ alg: 'ES256', keys: [down], maxTokenLifetime: '1h' });
    const store = createMemoryStore();
    await rejectsWith(createTokenIssuer({ ring: broken, store }).issueTokenPair({ sub: 'ada' }), 'ERR_EXTERNAL_KEY_UNAVAILABLE');
  });

  it('a ring given external keys and no generateKey refuses to make keys in memory, and keeps signing', async () => {
    const first = await external('ES256', 'der', 'hsm-a');
    const ring = await createKeyRing({ alg: 'ES256', keys: [first], sign: { expiresIn: '5m' } });
    assert.equal(ring.jwks().keys.length, 1);
    await rejectsWith(ring.rotate(), 'ERR_INVALID_OPTION');
    await rejectsWith(createKeyRing({ alg: 'ES256', keys: [first], rotateEvery: '1d' }), 'ERR_INVALID_OPTION');
    const token = await ring.sign({ sub: 'still' });
    await verifyJWT(token, createLocalJWKS(ring.jwks()), { algorithms: ['ES256'] });
  });

  it('a ring whose HSM key signs with the wrong key mints nothing', async () => {
    const { publicKey } = await pairFor('ES256');
    const other = await pairFor('ES256', 1);
    const key = await createExternalKey({ alg: 'ES256', publicKey, kid: 'k', sign: (data) => signedBy(other.privateKey, data) });
    const ring = await createKeyRing({ alg: 'ES256', keys: [key], sign: { expiresIn: '5m' } });
    await rejectsWith(ring.sign({ sub: 'a' }), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
    await rejectsWith(ring.sign({ sub: 'a' }, { audience: 'x' }), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID');
  });

  it('generateKey must return a private key of the ring algorithm', async () => {
    await rejectsWith(
      createKeyRing({ alg: 'ES256', generateKey: async () => (await generateKeyPair('ES384')).privateKey }),
      'ERR_INVALID_OPTION',
    );
    await rejectsWith(
      createKeyRing({ alg: 'ES256', generateKey: async () => (await generateKeyPair('ES256')).publicKey }),
      'ERR_INVALID_OPTION',
    );
  });
});
