// Catalogue entry 36: symmetric keys in key sets (Wycheproof jws_mixedSymmetryKeyset). What must
// never happen:
// - a remote JWKS yields a symmetric key: a set with any member that would import as a secret fails
//   the fetch with a typed error, whatever its kid, alg, position and the other members, and none of
//   its keys is kept;
// - createLocalJWKS makes a set that holds a secret (mixed with public keys or not);
// - createSecretJWKS makes a set that holds anything but secrets.
// Sets are generated; each case also runs its positive control, the same set without the offending
// members, which must verify the genuine token. The remote set is served by a fetch of the test's
// own (web APIs only: this suite runs on every runtime).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createLocalJWKS,
  createRemoteJWKS,
  createSecretJWKS,
  importKey,
  type JWK,
  type JWSAlgorithm,
  type JWTKitError,
  signJWT,
  verifyJWT,
} from 'jwtkit';
import { b64u, hs256Token, SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';

const RUNS = 40;
const claims = { sub: 'ada' };

/** Public keys a provider may publish, with the private key and algorithm of the genuine signer. */
const PUBLIC = {
  rsa: { jwk: KEYS.rsa.publicJwk, pkcs8: KEYS.rsa.pkcs8, alg: 'RS256' },
  p256: { jwk: KEYS.p256.publicJwk, pkcs8: KEYS.p256.pkcs8, alg: 'ES256' },
  p256Other: { jwk: KEYS.p256Other.publicJwk, pkcs8: KEYS.p256Other.pkcs8, alg: 'ES256' },
  ed25519: { jwk: KEYS.ed25519.publicJwk, pkcs8: KEYS.ed25519.pkcs8, alg: 'EdDSA' },
} as const;
/** By name, so that a counterexample stays readable. */
const publicName = fc.constantFrom(...(Object.keys(PUBLIC) as (keyof typeof PUBLIC)[]));

/** What may look like a secret in a set: kty "oct" in any case, or a `k` beside a public key. */
const symmetricShape = fc.constantFrom('oct', 'OCT', 'Oct', 'k-on-EC', 'k-on-RSA');

const symmetricMember = fc.record({
  shape: symmetricShape,
  secret: fc.uint8Array({ minLength: 32, maxLength: 64 }),
  alg: fc.constantFrom<string | undefined>('HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'EdDSA', undefined),
  use: fc.constantFrom<string | undefined>('sig', undefined),
  /** Whether it takes the genuine key's kid: the collision an attacker hopes for. */
  stealsKid: fc.boolean(),
});
type Symmetric = typeof symmetricMember extends fc.Arbitrary<infer T> ? T : never;

function symmetricJWK(member: Symmetric, kid: string): JWK {
  const k = b64u(member.secret);
  const base: JWK =
    member.shape === 'k-on-EC'
      ? { ...KEYS.p256.publicJwk, k }
      : member.shape === 'k-on-RSA'
        ? { ...KEYS.rsa.publicJwk, k }
        : { kty: member.shape, k };
  return { ...base, kid, ...(member.alg ? { alg: member.alg } : {}), ...(member.use ? { use: member.use } : {}) };
}

/** A public set around one genuine signer, and symmetric members spliced in at generated places. */
const poisonedSet = fc.record({
  signer: publicName,
  others: fc.array(publicName, { maxLength: 3 }),
  kids: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 8, maxLength: 8 }),
  symmetric: fc.array(fc.tuple(symmetricMember, fc.nat()), { minLength: 1, maxLength: 3 }),
  withAlgorithms: fc.boolean(),
});

/** The sets a generated case stands for (built here, so that a counterexample prints only the choices). */
function build({
  signer,
  others,
  kids,
  symmetric,
  withAlgorithms,
}: typeof poisonedSet extends fc.Arbitrary<infer T> ? T : never) {
  const genuineKid = kids[0] as string;
  const clean: JWK[] = [
    { ...PUBLIC[signer].jwk, kid: genuineKid },
    ...others.map((other, i) => ({ ...PUBLIC[other].jwk, kid: kids[i + 1] as string })),
  ];
  const poisoned = [...clean];
  const forgeries: { kid: string; secret: Uint8Array }[] = [];
  symmetric.forEach(([member, at], i) => {
    const kid = member.stealsKid ? genuineKid : (kids[i + 5] as string);
    poisoned.splice(at % (poisoned.length + 1), 0, symmetricJWK(member, kid));
    forgeries.push({ kid, secret: member.secret });
  });
  return { signer: PUBLIC[signer], genuineKid, clean, poisoned, forgeries, withAlgorithms };
}

/** A provider serving `jwks`, counting requests. */
function provider(jwks: unknown) {
  let requests = 0;
  const fetch = (async () => {
    requests++;
    return new Response(JSON.stringify(jwks), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, requests: () => requests };
}

describe('36. symmetric keys in key sets', () => {
  it('a remote JWKS never yields a symmetric key: the fetch fails, typed, and nothing is kept', async () => {
    await fc.assert(
      fc.asyncProperty(poisonedSet, async (choices) => {
        const { signer, genuineKid, clean, poisoned, forgeries, withAlgorithms } = build(choices);
        const algorithms = withAlgorithms ? (['HS256', 'HS384', 'HS512', signer.alg] as JWSAlgorithm[]) : undefined;
        const genuine = await signJWT(claims, await importKey(signer.pkcs8, { alg: signer.alg, kid: genuineKid }));

        const idp = provider({ keys: poisoned });
        const jwks = createRemoteJWKS('https://idp.example/jwks.json', { fetch: idp.fetch });
        for (const { kid, secret } of forgeries) {
          const forged = await hs256Token({ alg: 'HS256', kid }, claims, secret);
          const error = await rejectsWith(verifyJWT(forged, jwks, { algorithms }), 'ERR_JWKS_FETCH_FAILED');
          assert.equal((error.cause as JWTKitError).code, 'ERR_JWKS_INVALID');
          assert.match(error.message, /symmetric/);
        }
        await rejectsWith(verifyJWT(genuine, jwks, { algorithms }), 'ERR_JWKS_FETCH_FAILED');
        assert.deepEqual(jwks.keys, []);
        assert.equal(idp.requests(), 1, 'the refusal is remembered for the cooldown');

        // Positive control: the provider's set without the symmetric members.
        const honest = createRemoteJWKS('https://idp.example/jwks.json', { fetch: provider({ keys: clean }).fetch });
        assert.equal((await verifyJWT(genuine, honest, { algorithms })).payload.sub, 'ada');
        for (const { kid, secret } of forgeries) {
          const forged = await hs256Token({ alg: 'HS256', kid }, claims, secret);
          await rejectsWith(verifyJWT(forged, honest, { algorithms }), ['ERR_JWKS_NO_MATCHING_KEY', 'ERR_ALG_NOT_ALLOWED']);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('createLocalJWKS refuses a set holding a secret, mixed with public keys or not', async () => {
    await fc.assert(
      fc.asyncProperty(poisonedSet, async (choices) => {
        const { signer, genuineKid, clean, poisoned } = build(choices);
        assert.throws(() => createLocalJWKS({ keys: poisoned }), { code: 'ERR_JWKS_INVALID' });
        assert.throws(() => createLocalJWKS(JSON.stringify({ keys: poisoned })), { code: 'ERR_JWKS_INVALID' });
        const secretsOnly = poisoned.filter((jwk) => !clean.includes(jwk));
        assert.throws(() => createLocalJWKS({ keys: secretsOnly }), { code: 'ERR_JWKS_INVALID' });
        // Positive control.
        const genuine = await signJWT(claims, await importKey(signer.pkcs8, { alg: signer.alg, kid: genuineKid }));
        assert.equal((await verifyJWT(genuine, createLocalJWKS({ keys: clean }))).payload.sub, 'ada');
      }),
      { numRuns: RUNS },
    );
  });

  it('a set of secrets is made only by createSecretJWKS, and holds nothing else', async () => {
    const secretSet = fc.record({
      secrets: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
      intruders: fc.array(fc.tuple(publicName, fc.nat()), { minLength: 1, maxLength: 2 }),
      pick: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(secretSet, async ({ secrets, intruders, pick }) => {
        const keys: JWK[] = secrets.map((kid, i) => ({ kty: 'oct', kid, alg: 'HS256', k: b64u(`${SECRET}-${i}`) }));
        assert.throws(() => createLocalJWKS({ keys }), { code: 'ERR_JWKS_INVALID', message: /createSecretJWKS/ });
        const mixed = [...keys];
        for (const [intruder, at] of intruders) mixed.splice(at % (mixed.length + 1), 0, { ...PUBLIC[intruder].jwk, kid: 'pub' });
        assert.throws(() => createSecretJWKS({ keys: mixed }), { code: 'ERR_JWKS_INVALID' });
        assert.throws(() => createLocalJWKS({ keys: mixed }), { code: 'ERR_JWKS_INVALID' });
        // Positive control: the secrets alone, through the API that says so.
        const index = pick % keys.length;
        const token = await hs256Token({ alg: 'HS256', kid: secrets[index] }, claims, `${SECRET}-${index}`);
        assert.equal((await verifyJWT(token, createSecretJWKS({ keys }), { algorithms: ['HS256'] })).payload.sub, 'ada');
      }),
      { numRuns: RUNS },
    );
  });
});
