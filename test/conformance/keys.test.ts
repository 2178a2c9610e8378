import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createLocalJWKS,
  createSecretJWKS,
  exportKey,
  generateKeyPair,
  generateSecret,
  importKey,
  type JWK,
  type JWSAlgorithm,
  jwkThumbprint,
  jwkThumbprintURI,
  signJWT,
  verifyJWT,
} from 'jwtkit';
import { fromB64u, SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import { KEYS } from '../support/key-fixtures.js';
import { backend, mustSupport } from '../support/runtime.js';

const der = (pem: string): Uint8Array =>
  Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));

type Fixture = (typeof KEYS)[keyof typeof KEYS];
interface Family {
  name: string;
  fixture: Fixture;
  alg: JWSAlgorithm;
  /** The algorithm the key binds to when none is named. */
  defaultAlg: JWSAlgorithm;
}
const FAMILIES: Family[] = [
  { name: 'RSA', fixture: KEYS.rsa, alg: 'PS256', defaultAlg: 'RS256' },
  { name: 'P-256', fixture: KEYS.p256, alg: 'ES256', defaultAlg: 'ES256' },
  { name: 'P-384', fixture: KEYS.p384, alg: 'ES384', defaultAlg: 'ES384' },
  { name: 'P-521', fixture: KEYS.p521, alg: 'ES512', defaultAlg: 'ES512' },
  { name: 'secp256k1', fixture: KEYS.secp256k1, alg: 'ES256K', defaultAlg: 'ES256K' },
  { name: 'Ed25519', fixture: KEYS.ed25519, alg: 'EdDSA', defaultAlg: 'EdDSA' },
];

function privateForms(fixture: Fixture): Array<[string, unknown]> {
  const forms: Array<[string, unknown]> = [
    ['PKCS#8 PEM', fixture.pkcs8],
    ['PKCS#8 DER', der(fixture.pkcs8)],
    ['private JWK', fixture.privateJwk],
    ['private JWK text', JSON.stringify(fixture.privateJwk)],
  ];
  if ('pkcs1Private' in fixture) forms.push(['PKCS#1 PEM', fixture.pkcs1Private], ['PKCS#1 DER', der(fixture.pkcs1Private)]);
  if ('sec1' in fixture) forms.push(['SEC1 PEM', fixture.sec1], ['SEC1 DER', der(fixture.sec1)]);
  return forms;
}

function publicForms(fixture: Fixture): Array<[string, unknown]> {
  const forms: Array<[string, unknown]> = [
    ['SPKI PEM', fixture.spki],
    ['SPKI DER', der(fixture.spki)],
    ['public JWK', fixture.publicJwk],
  ];
  if ('pkcs1Public' in fixture) forms.push(['PKCS#1 public PEM', fixture.pkcs1Public]);
  if ('certificate' in fixture) forms.push(['X.509 certificate', fixture.certificate], ['X.509 DER', der(fixture.certificate)]);
  return forms;
}

describe('importKey: every key format', () => {
  for (const family of FAMILIES) {
    it(`${family.name}: each private form signs and each public form verifies (${family.alg})`, async () => {
      if (!mustSupport(family.alg)) {
        await rejectsWith(importKey(family.fixture.spki, { alg: family.alg }), 'ERR_NOT_SUPPORTED');
        return;
      }
      const verifiers = await Promise.all(
        publicForms(family.fixture).map(([, form]) => importKey(form as string, { alg: family.alg })),
      );
      for (const [name, form] of privateForms(family.fixture)) {
        const key = await importKey(form as string, { alg: family.alg });
        assert.equal(key.type, 'private', name);
        const token = await signJWT({ form: name }, key);
        for (const [index, verifier] of verifiers.entries()) {
          const { payload } = await verifyJWT(token, verifier);
          assert.equal(payload.form, name, `${name} -> ${publicForms(family.fixture)[index]?.[0]}`);
        }
      }
    });

    it(`${family.name}: binds to ${family.defaultAlg} when no algorithm is named`, async () => {
      if (!mustSupport(family.defaultAlg)) return assert.ok(true);
      const key = await importKey(family.fixture.spki);
      assert.equal(key.alg, family.defaultAlg);
      assert.equal(key.type, 'public');
      assert.equal(key.kty, family.fixture.publicJwk.kty);
      assert.equal(key.backend === 'node' || key.backend === 'web', true);
    });
  }

  it('imports a secret from a string, bytes and an oct JWK to the same key', async () => {
    const bytes = new TextEncoder().encode(SECRET);
    const jwk = { kty: 'oct', k: btoa(SECRET).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') };
    const token = await signJWT({ n: 1 }, await importKey(SECRET, { alg: 'HS256' }));
    for (const form of [bytes, bytes.buffer, jwk]) {
      const key = await importKey(form as Uint8Array, { alg: 'HS256' });
      assert.equal(key.type, 'secret');
      assert.equal((await verifyJWT(token, key)).payload.n, 1);
    }
  });

  it('imports a WebCrypto CryptoKey and binds it to its hash', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const privateKey = await importKey(pair.privateKey);
    assert.equal(privateKey.alg, 'ES384');
    assert.equal(privateKey.backend, 'web');
    const token = await signJWT({}, privateKey);
    await verifyJWT(token, await importKey(pair.publicKey));
    const hmac = await crypto.subtle.importKey('raw', new Uint8Array(48), { name: 'HMAC', hash: 'SHA-384' }, false, [
      'sign',
      'verify',
    ]);
    assert.equal((await importKey(hmac)).alg, 'HS384');
    await rejectsWith(importKey(hmac, { alg: 'HS256' }), 'ERR_KEY_MISMATCH');
  });

  it('carries kid from the JWK or the options, and honours use, key_ops and alg', async () => {
    const jwk = { ...KEYS.p256.publicJwk, kid: 'from-jwk' };
    assert.equal((await importKey(jwk)).kid, 'from-jwk');
    assert.equal((await importKey(jwk, { kid: 'override' })).kid, 'override');
    await rejectsWith(importKey({ ...jwk, use: 'enc' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey({ ...jwk, alg: 'ES384' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey({ ...jwk, alg: 'ES256' }, { alg: 'ES384' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey({ ...KEYS.rsa.publicJwk, alg: 'RS384' }, { alg: 'RS256' }), 'ERR_KEY_MISMATCH');
    assert.equal((await importKey({ ...KEYS.rsa.publicJwk, alg: 'PS512' })).alg, 'PS512');
    const verifyOnly = await importKey({ kty: 'oct', k: 'A'.repeat(43), key_ops: ['verify'] }, { alg: 'HS256' });
    await rejectsWith(signJWT({}, verifyOnly), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey({ kty: 'EC', crv: 'P-256', x: 'a+b', y: 'c' }), 'ERR_KEY_INVALID');
  });

  it('refuses keys used for the wrong operation or algorithm', async () => {
    const privateKey = await importKey(KEYS.p256.pkcs8);
    const publicKey = await importKey(KEYS.p256.spki);
    const token = await signJWT({}, privateKey);
    await rejectsWith(verifyJWT(token, privateKey), 'ERR_KEY_MISMATCH');
    await rejectsWith(signJWT({}, publicKey), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey(KEYS.p256.spki, { alg: 'ES384' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey(KEYS.p256.spki, { alg: 'RS256' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey(KEYS.ed25519.spki, { alg: 'ES256' }), 'ERR_KEY_MISMATCH');
    await rejectsWith(importKey(KEYS.rsa.spki, { alg: 'none' }), 'ERR_ALG_NOT_ALLOWED');
    await rejectsWith(importKey(KEYS.rsa.spki, { alg: 'RS1' }), 'ERR_NOT_SUPPORTED');
  });

  it('refuses encrypted PEM, unknown PEM and garbage', async () => {
    await rejectsWith(
      importKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----'),
      'ERR_KEY_INVALID',
    );
    await rejectsWith(importKey('-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----'), 'ERR_KEY_INVALID');
    await rejectsWith(importKey('-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----'), 'ERR_KEY_INVALID');
    await rejectsWith(importKey(42 as unknown as string), 'ERR_KEY_INVALID');
    await rejectsWith(importKey({ keys: [] } as unknown as JWK), 'ERR_KEY_INVALID');
  });

  it('says why a raw secret cannot serve an asymmetric algorithm, as bytes or as text', async () => {
    const bytes = await rejectsWith(importKey(new TextEncoder().encode(SECRET), { alg: 'RSA-OAEP' }), 'ERR_KEY_INVALID');
    assert.match(bytes.message, /not a DER key .*a raw secret cannot serve an asymmetric algorithm/);
    const text = await rejectsWith(importKey(SECRET, { alg: 'ES256' }), 'ERR_KEY_MISMATCH');
    assert.match(text.message, /a secret cannot serve ES256/);
  });
});

describe('exportKey', () => {
  it('round-trips public keys through JWK, SPKI and raw', async () => {
    for (const family of FAMILIES.filter((f) => mustSupport(f.alg))) {
      const key = await importKey(family.fixture.spki, { alg: family.alg });
      const jwk = await exportKey(key, 'jwk');
      for (const [name, value] of Object.entries(family.fixture.publicJwk))
        assert.equal(jwk[name], value, `${family.name} ${name}`);
      assert.equal(jwk.alg, family.alg);
      const pem = await exportKey(key, 'spki');
      assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n/);
      assert.equal((await exportKey(await importKey(pem, { alg: family.alg }), 'jwk')).x ?? jwk.n, jwk.x ?? jwk.n);
      if (family.fixture.publicJwk.kty === 'EC') assert.equal((await exportKey(key, 'raw'))[0], 4);
      if (family.fixture.publicJwk.kty === 'OKP') assert.equal((await exportKey(key, 'raw')).length, 32);
    }
  });

  it('exports private keys as PKCS#8 and JWK, and secrets as raw bytes', async () => {
    const key = await importKey(KEYS.p256.sec1);
    const pem = await exportKey(key, 'pkcs8');
    const again = await importKey(pem);
    const token = await signJWT({}, again);
    await verifyJWT(token, await importKey(KEYS.p256.spki));
    assert.equal((await exportKey(key, 'jwk')).d, KEYS.p256.privateJwk.d);
    const secret = await importKey(SECRET, { alg: 'HS256' });
    assert.equal(new TextDecoder().decode(await exportKey(secret, 'raw')), SECRET);
    await rejectsWith(exportKey(key, 'spki'), 'ERR_KEY_MISMATCH');
    await rejectsWith(exportKey(await importKey(KEYS.rsa.spki), 'raw'), 'ERR_KEY_MISMATCH');
  });

  it('refuses to export a key generated non-extractable', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    await rejectsWith(exportKey(privateKey, 'jwk'), 'ERR_KEY_NOT_EXTRACTABLE');
    assert.equal((await exportKey(publicKey, 'jwk')).crv, 'P-256');
    await rejectsWith(exportKey(await generateSecret('HS256'), 'raw'), 'ERR_KEY_NOT_EXTRACTABLE');
    assert.equal((await exportKey(await generateSecret('HS384', { extractable: true }), 'raw')).length, 48);
  });
});

describe('generateKeyPair and generateSecret', () => {
  it('honours modulusLength, extractable and kid', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS384', { modulusLength: 3072, extractable: true, kid: 'r1' });
    assert.equal(publicKey.kid, 'r1');
    assert.equal(fromB64u((await exportKey(privateKey, 'jwk')).n as string).length, 384);
  });

  it('refuses weak or mismatched parameters', async () => {
    await rejectsWith(generateKeyPair('RS256', { modulusLength: 1024 }), 'ERR_INVALID_OPTION');
    await rejectsWith(generateKeyPair('ES256', { crv: 'P-384' }), 'ERR_INVALID_OPTION');
    await rejectsWith(generateKeyPair('HS256'), 'ERR_INVALID_OPTION');
    await rejectsWith(generateSecret('ES256'), 'ERR_INVALID_OPTION');
    await rejectsWith(generateKeyPair('none'), 'ERR_NOT_SUPPORTED');
  });

  it(`uses the ${backend} backend when it is forced`, async () => {
    const { privateKey } = await generateKeyPair('ES256');
    assert.equal(privateKey.backend, backend === 'web' ? 'web' : privateKey.backend);
    const secret = await generateSecret('HS256');
    assert.equal(secret.backend, backend);
  });
});

describe('JWK thumbprints', () => {
  // RFC 7638 §3.1
  const rfc7638: JWK = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };

  it('matches the RFC 7638 example and the RFC 9278 URI', async () => {
    assert.equal(await jwkThumbprint(rfc7638), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    assert.equal(
      await jwkThumbprintURI(rfc7638),
      'urn:ietf:params:oauth:jwk-thumbprint:sha-256:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
    assert.equal((await jwkThumbprint(rfc7638, 'sha384')).length, 64);
    assert.equal((await jwkThumbprint(rfc7638, 'sha512')).length, 86);
  });

  it('gives a private key and its public key the same thumbprint', async () => {
    assert.equal(await jwkThumbprint(KEYS.p256.privateJwk), await jwkThumbprint(KEYS.p256.publicJwk));
    assert.equal(await jwkThumbprint(await importKey(KEYS.ed25519.spki)), await jwkThumbprint(KEYS.ed25519.publicJwk));
    await rejectsWith(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'a' }), 'ERR_KEY_INVALID');
  });
});

describe('createLocalJWKS', () => {
  const rsa = { ...KEYS.rsa.publicJwk, kid: 'rsa-1' };
  const ec = { ...KEYS.p256.publicJwk, kid: 'ec-1' };
  const ec2 = { ...KEYS.p256Other.publicJwk, kid: 'ec-2', use: 'sig' };

  it('selects the key by kid and verifies', async () => {
    const jwks = createLocalJWKS({ keys: [rsa, ec, ec2] });
    const token = await signJWT({ who: 'ec2' }, await importKey(KEYS.p256Other.pkcs8, { kid: 'ec-2' }));
    assert.equal((await verifyJWT(token, jwks)).payload.who, 'ec2');
    const rsaToken = await signJWT({}, await importKey(KEYS.rsa.pkcs8, { kid: 'rsa-1' }));
    await verifyJWT(rsaToken, jwks);
    assert.equal(jwks.keys.length, 3);
  });

  it('selects by key type when the token has no kid, and refuses ambiguity', async () => {
    const token = await signJWT({}, await importKey(KEYS.p256.pkcs8));
    await verifyJWT(token, createLocalJWKS({ keys: [rsa, ec] }));
    await rejectsWith(verifyJWT(token, createLocalJWKS({ keys: [rsa, ec, ec2] })), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS');
    await rejectsWith(verifyJWT(token, createLocalJWKS({ keys: [rsa] })), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('skips keys whose use, key_ops or alg do not fit', async () => {
    const token = await signJWT({}, await importKey(KEYS.p256.pkcs8, { kid: 'ec-1' }));
    for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }, { alg: 'ES384' }]) {
      await rejectsWith(verifyJWT(token, createLocalJWKS({ keys: [{ ...ec, ...extra }] })), 'ERR_JWKS_NO_MATCHING_KEY');
    }
  });

  it('accepts JSON text and refuses malformed sets and private keys', async () => {
    const jwks = createLocalJWKS(JSON.stringify({ keys: [ec] }));
    await verifyJWT(await signJWT({}, await importKey(KEYS.p256.pkcs8, { kid: 'ec-1' })), jwks);
    assert.throws(() => createLocalJWKS('{'), { code: 'ERR_JWKS_INVALID' });
    assert.throws(() => createLocalJWKS({ keys: 'x' } as unknown as { keys: JWK[] }), { code: 'ERR_JWKS_INVALID' });
    assert.throws(() => createLocalJWKS({ keys: [KEYS.p256.privateJwk] }), { code: 'ERR_JWKS_INVALID' });
  });
});

describe('createSecretJWKS', () => {
  const secret = (kid: string, text: string) => ({
    kty: 'oct',
    kid,
    alg: 'HS256',
    k: btoa(text).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
  });
  const a = secret('a', SECRET);
  const b = secret('b', `${SECRET}-b`);

  it('selects the secret by kid and verifies an HS256 token', async () => {
    const secrets = createSecretJWKS({ keys: [a, b] });
    const token = await signJWT({ who: 'b' }, await importKey(b, { alg: 'HS256' }));
    assert.equal((await verifyJWT(token, secrets, { algorithms: ['HS256'] })).payload.who, 'b');
    assert.equal(createSecretJWKS(JSON.stringify({ keys: [a] })).keys.length, 1);
  });

  it('is the only way to a set of secrets: createLocalJWKS refuses one, naming createSecretJWKS', () => {
    assert.throws(() => createLocalJWKS({ keys: [a, b] }), { code: 'ERR_JWKS_INVALID', message: /createSecretJWKS/ });
  });

  it('refuses public keys, and a set that mixes them with secrets, either way', () => {
    assert.throws(() => createSecretJWKS({ keys: [KEYS.p256.publicJwk] }), {
      code: 'ERR_JWKS_INVALID',
      message: /createLocalJWKS/,
    });
    for (const keys of [
      [a, KEYS.rsa.publicJwk],
      [KEYS.rsa.publicJwk, a],
    ]) {
      assert.throws(() => createSecretJWKS({ keys }), { code: 'ERR_JWKS_INVALID', message: /mixes/ });
      assert.throws(() => createLocalJWKS({ keys }), { code: 'ERR_JWKS_INVALID', message: /mixes/ });
    }
  });
});

describe('PEM bundles: a certificate and its private key in one file', () => {
  // What `openssl pkcs12 -nodes` prints (certificate first) and what many servers keep (key first).
  const bag = (text: string) => `Bag Attributes\n    localKeyID: 01 00 00 00\n${text}`;
  const bundles: Array<[string, string]> = [
    ['certificate, then key', `${bag(KEYS.rsa.certificate as string)}${bag(KEYS.rsa.pkcs8)}`],
    ['key, then certificate', `${KEYS.rsa.pkcs8}${KEYS.rsa.certificate as string}`],
    ['P-256 key, then certificate', `${KEYS.p256.pkcs8}${KEYS.p256.certificate as string}`],
  ];
  for (const [name, text] of bundles) {
    it(`signs with the private key and verifies with the public one of a bundle (${name}), as text and as bytes`, async () => {
      for (const material of [text, new TextEncoder().encode(text)]) {
        const token = await signJWT({ sub: 'ada' }, material as string, { expiresIn: '5m' });
        const { payload, header } = await verifyJWT(token, material as string);
        assert.equal(payload.sub, 'ada');
        assert.match(String(header.alg), /^(RS256|ES256)$/);
        // Positive control for the half chosen: the bundle's own public key (certificate) verifies it too.
        const certificate =
          text.includes('EC PRIVATE') || text.includes(KEYS.p256.pkcs8) ? KEYS.p256.certificate : KEYS.rsa.certificate;
        assert.equal((await verifyJWT(token, certificate as string)).payload.sub, 'ada');
        // Never a secret, whichever half: an HMAC token keyed with the bundle's bytes is refused.
        await rejectsWith(
          verifyJWT(token.replace(/^[^.]+/, 'eyJhbGciOiJIUzI1NiJ9'), material as string, { algorithms: ['HS256'] }),
          'ERR_KEY_INVALID',
        );
      }
    });
  }
});
