// DPoP (RFC 9449): proofs made by createDPoPProof and by hand, checked by verifyDPoPProof.
//
// What must never happen (each line is a test below):
// - a proof replayed within its window is accepted (same jti, same key);
// - a proof made for another method or URL is accepted (htm case-sensitive; htu compared after
//   normalisation, query and fragment ignored);
// - a proof whose key is not the token's cnf.jkt is accepted;
// - a proof bound to another access token, or to none when one is presented, is accepted (ath);
// - a proof with alg none or HS*, a private or symmetric jwk, or a jwk that is not the key that
//   signed it is accepted;
// - a proof with a stale or future iat is accepted;
// - a proof without a nonce, or with a stale or forged one, is accepted when nonces are required;
// - a request with zero or several DPoP headers yields a proof;
// - any input makes verifyDPoPProof crash or throw anything but a typed error;
// - createDPoPProof puts a private key member in the header.
// Positive controls: genuine proofs for every key type are accepted, and so are proofs whose htu
// differs from the request URL only in ways RFC 3986 normalisation or the query/fragment removes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createDPoPNonces,
  createDPoPProof,
  DPoPNonceRequiredError,
  DPoPProofInvalidError,
  dpopProofFromHeaders,
  generateKeyPair,
  JWTKitError,
  jwkThumbprint,
  type VerifyDPoPProofOptions,
  verifyDPoPProof,
} from 'jwtkit';
import { createMemoryStore } from 'jwtkit/stores';
import { attackerES256, b64u, es256Token, hs256Token, segment } from '../support/craft.js';
import { rejectsWith, throwsWith } from '../support/errors.js';
import { mustSupport } from '../support/runtime.js';

const NOW = 1_900_000_000;
const URL_ = 'https://api.example.com/orders';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln';

async function sha256(text: string): Promise<string> {
  return b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

async function expectReason(promise: Promise<unknown>, reason: string): Promise<void> {
  const error = await rejectsWith(promise, 'ERR_DPOP_PROOF_INVALID');
  assert.ok(error instanceof DPoPProofInvalidError);
  assert.equal(error.reason, reason, error.message);
  assert.equal(error.oauthError, 'invalid_dpop_proof');
}

async function expectNonce(promise: Promise<unknown>, reason: string): Promise<void> {
  const error = await rejectsWith(promise, 'ERR_DPOP_NONCE_REQUIRED');
  assert.ok(error instanceof DPoPNonceRequiredError);
  assert.equal(error.reason, reason, error.message);
  assert.equal(error.oauthError, 'use_dpop_nonce');
}

type Pair = Awaited<ReturnType<typeof attackerES256>>;
/** The client's key (made by hand with WebCrypto) and a second, unrelated one. */
let client: Pair;
let other: Pair;
let clientJkt: string;
let ath: string;
let made: Promise<void> | undefined;

// Made in the first test, not at module load: workerd refuses random generation at global scope.
function ready(): Promise<void> {
  made ??= (async () => {
    client = await attackerES256();
    other = await attackerES256();
    clientJkt = await jwkThumbprint(client.publicJwk as never);
    ath = await sha256(TOKEN);
  })();
  return made;
}

/** `it`, after the keys are made. */
const test = (name: string, body: () => Promise<void> | void) =>
  it(name, async () => {
    await ready();
    await body();
  });

interface Parts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const genuine = (jti: string): Parts => ({
  header: { typ: 'dpop+jwt', alg: 'ES256', jwk: client.publicJwk },
  payload: { jti, htm: 'POST', htu: URL_, iat: NOW, ath },
});

const options = (extra: Partial<VerifyDPoPProofOptions> = {}): VerifyDPoPProofOptions => ({
  htm: 'POST',
  htu: URL_,
  now: NOW,
  accessToken: TOKEN,
  jkt: clientJkt,
  replay: createMemoryStore(),
  ...extra,
});

/** One change to a genuine proof, and the check that must refuse it. */
interface Attack {
  name: string;
  reason: string;
  make(parts: Parts): Promise<string>;
}

const sign = (parts: Parts) => es256Token(parts.header, parts.payload, client.privateKey);
const set = (where: keyof Parts, name: string, value: unknown) => (parts: Parts) =>
  sign({ ...parts, [where]: { ...parts[where], [name]: value } });
const drop = (where: keyof Parts, name: string) => (parts: Parts) => {
  const { [name]: _dropped, ...rest } = parts[where];
  return sign({ ...parts, [where]: rest });
};

const ATTACKS: Attack[] = [
  { name: 'another method', reason: 'htm', make: set('payload', 'htm', 'GET') },
  { name: 'the method in lower case', reason: 'htm', make: set('payload', 'htm', 'post') },
  { name: 'another path', reason: 'htu', make: set('payload', 'htu', `${URL_}/1`) },
  { name: 'another host', reason: 'htu', make: set('payload', 'htu', 'https://evil.example.com/orders') },
  { name: 'http instead of https', reason: 'htu', make: set('payload', 'htu', 'http://api.example.com/orders') },
  { name: 'another port', reason: 'htu', make: set('payload', 'htu', 'https://api.example.com:8443/orders') },
  { name: 'no htu', reason: 'htu', make: drop('payload', 'htu') },
  { name: 'no htm', reason: 'htm', make: drop('payload', 'htm') },
  { name: 'no jti', reason: 'jti', make: drop('payload', 'jti') },
  { name: 'no ath', reason: 'ath', make: drop('payload', 'ath') },
  {
    name: 'the ath of another token',
    reason: 'ath',
    make: async (p) => sign({ ...p, payload: { ...p.payload, ath: await sha256(`${TOKEN}x`) } }),
  },
  { name: 'a stale iat', reason: 'iat', make: set('payload', 'iat', NOW - 66) },
  { name: 'a future iat', reason: 'iat', make: set('payload', 'iat', NOW + 6) },
  { name: 'no iat', reason: 'iat', make: drop('payload', 'iat') },
  { name: 'an iat that is a string', reason: 'malformed', make: set('payload', 'iat', String(NOW)) },
  { name: 'typ JWT', reason: 'typ', make: set('header', 'typ', 'JWT') },
  { name: 'no typ', reason: 'typ', make: drop('header', 'typ') },
  {
    name: 'another key than cnf.jkt',
    reason: 'jkt',
    make: (p) => es256Token({ ...p.header, jwk: other.publicJwk }, p.payload, other.privateKey),
  },
  {
    name: 'a jwk that is not the signing key',
    reason: 'signature',
    make: (p) => es256Token(p.header, p.payload, other.privateKey),
  },
  {
    name: 'the private key in jwk',
    reason: 'jwk',
    make: async (p) => {
      const full = await crypto.subtle.exportKey('jwk', client.privateKey);
      return sign({ ...p, header: { ...p.header, jwk: { ...client.publicJwk, d: full.d } } });
    },
  },
  { name: 'no jwk', reason: 'jwk', make: drop('header', 'jwk') },
  {
    name: 'a symmetric jwk (HS256 keyed with it)',
    reason: 'alg',
    make: (p) =>
      hs256Token({ ...p.header, alg: 'HS256', jwk: { kty: 'oct', k: b64u('k'.repeat(32)) } }, p.payload, 'k'.repeat(32)),
  },
  {
    name: 'HS256 keyed with the public jwk',
    reason: 'alg',
    make: (p) => hs256Token({ ...p.header, alg: 'HS256' }, p.payload, JSON.stringify(client.publicJwk)),
  },
  {
    name: 'alg none',
    reason: 'alg',
    make: async (p) => `${segment({ ...p.header, alg: 'none' })}.${segment(p.payload)}.`,
  },
  {
    name: 'alg RS256 over an EC jwk',
    reason: 'jwk',
    make: set('header', 'alg', 'RS256'),
  },
  {
    name: 'an unknown crit extension',
    reason: 'malformed',
    make: (p) => sign({ ...p, header: { ...p.header, crit: ['x'], x: 1 } }),
  },
];

describe('verifyDPoPProof: attacks, one field changed at a time', () => {
  test('accepts the genuine proof (positive control) and returns its key thumbprint', async () => {
    const result = await verifyDPoPProof(await sign(genuine('j1')), options());
    assert.equal(result.jkt, clientJkt);
    assert.equal(result.payload.jti, 'j1');
    assert.equal(result.header.typ, 'dpop+jwt');
  });

  for (const attack of ATTACKS) {
    test(`refuses a proof with ${attack.name} (reason ${attack.reason})`, async () => {
      await expectReason(verifyDPoPProof(await attack.make(genuine('j1')), options()), attack.reason);
    });
  }

  test('refuses every attack for any jti, method, URL and time inside the window (property)', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
    const path = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { maxLength: 4 }).map((s) => `/${s.join('/')}`);
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        method,
        path,
        fc.integer({ min: -60, max: 5 }),
        fc.constantFrom(...ATTACKS),
        async (jti, htm, pathname, age, attack) => {
          const url = `https://api.example.com${pathname}`;
          const parts = genuine(jti);
          Object.assign(parts.payload, { htm, htu: url, iat: NOW + age });
          const settings = options({ htm, htu: url });
          // The control: the same proof without the attack's change passes.
          await verifyDPoPProof(await sign({ ...parts, payload: { ...parts.payload } }), settings);
          // An attack that sets a field to the value the property chose is no change: not an attack.
          fc.pre(
            !(attack.name === 'another method' && htm === 'GET') && !(attack.name === 'another path' && url === `${URL_}/1`),
          );
          const fresh = options({ htm, htu: url });
          await expectReason(verifyDPoPProof(await attack.make(parts), fresh), attack.reason);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('refuses a replayed proof (same jti and key) within its window, through one store', async () => {
    const replay = createMemoryStore();
    const proof = await sign(genuine('once'));
    await verifyDPoPProof(proof, options({ replay }));
    await expectReason(verifyDPoPProof(proof, options({ replay })), 'replay');
    // Another jti from the same key is still accepted.
    await verifyDPoPProof(await sign(genuine('twice')), options({ replay }));
  });

  test('records a jti per key: another key using the same jti is not refused as a replay', async () => {
    const replay = createMemoryStore();
    await verifyDPoPProof(await sign(genuine('shared')), options({ replay }));
    const foreign = await es256Token(
      { ...genuine('shared').header, jwk: other.publicJwk },
      genuine('shared').payload,
      other.privateKey,
    );
    await verifyDPoPProof(foreign, options({ replay, jkt: await jwkThumbprint(other.publicJwk as never) }));
  });

  test('does not burn a jti when the proof is refused for another reason', async () => {
    const replay = createMemoryStore();
    const parts = genuine('kept');
    await expectReason(verifyDPoPProof(await sign(parts), options({ replay, htm: 'GET' })), 'htm');
    await verifyDPoPProof(await sign(parts), options({ replay }));
  });

  test('uses a process-wide memory store when none is given', async () => {
    const proof = await sign(genuine(`default-${Math.random()}`));
    const settings = { htm: 'POST', htu: URL_, now: NOW, accessToken: TOKEN, jkt: clientJkt };
    await verifyDPoPProof(proof, settings);
    await expectReason(verifyDPoPProof(proof, settings), 'replay');
  });

  test('accepts an iat at the edges of the window and refuses one second past them', async () => {
    const at = async (iat: number, replay = createMemoryStore()) =>
      verifyDPoPProof(await sign({ ...genuine('edge'), payload: { ...genuine('edge').payload, iat } }), options({ replay }));
    await at(NOW - 65); // maxAge 60 + tolerance 5
    await at(NOW + 5);
    await expectReason(at(NOW - 66), 'iat');
    await expectReason(at(NOW + 6), 'iat');
  });

  test('never crashes: any text, any JSON header and payload, gives ERR_DPOP_PROOF_INVALID (property)', async () => {
    const json = fc.dictionary(
      fc.constantFrom('typ', 'alg', 'jwk', 'jti', 'htm', 'htu', 'iat', 'ath', 'crit', '__proto__'),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.tuple(json, json).map(([h, p]) => `${segment(h)}.${segment(p)}.${b64u('sig')}`),
          fc
            .tuple(json, json)
            .map(([h, p]) => es256Token({ ...genuine('x').header, ...h }, { ...genuine('x').payload, ...p }, client.privateKey)),
        ),
        async (input) => {
          const proof = await input;
          try {
            await verifyDPoPProof(proof, options());
          } catch (error) {
            assert.ok(error instanceof JWTKitError, String(error));
            assert.ok(['ERR_DPOP_PROOF_INVALID', 'ERR_TOKEN_TOO_LARGE'].includes(error.code), error.code);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('refuses proofs over maxProofLength before decoding them', async () => {
    const proof = await sign(genuine('long'));
    await expectReason(verifyDPoPProof(proof, options({ maxProofLength: proof.length - 1 })), 'malformed');
  });
});

describe('verifyDPoPProof: htu normalisation', () => {
  const EQUIVALENT = [
    'https://api.example.com/orders?page=2',
    'https://api.example.com/orders#top',
    'HTTPS://API.Example.COM/orders',
    'https://api.example.com:443/orders',
    'https://api.example.com/a/../orders',
  ];
  for (const htu of EQUIVALENT) {
    test(`accepts a proof with htu ${htu} for ${URL_} (positive control)`, async () => {
      const parts = genuine('n');
      parts.payload.htu = htu;
      await verifyDPoPProof(await sign(parts), options());
    });
  }

  test('takes the request URL with its query and fragment too', async () => {
    await verifyDPoPProof(await sign(genuine('q')), options({ htu: `${URL_}?x=1#y` }));
  });

  test('compares paths as sent: case and trailing slash matter', async () => {
    for (const htu of ['https://api.example.com/Orders', 'https://api.example.com/orders/']) {
      const parts = genuine('p');
      parts.payload.htu = htu;
      await expectReason(verifyDPoPProof(await sign(parts), options()), 'htu');
    }
  });
});

describe('verifyDPoPProof: server nonces', () => {
  const secret = 'n'.repeat(32);
  const nonceOptions = (clock: { t: number }) => createDPoPNonces({ secret, lifetime: 300, now: () => clock.t });

  test('accepts a proof with a current nonce (positive control)', async () => {
    const clock = { t: NOW };
    const nonces = nonceOptions(clock);
    const parts = genuine('nonce-ok');
    parts.payload.nonce = await nonces.issue();
    await verifyDPoPProof(await sign(parts), options({ nonce: nonces }));
  });

  test('refuses a proof without a nonce when nonces are required: use_dpop_nonce', async () => {
    await expectNonce(verifyDPoPProof(await sign(genuine('no-nonce')), options({ nonce: nonceOptions({ t: NOW }) })), 'missing');
  });

  test('refuses a stale nonce and a forged one', async () => {
    const clock = { t: NOW - 600 };
    const nonces = nonceOptions(clock);
    const stale = genuine('stale');
    stale.payload.nonce = await nonces.issue();
    clock.t = NOW;
    await expectNonce(verifyDPoPProof(await sign(stale), options({ nonce: nonces })), 'stale');
    const forged = genuine('forged');
    forged.payload.nonce = `${Math.floor(NOW / 300)}.${'A'.repeat(22)}`;
    await expectNonce(verifyDPoPProof(await sign(forged), options({ nonce: nonces })), 'invalid');
    const foreign = genuine('foreign');
    foreign.payload.nonce = await createDPoPNonces({ lifetime: 300, now: () => NOW }).issue();
    await expectNonce(verifyDPoPProof(await sign(foreign), options({ nonce: nonces })), 'invalid');
  });

  test('agrees across instances sharing the secret; a nonce lives one to two steps (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 3 * 3600 }),
        async (issuedAt, lifetime, later) => {
          const a = createDPoPNonces({ secret, lifetime, now: () => issuedAt });
          const checkedAt = issuedAt + later;
          const b = createDPoPNonces({ secret, lifetime, now: () => checkedAt });
          const steps = Math.floor(checkedAt / lifetime) - Math.floor(issuedAt / lifetime);
          assert.equal(await b.check(await a.issue()), steps <= 1 ? 'valid' : 'stale');
        },
      ),
      { numRuns: 100 },
    );
  });

  test('calls a nonce invalid when any character changes (property)', async () => {
    const nonces = createDPoPNonces({ secret, now: () => NOW });
    const nonce = await nonces.issue();
    await fc.assert(
      fc.asyncProperty(fc.nat(nonce.length - 1), fc.constantFrom(...'0123456789abcXYZ_-.'), async (index, char) => {
        fc.pre(nonce[index] !== char);
        const changed = `${nonce.slice(0, index)}${char}${nonce.slice(index + 1)}`;
        // The last character holds 4 bits of the tag: every change of it is still a change.
        assert.equal(await nonces.check(changed), 'invalid');
      }),
      { numRuns: 80 },
    );
    assert.equal(await nonces.check(''), 'invalid');
    assert.equal(await nonces.check('x'.repeat(10_000)), 'invalid');
  });

  test('refuses a short secret and a lifetime under a second', () => {
    throwsWith(() => createDPoPNonces({ secret: 'short' }), 'ERR_INVALID_OPTION');
    throwsWith(() => createDPoPNonces({ lifetime: 0 }), 'ERR_INVALID_OPTION');
    throwsWith(() => createDPoPNonces({ lifetime: Number.POSITIVE_INFINITY }), 'ERR_INVALID_OPTION');
  });
});

describe('dpopProofFromHeaders: exactly one proof', () => {
  test('returns the one proof', () => {
    assert.equal(dpopProofFromHeaders('a.b.c'), 'a.b.c');
    assert.equal(dpopProofFromHeaders(['a.b.c']), 'a.b.c');
  });
  for (const [name, value] of [
    ['no header', undefined],
    ['null', null],
    ['an empty header', ''],
    ['no values', []],
    ['two headers', ['a.b.c', 'd.e.f']],
    ['two headers joined by Headers.get', 'a.b.c, d.e.f'],
  ] as const) {
    test(`refuses ${name} (reason count)`, () => {
      const error = throwsWith(() => dpopProofFromHeaders(value as never), 'ERR_DPOP_PROOF_INVALID');
      assert.equal((error as DPoPProofInvalidError).reason, 'count');
    });
  }
});

describe('createDPoPProof', () => {
  const ALGS = (['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256', 'ES256K'] as const).filter(mustSupport);
  for (const alg of ALGS) {
    test(`makes a ${alg} proof that verifyDPoPProof accepts, with public members only in jwk`, async () => {
      const keyPair = await generateKeyPair(alg, { extractable: true });
      const proof = await createDPoPProof(keyPair, { htm: 'GET', htu: `${URL_}?q=1#f`, accessToken: TOKEN, nonce: 'n-1' });
      const [header, payload] = proof
        .split('.')
        .slice(0, 2)
        .map((s) =>
          JSON.parse(
            new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
          ),
        );
      assert.equal(header.typ, 'dpop+jwt');
      assert.equal(header.alg, alg);
      for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'priv']) assert.ok(!(name in header.jwk), name);
      assert.equal(payload.htu, URL_);
      assert.equal(payload.ath, ath);
      assert.equal(payload.nonce, 'n-1');
      assert.ok(typeof payload.jti === 'string' && payload.jti.length >= 16);
      const result = await verifyDPoPProof(proof, {
        htm: 'GET',
        htu: URL_,
        accessToken: TOKEN,
        jkt: await jwkThumbprint(keyPair.publicKey),
        replay: createMemoryStore(),
      });
      assert.equal(result.jkt, await jwkThumbprint(keyPair.publicKey));
    });
  }

  test('takes a WebCrypto CryptoKeyPair as it is (the npm dpop package and crypto.subtle make them), extractable or not', async () => {
    for (const extractable of [true, false]) {
      const pair = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, extractable, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const proof = await createDPoPProof(pair, { htm: 'POST', htu: URL_ });
      const jkt = await jwkThumbprint((await globalThis.crypto.subtle.exportKey('jwk', pair.publicKey)) as never);
      const result = await verifyDPoPProof(proof, { htm: 'POST', htu: URL_, jkt, replay: createMemoryStore() });
      assert.equal(result.jkt, jkt);
    }
    // Half a pair, or a public key where the private one belongs, is still refused.
    const pair = (await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    await rejectsWith(
      createDPoPProof({ privateKey: pair.publicKey, publicKey: pair.publicKey } as never, { htm: 'GET', htu: URL_ }),
      'ERR_INVALID_OPTION',
    );
  });

  test('makes a new jti for every proof', async () => {
    const keyPair = await generateKeyPair('ES256');
    const jtis = new Set<unknown>();
    for (let i = 0; i < 20; i++) {
      const proof = await createDPoPProof(keyPair, { htm: 'GET', htu: URL_ });
      jtis.add(JSON.parse(atob((proof.split('.')[1] as string).replace(/-/g, '+').replace(/_/g, '/'))).jti);
    }
    assert.equal(jtis.size, 20);
  });

  test('refuses bad options with ERR_INVALID_OPTION', async () => {
    const keyPair = await generateKeyPair('ES256');
    await rejectsWith(createDPoPProof(keyPair, { htm: 'GET', htu: '/relative' }), 'ERR_INVALID_OPTION');
    await rejectsWith(createDPoPProof(keyPair, { htm: 'GET', htu: 'ftp://x/' }), 'ERR_INVALID_OPTION');
    await rejectsWith(createDPoPProof(keyPair, { htm: 'G ET', htu: URL_ }), 'ERR_INVALID_OPTION');
    await rejectsWith(createDPoPProof(keyPair, { htm: 'GET', htu: URL_, nonce: 'a"b' }), 'ERR_INVALID_OPTION');
    await rejectsWith(
      createDPoPProof({ privateKey: keyPair.privateKey } as never, { htm: 'GET', htu: URL_ }),
      'ERR_INVALID_OPTION',
    );
    await rejectsWith(createDPoPProof(keyPair, { htm: 'GET', htu: URL_, htmx: 1 } as never), 'ERR_INVALID_OPTION');
  });
});

describe('verifyDPoPProof options', () => {
  test('refuses HS*, none and unknown algorithms, and unusable windows, when called', async () => {
    const proof = await sign(genuine('opts'));
    for (const algorithms of [['HS256'], ['none'], [], ['XS256']]) {
      await rejectsWith(verifyDPoPProof(proof, options({ algorithms })), 'ERR_INVALID_OPTION');
    }
    for (const bad of [
      { maxAge: Number.NaN },
      { maxAge: 0 },
      { clockTolerance: Number.POSITIVE_INFINITY },
      { htu: 'api/x' },
      { htm: '' },
    ]) {
      await rejectsWith(verifyDPoPProof(proof, options(bad)), 'ERR_INVALID_OPTION');
    }
  });

  test('requires jkt with accessToken: a token check without the key binding is refused when called', async () => {
    const proof = await sign(genuine('nojkt'));
    const error = await rejectsWith(verifyDPoPProof(proof, options({ jkt: undefined })), 'ERR_INVALID_OPTION');
    assert.match(error.message, /jkt/);
    // Without an access token (a token endpoint) any key may prove: the result's jkt is what to bind.
    const result = await verifyDPoPProof(proof, options({ jkt: undefined, accessToken: undefined }));
    assert.equal(result.jkt, clientJkt);
  });

  test('refuses an alg outside a given allowlist', async () => {
    await expectReason(verifyDPoPProof(await sign(genuine('al')), options({ algorithms: ['EdDSA'] })), 'alg');
  });
});
