// jwtkit/compat/cross-jwt, held to @cross/jwt's documented behaviour (its README, its TSDoc and
// its error classes): every function, option and error, and the deliberate differences listed in
// docs/migration/cross-jwt.md. @cross/jwt is published on JSR only, so there is no copy here to
// compare with call by call; its token format is reproduced by hand with node:crypto instead.
import assert from 'node:assert/strict';
import { constants, createHmac, createPublicKey, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  exportPEMKey,
  generateKey,
  generateKeyPair,
  importPEMKey,
  JWTAlgorithmMismatchError,
  JWTAmbiguousClaimError,
  JWTExpiredError,
  JWTFormatError,
  JWTNotYetValidError,
  JWTParseError,
  JWTRequiredClaimMissingError,
  JWTUnsupportedAlgorithmError,
  JWTValidationError,
  type SupportedKeyPairAlgorithms,
  signJWT,
  unsafeParseJOSEHeader,
  unsafeParseJWT,
  validateJWT,
} from 'jwtkit/compat/cross-jwt';

const SECRET = 'mySuperSecretAtLeast32CharsLong!';
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const segments = (token: string) => token.split('.') as [string, string, string];

describe('compat/cross-jwt: HMAC with a secret string (the README quick start)', () => {
  it('signs HS256 by default and validates, adding iat', async () => {
    const jwt = await signJWT({ hello: 'world' }, SECRET);
    assert.deepEqual({ ...unsafeParseJOSEHeader(jwt) }, { alg: 'HS256', typ: 'JWT' });
    const data = await validateJWT(jwt, SECRET);
    assert.equal(data.hello, 'world');
    assert.ok(Math.abs((data.iat as number) - now()) <= 1);
  });

  it('writes the token @cross/jwt writes: base64url JSON header and payload, HMAC over them', async () => {
    const payload = { hello: 'world', iat: 1_712_516_617 };
    const jwt = await signJWT(payload, SECRET);
    const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
    assert.equal(jwt, `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`);
  });

  it('leaves iat out with setIat: false, and never changes the payload object', async () => {
    const payload = { hello: 'world' };
    const before = now();
    const jwt = await signJWT(payload, SECRET, { setIat: false, expiresIn: '1h' });
    const after = now();
    assert.deepEqual(payload, { hello: 'world' });
    const data = await validateJWT(jwt, SECRET);
    assert.equal(data.iat, undefined);
    // The second may tick between signing and the check (it did, once, on a loaded machine).
    assert.ok((data.exp as number) >= before + 3600 && (data.exp as number) <= after + 3600, String(data.exp));
  });

  it('takes HS384 and HS512 through generateKey or the algorithm option', async () => {
    const long = 'x'.repeat(64);
    for (const algorithm of ['HS384', 'HS512'] as const) {
      const key = await generateKey(long, { algorithm });
      const jwt = await signJWT({ n: 1 }, key);
      assert.equal(unsafeParseJOSEHeader(jwt).alg, algorithm);
      assert.equal((await validateJWT(jwt, key)).n, 1);
      assert.equal((await validateJWT(await signJWT({ n: 2 }, long, { algorithm }), long, { algorithm })).n, 2);
    }
  });
});

describe('compat/cross-jwt: generateKey', () => {
  it('refuses a secret shorter than the hash with @cross/jwt message, and takes it with allowInsecureKeyLengths', async () => {
    await assert.rejects(generateKey('shortString'), {
      name: 'JWTValidationError',
      message: 'JWT Secret String for HS256 should be at least 32 bytes long',
    });
    await assert.rejects(generateKey('x'.repeat(63), 'HS512'), JWTValidationError);
    const key = await generateKey('shortString', { algorithm: 'HS512', allowInsecureKeyLengths: true });
    assert.equal(key.type, 'secret');
    assert.equal(key.extractable, false);
    const jwt = await signJWT({ ok: true }, key);
    assert.equal((await validateJWT(jwt, key)).ok, true);
  });

  it('refuses algorithms other than HS256/384/512', async () => {
    for (const algorithm of ['RS256', 'HS999', 'none']) {
      await assert.rejects(generateKey(SECRET, algorithm as 'HS256'), {
        name: 'JWTUnsupportedAlgorithmError',
        message: 'Unsupported key algorithm',
      });
    }
  });
});

describe('compat/cross-jwt: key pairs', () => {
  const ALGS: SupportedKeyPairAlgorithms[] = [
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
  ];

  it('generates, signs and validates with every key-pair algorithm (RS256 by default)', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    assert.equal(unsafeParseJOSEHeader(await signJWT({}, privateKey)).alg, 'RS256');
    assert.equal((publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength, 2048);
    for (const algorithm of ALGS) {
      const pair = await generateKeyPair({ algorithm });
      const jwt = await signJWT({ userId: 123 }, pair.privateKey);
      assert.equal(unsafeParseJOSEHeader(jwt).alg, algorithm);
      assert.equal((await validateJWT(jwt, pair.publicKey)).userId, 123, algorithm);
      await assert.rejects(validateJWT(jwt, (await generateKeyPair(algorithm)).publicKey), JWTValidationError, algorithm);
    }
  });

  it('refuses RSA moduli under 2048 bits even with allowInsecureModulusLengths, and unknown algorithms', async () => {
    await assert.rejects(generateKeyPair({ algorithm: 'RS256', modulusLength: 1024 }), JWTValidationError);
    await assert.rejects(generateKeyPair({ algorithm: 'PS256', modulusLength: 1024, allowInsecureModulusLengths: true }), {
      message: /Modulus length should be at least 2048/,
    });
    await assert.rejects(generateKeyPair('HS256' as 'RS256'), JWTUnsupportedAlgorithmError);
    await assert.rejects(generateKeyPair('none' as 'RS256'), JWTUnsupportedAlgorithmError);
  });

  it('signs RSA-PSS with the salt RFC 7518 gives (the hash length), not 32 bytes for every hash', async () => {
    for (const [algorithm, hash, salt] of [
      ['PS256', 'sha256', 32],
      ['PS384', 'sha384', 48],
      ['PS512', 'sha512', 64],
    ] as const) {
      const { privateKey, publicKey } = await generateKeyPair(algorithm);
      const jwt = await signJWT({}, privateKey);
      const [header, payload, signature] = segments(jwt);
      const spki = createPublicKey({
        key: Buffer.from(await crypto.subtle.exportKey('spki', publicKey)),
        format: 'der',
        type: 'spki',
      });
      const check = (saltLength: number) =>
        verify(
          hash,
          Buffer.from(`${header}.${payload}`),
          { key: spki, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
          Buffer.from(signature, 'base64url'),
        );
      assert.equal(check(salt), true, algorithm);
      if (salt !== 32) assert.equal(check(32), false, `${algorithm} is not signed with @cross/jwt's 32-byte salt`);
      await assert.rejects(signJWT({}, privateKey, { saltLength: salt === 32 ? 20 : 32 }), JWTUnsupportedAlgorithmError);
      assert.ok(await signJWT({}, privateKey, { saltLength: salt }));
    }
  });

  it('refuses an algorithm option that is not the key algorithm, with @cross/jwt message', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    await assert.rejects(signJWT({}, privateKey, { algorithm: 'RS256' }), {
      name: 'JWTAlgorithmMismatchError',
      message: "Incompatible algorithm 'RS256' for key using 'ES256'. Provide a compatible key or omit the 'algorithm' option.",
    });
    const jwt = await signJWT({}, privateKey, { algorithm: 'ES256' });
    await assert.rejects(validateJWT(jwt, publicKey, { algorithm: 'ES384' }), JWTAlgorithmMismatchError);
  });
});

describe('compat/cross-jwt: exp, nbf and durations', () => {
  it('refuses an expired token by default (jwtkit checks exp whenever it is there), with 60 s of leeway', async () => {
    const expired = await signJWT({ exp: now() - 120 }, SECRET);
    await assert.rejects(validateJWT(expired, SECRET), (error: Error) => {
      assert.ok(error instanceof JWTExpiredError && error instanceof JWTValidationError);
      assert.equal(error.message, 'JWT has expired');
      return true;
    });
    assert.ok(await validateJWT(await signJWT({ exp: now() - 30 }, SECRET), SECRET), 'inside the default leeway');
    await assert.rejects(
      validateJWT(await signJWT({ exp: now() - 30 }, SECRET), SECRET, { clockSkewLeewaySeconds: 0 }),
      JWTExpiredError,
    );
    assert.ok(await validateJWT(expired, SECRET, { validateExp: false }), 'validateExp: false skips the check');
  });

  it('refuses a token before its nbf, by default, with the leeway', async () => {
    await assert.rejects(validateJWT(await signJWT({ nbf: now() + 600 }, SECRET), SECRET), (error: Error) => {
      assert.ok(error instanceof JWTNotYetValidError);
      assert.equal(error.message, 'JWT is not yet valid');
      return true;
    });
    assert.ok(await validateJWT(await signJWT({ nbf: now() + 30 }, SECRET), SECRET));
    assert.ok(await validateJWT(await signJWT({ nbf: now() + 600 }, SECRET), SECRET, { validateNbf: false }));
  });

  it('requires exp and nbf when validateExp / validateNbf are true', async () => {
    const bare = await signJWT({}, SECRET);
    await assert.rejects(validateJWT(bare, SECRET, { validateExp: true }), {
      name: 'JWTRequiredClaimMissingError',
      message: 'Missing required claim: exp',
    });
    await assert.rejects(validateJWT(bare, SECRET, { validateNbf: true }), JWTRequiredClaimMissingError);
    await assert.rejects(signJWT({}, SECRET, { validateExp: true }), JWTRequiredClaimMissingError);
    await assert.rejects(signJWT({ exp: now() - 1 }, SECRET, { validateExp: true }), {
      message: "JWT 'exp' claim cannot be in the past.",
    });
  });

  it('turns expiresIn and notBefore into exp and nbf, refuses both forms at once and other duration formats', async () => {
    const data = unsafeParseJWT(await signJWT({}, SECRET, { expiresIn: '2h', notBefore: '5m' }));
    assert.equal(data.exp, (data.iat as number) + 7200);
    assert.equal(data.nbf, (data.iat as number) + 300);
    await assert.rejects(signJWT({ exp: now() + 60 }, SECRET, { expiresIn: '1h' }), JWTAmbiguousClaimError);
    await assert.rejects(signJWT({ nbf: now() }, SECRET, { notBefore: '1m' }), { message: 'Ambiguous claim supplied: nbf' });
    await assert.rejects(signJWT({}, SECRET, { expiresIn: '1 hour' }), { message: 'Invalid duration format: 1 hour' });
  });

  it('refuses time claims that are not numbers, and a leeway that would switch the checks off', async () => {
    // Built by hand: jwtkit will not sign a string exp either.
    const input = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ exp: '9999999999' })}`;
    const text = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
    await assert.rejects(signJWT({ exp: '9999999999' as unknown as number }, SECRET), JWTValidationError);
    await assert.rejects(validateJWT(text, SECRET), JWTValidationError);
    await assert.rejects(validateJWT(text, SECRET, { clockSkewLeewaySeconds: Number.POSITIVE_INFINITY }), {
      message: /clockSkewLeewaySeconds/,
    });
  });
});

describe('compat/cross-jwt: refusals', () => {
  it('refuses a tampered token, another key and a header algorithm other than the key algorithm', async () => {
    const jwt = await signJWT({ role: 'user' }, SECRET);
    const [header, , signature] = segments(jwt);
    const forged = `${header}.${b64url({ role: 'admin' })}.${signature}`;
    for (const [token, key] of [
      [forged, SECRET],
      [jwt, 'another secret of at least 32 bytes!'],
      [`${b64url({ alg: 'HS512', typ: 'JWT' })}.${segments(jwt)[1]}.${signature}`, SECRET],
    ] as const) {
      await assert.rejects(validateJWT(token, key), { name: 'JWTValidationError', message: 'JWT verification failed.' });
    }
  });

  it('refuses unsecured tokens: key false or "none" in signJWT and validateJWT, and an alg none token', async () => {
    for (const key of [false, 'none'] as const) {
      await assert.rejects(signJWT({}, key), JWTUnsupportedAlgorithmError);
      await assert.rejects(validateJWT(await signJWT({}, SECRET), key), { message: /unsafeParseJWT/ });
    }
    const unsecured = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'x' })}.`;
    await assert.rejects(validateJWT(unsecured, SECRET), JWTValidationError);
  });

  it('refuses malformed tokens with JWTFormatError', async () => {
    for (const token of ['a.b', 'a.b.c.d', '']) {
      await assert.rejects(validateJWT(token, SECRET), { name: 'JWTFormatError', message: 'Invalid JWT format' });
    }
    const jwt = await signJWT({}, SECRET);
    const [header, payload, signature] = segments(jwt);
    await assert.rejects(validateJWT(`${header}.${payload}=.${signature}`, SECRET), JWTFormatError);
    await assert.rejects(validateJWT(`${header}.${payload}.${signature}==`, SECRET), JWTFormatError);
  });

  it('puts the header alg from the key: additionalHeaderClaims adds kid, typ, cty, and may not change alg', async () => {
    const jwt = await signJWT({}, SECRET, { additionalHeaderClaims: { kid: 'key-1', typ: 'at+jwt' } });
    assert.deepEqual({ ...unsafeParseJOSEHeader(jwt) }, { alg: 'HS256', typ: 'at+jwt', kid: 'key-1' });
    await assert.rejects(signJWT({}, SECRET, { additionalHeaderClaims: { alg: 'none' } }), JWTAlgorithmMismatchError);
  });
});

describe('compat/cross-jwt: unsafeParseJWT and unsafeParseJOSEHeader', () => {
  it('read without verifying, and refuse what is not a JWT', async () => {
    const jwt = await signJWT({ sub: 'ada' }, SECRET, { setIat: false });
    assert.deepEqual({ ...unsafeParseJWT(jwt) }, { sub: 'ada' });
    assert.deepEqual({ ...unsafeParseJOSEHeader(jwt) }, { alg: 'HS256', typ: 'JWT' });
    assert.throws(() => unsafeParseJWT('not a token'), JWTParseError);
    // @cross/jwt 1.0: a wrong part count is a JWTParseError here too (validateJWT says JWTFormatError).
    assert.throws(() => unsafeParseJWT('invalid.jwt'), JWTParseError);
    assert.throws(() => unsafeParseJOSEHeader('invalid.jwt'), JWTParseError);
    await assert.rejects(validateJWT('invalid.jwt', SECRET), JWTFormatError);
    assert.throws(() => unsafeParseJWT(`${segments(jwt)[0]}.bm90IGpzb24.x`), JWTParseError);
    // jwtkit's strict parsing: a duplicate member is refused, not resolved to its last value.
    const duplicate = `${segments(jwt)[0]}.${Buffer.from('{"sub":"ada","sub":"root"}').toString('base64url')}.x`;
    assert.throws(() => unsafeParseJWT(duplicate), JWTParseError);
    assert.throws(() => unsafeParseJOSEHeader(`bm9wZQ.${segments(jwt)[1]}.x`), {
      message: 'Invalid JWT format or malformed header',
    });
  });
});

describe('compat/cross-jwt: PEM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-cross-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exports PEM, writes it to a file (private keys with mode 600), and imports it from the text or the path', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const publicPem = await exportPEMKey(publicKey);
    assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/);
    const privatePath = join(dir, 'private.pem');
    const privatePem = await exportPEMKey(privateKey, privatePath);
    assert.match(privatePem, /^-----BEGIN PRIVATE KEY-----\n/);
    if (process.platform !== 'win32') assert.equal(statSync(privatePath).mode & 0o777, 0o600);

    const signing = await importPEMKey(privatePath, 'ES256');
    const verifying = await importPEMKey(publicPem, 'ES256');
    assert.equal(signing.type, 'private');
    assert.equal(verifying.type, 'public');
    assert.equal(verifying.extractable, false);
    const jwt = await signJWT({ sub: 'ada' }, signing);
    assert.equal((await validateJWT(jwt, verifying)).sub, 'ada');
    assert.equal((await validateJWT(jwt, publicKey)).sub, 'ada');
  });

  it('45. secrets in output: narrows an existing world-readable file to mode 600 before writing a private key into it', async () => {
    if (process.platform === 'win32') return;
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const path = join(dir, 'existing.pem');
    writeFileSync(path, 'placeholder', { mode: 0o644 });
    chmodSync(path, 0o644);
    await exportPEMKey(privateKey, path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    // A public key keeps the mode it is given.
    const publicPath = join(dir, 'existing-public.pem');
    await exportPEMKey(publicKey, publicPath);
    assert.equal(statSync(publicPath).mode & 0o777 & ~0o022, 0o644 & ~0o022);
  });

  it('35. key material as bytes: never makes an HMAC key of a string holding key material, as @cross/jwt would', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const pem = await exportPEMKey(publicKey);
    const input = `${segments(await signJWT({ sub: 'x' }, await generateKey(SECRET)))[0]}`;
    const forged = `${input}.${Buffer.from('{"sub":"root"}').toString('base64url')}`;
    const token = `${forged}.${createHmac('sha256', pem).update(forged).digest('base64url')}`;
    for (const text of [pem, `# comment\n${pem}`, JSON.stringify(await crypto.subtle.exportKey('jwk', publicKey))]) {
      await assert.rejects(validateJWT(token, text), JWTValidationError);
      await assert.rejects(generateKey(text), JWTValidationError);
      await assert.rejects(signJWT({ sub: 'root' }, text), JWTValidationError);
    }
  });

  it('refuses what is not PEM, a PEM key of another family, an HMAC key and unknown algorithms', async () => {
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await assert.rejects(importPEMKey(notPem, 'RS256'), { name: 'JWTFormatError', message: 'Wrong format. Not PEM?' });
    const ecPem = await exportPEMKey((await generateKeyPair('ES256')).publicKey);
    await assert.rejects(importPEMKey(ecPem, 'RS256'));
    await assert.rejects(importPEMKey(ecPem, 'none' as 'RS256'), JWTUnsupportedAlgorithmError);
    await assert.rejects(exportPEMKey(await generateKey(SECRET)), JWTUnsupportedAlgorithmError);
  });
});
