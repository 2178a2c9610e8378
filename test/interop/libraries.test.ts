// Interop both ways with jose, jsonwebtoken and fast-jwt, for every algorithm each supports, with
// keys in every format. Node only: these libraries are Node packages (jose also runs elsewhere, but
// one runtime proves the wire format).
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSigner as fastSigner, createVerifier as fastVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { importKey, JWS_ALGORITHMS, type JWSAlgorithm, signJWT, verifyJWT } from 'jwtkit';
import { SECRET } from '../support/craft.js';
import { KEYS } from '../support/key-fixtures.js';
import { mustSupport } from '../support/runtime.js';

type Fixture = (typeof KEYS)[keyof typeof KEYS];
const SECRETS: Record<string, string> = { HS256: SECRET, HS384: SECRET.repeat(2), HS512: SECRET.repeat(2) };
const FIXTURE: Partial<Record<JWSAlgorithm, Fixture>> = {
  RS256: KEYS.rsa,
  RS384: KEYS.rsa,
  RS512: KEYS.rsa,
  PS256: KEYS.rsa,
  PS384: KEYS.rsa,
  PS512: KEYS.rsa,
  ES256: KEYS.p256,
  ES384: KEYS.p384,
  ES512: KEYS.p521,
  ES256K: KEYS.secp256k1,
  EdDSA: KEYS.ed25519,
  Ed25519: KEYS.ed25519,
};

const ML_DSA: JWSAlgorithm[] = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'];
/** Raw forms beside the containers: an ML-DSA seed and public key (RFC 9964 `priv`, `pub`). */
const RAW: Partial<Record<JWSAlgorithm, { private: Uint8Array; public: Uint8Array }>> = {};

const pubOf = (fixture: Fixture): string => (fixture.publicJwk as Record<string, string>).pub ?? '';
const rawOf = (fixture: Fixture) =>
  Object.values(RAW).find((pair) => pubOf(fixture) === Buffer.from(pair.public).toString('base64url'));

function fixtureOf(privateKey: KeyObject): Fixture {
  const publicKey = createPublicKey(privateKey);
  return {
    spki: publicKey.export({ format: 'pem', type: 'spki' }) as string,
    pkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, string>,
    privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, string>,
  } as Fixture;
}

// Keys for the algorithms that not every Node line has, made here where the line has them: an
// ML-DSA key from a fixed seed (Node 24.7+), and an Ed448 key.
for (const alg of ML_DSA.filter(mustSupport)) {
  const seed = new Uint8Array(32).fill(Number(alg.slice(-2)));
  const privateKey = createPrivateKey({
    key: Buffer.from(seed),
    format: 'raw-seed',
    asymmetricKeyType: alg.toLowerCase(),
  } as unknown as Parameters<typeof createPrivateKey>[0]);
  FIXTURE[alg] = fixtureOf(privateKey);
  RAW[alg] = { private: seed, public: Buffer.from(pubOf(FIXTURE[alg] as Fixture), 'base64url') };
}
if (mustSupport('Ed448')) FIXTURE.Ed448 = fixtureOf(generateKeyPairSync('ed448').privateKey);

const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** Every public form jwtkit accepts for this fixture. */
function publicForms(fixture: Fixture): unknown[] {
  const forms: unknown[] = [fixture.spki, der(fixture.spki), fixture.publicJwk, createPublicKey(fixture.spki)];
  const raw = rawOf(fixture);
  if (raw) forms.push(raw.public);
  if ('pkcs1Public' in fixture) forms.push(fixture.pkcs1Public);
  if ('certificate' in fixture) forms.push(fixture.certificate);
  return forms;
}

/** Every private form jwtkit accepts for this fixture. */
function privateForms(fixture: Fixture): unknown[] {
  const forms: unknown[] = [fixture.pkcs8, der(fixture.pkcs8), fixture.privateJwk, createPrivateKey(fixture.pkcs8)];
  const raw = rawOf(fixture);
  if (raw) forms.push(raw.private);
  if ('pkcs1Private' in fixture) forms.push(fixture.pkcs1Private);
  if ('sec1' in fixture) forms.push(fixture.sec1);
  return forms;
}

interface Library {
  name: string;
  algorithms: JWSAlgorithm[];
  sign(alg: JWSAlgorithm, claims: Record<string, unknown>): Promise<string>;
  verify(alg: JWSAlgorithm, token: string): Promise<Record<string, unknown>>;
}

/** Every algorithm jwtkit has and this Node line serves, but the ones a library lacks. */
const allBut = (...missing: JWSAlgorithm[]) => JWS_ALGORITHMS.filter((alg) => !missing.includes(alg) && mustSupport(alg));

const signingKey = (alg: JWSAlgorithm) => SECRETS[alg] ?? (FIXTURE[alg] as Fixture).pkcs8;
const verifyingKey = (alg: JWSAlgorithm) => SECRETS[alg] ?? (FIXTURE[alg] as Fixture).spki;

const LIBRARIES: Library[] = [
  {
    name: 'jose',
    // jose 6 dropped Ed448; it has ML-DSA where the runtime's WebCrypto has it (Node 24.7+).
    algorithms: allBut('ES256K', 'Ed448'),
    async sign(alg, claims) {
      const key = SECRETS[alg] ? new TextEncoder().encode(SECRETS[alg]) : await jose.importPKCS8(signingKey(alg), alg);
      return new jose.SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime('5m').sign(key);
    },
    async verify(alg, token) {
      const key = SECRETS[alg] ? new TextEncoder().encode(SECRETS[alg]) : await jose.importSPKI(verifyingKey(alg), alg);
      return (await jose.jwtVerify(token, key, { algorithms: [alg] })).payload;
    },
  },
  {
    name: 'jsonwebtoken',
    algorithms: allBut('ES256K', 'EdDSA', 'Ed25519', 'Ed448', ...ML_DSA),
    async sign(alg, claims) {
      return jsonwebtoken.sign(claims, signingKey(alg), { algorithm: alg as jsonwebtoken.Algorithm, expiresIn: '5m' });
    },
    async verify(alg, token) {
      return jsonwebtoken.verify(token, verifyingKey(alg), { algorithms: [alg as jsonwebtoken.Algorithm] }) as Record<
        string,
        unknown
      >;
    },
  },
  {
    name: 'fast-jwt',
    algorithms: allBut('ES256K', 'Ed25519', 'Ed448', ...ML_DSA),
    async sign(alg, claims) {
      return fastSigner({ key: signingKey(alg), algorithm: alg as 'HS256', expiresIn: 300_000 })(claims);
    },
    async verify(alg, token) {
      return fastVerifier({ key: verifyingKey(alg), algorithms: [alg as 'HS256'] })(token);
    },
  },
];

for (const library of LIBRARIES) {
  describe(`interop with ${library.name}`, () => {
    for (const alg of library.algorithms) {
      it(`${alg}: jwtkit tokens verify with ${library.name}, from every private key form`, async () => {
        const forms = SECRETS[alg] ? [SECRETS[alg]] : privateForms(FIXTURE[alg] as Fixture);
        for (const form of forms) {
          const token = await signJWT({ sub: 'from-jwtkit', n: 1 }, form as string, { alg, expiresIn: '5m', issuer: 'jwtkit' });
          const payload = await library.verify(alg, token);
          assert.equal(payload.sub, 'from-jwtkit');
          assert.equal(payload.iss, 'jwtkit');
        }
      });

      it(`${alg}: ${library.name} tokens verify with jwtkit, through every public key form`, async () => {
        const token = await library.sign(alg, { sub: `from-${library.name}` });
        const forms = SECRETS[alg] ? [SECRETS[alg]] : publicForms(FIXTURE[alg] as Fixture);
        for (const form of forms) {
          const { payload } = await verifyJWT(token, form as string, { algorithms: [alg] });
          assert.equal(payload.sub, `from-${library.name}`);
          const key = await importKey(form as string, { alg });
          assert.equal((await verifyJWT(token, key)).payload.sub, `from-${library.name}`);
        }
      });
    }
  });
}

describe('interop with raw node:crypto', () => {
  it('ES256K tokens verify both ways with node:crypto directly', async () => {
    if (!mustSupport('ES256K')) return;
    const { sign, verify } = await import('node:crypto');
    const token = await signJWT({ sub: 'k1' }, KEYS.secp256k1.pkcs8, { alg: 'ES256K' });
    const [h, p, s] = token.split('.') as [string, string, string];
    assert.ok(
      verify(
        'sha256',
        Buffer.from(`${h}.${p}`),
        { key: KEYS.secp256k1.spki, dsaEncoding: 'ieee-p1363' },
        Buffer.from(s, 'base64url'),
      ),
    );
    const header = Buffer.from(JSON.stringify({ alg: 'ES256K' })).toString('base64url');
    const input = `${header}.${p}`;
    const signature = sign('sha256', Buffer.from(input), { key: KEYS.secp256k1.pkcs8, dsaEncoding: 'ieee-p1363' }).toString(
      'base64url',
    );
    assert.equal((await verifyJWT(`${input}.${signature}`, KEYS.secp256k1.spki)).payload.sub, 'k1');
  });
});

describe('RFC 7638 thumbprints agree with jose', () => {
  it('for AKP (ML-DSA) and Ed448 keys, private halves included, on every line', async () => {
    const { jwkThumbprint } = await import('jwtkit');
    const { PQ_KEYS } = await import('../support/pq-key-fixtures.js');
    for (const fixture of [PQ_KEYS.mldsa44, PQ_KEYS.ed448]) {
      const expected = await jose.calculateJwkThumbprint(fixture.publicJwk as jose.JWK);
      assert.equal(await jwkThumbprint(fixture.publicJwk), expected);
      assert.equal(await jwkThumbprint(fixture.privateJwk), expected);
    }
    // An AKP thumbprint covers the parameter set: the same pub under another alg is another key.
    const other = { ...PQ_KEYS.mldsa44.publicJwk, alg: 'ML-DSA-65' };
    assert.equal(await jwkThumbprint(other), await jose.calculateJwkThumbprint(other as jose.JWK));
    assert.notEqual(await jwkThumbprint(other), await jwkThumbprint(PQ_KEYS.mldsa44.publicJwk));
  });
});
