// jwtkit/compat/jsonwebtoken as a drop-in (issue 29): the export list of jsonwebtoken 9 and
// @types/jsonwebtoken, PEM files holding a certificate and its private key, options and claims
// present with the value undefined, whitespace after a token, and jsonwebtoken's own messages for
// RSA keys under 2048 bits and DSA keys, each compared call by call with the real library.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsonwebtoken from 'jsonwebtoken';
import type {
  Algorithm,
  DecodeOptions,
  GetPublicKeyOrSecret,
  Jwt,
  JwtHeader,
  JwtPayload,
  PrivateKey,
  PublicKey,
  Secret,
  SignCallback,
  SigningKeyCallback,
  SignOptions,
  VerifyCallback,
  VerifyErrors,
  VerifyOptions,
} from 'jwtkit/compat/jsonwebtoken';
import * as ours from 'jwtkit/compat/jsonwebtoken';
import { KEYS } from '../support/key-fixtures.js';
import { forgeHMAC } from '../support/key-forms.js';

const jwt = ours.default;
const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';

type Outcome = { value: unknown } | { error: { name: string; message: string } };
function outcome(call: () => unknown): Outcome {
  try {
    const value = call();
    return { value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    return { error: { name: (error as Error).name, message: (error as Error).message } };
  }
}
function same(call: (lib: typeof jwt) => unknown, label: string): Outcome {
  const mine = outcome(() => call(jwt));
  assert.deepEqual(
    mine,
    outcome(() => call(jsonwebtoken as unknown as typeof jwt)),
    label,
  );
  return mine;
}

describe('compat/jsonwebtoken: the export list of jsonwebtoken 9', () => {
  it('exports the values jsonwebtoken exports, on the module and on its default export', () => {
    const theirs = Object.keys(jsonwebtoken).sort();
    assert.deepEqual(Object.keys(jwt).sort(), theirs);
    assert.deepEqual(
      Object.keys(ours)
        .filter((name) => name !== 'default')
        .sort(),
      theirs,
    );
    for (const name of theirs) assert.equal(typeof (ours as Record<string, unknown>)[name], 'function', name);
  });

  it('exports every name @types/jsonwebtoken declares (this file imports each type)', () => {
    const require = createRequire(import.meta.url);
    const declarations = readFileSync(join(require.resolve('@types/jsonwebtoken/package.json'), '..', 'index.d.ts'), 'utf8');
    const declared = new Set(
      [...declarations.matchAll(/^export (?:declare )?(?:interface|type|class|function) (\w+)/gm)].map((m) => m[1] as string),
    );
    const imported: Array<keyof typeof TYPE_SAMPLE> = Object.keys(TYPE_SAMPLE) as never;
    const values = ['decode', 'sign', 'verify', 'JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError'];
    assert.deepEqual([...declared].sort(), [...imported, ...values].sort());
  });
});

// One value per type of @types/jsonwebtoken, typed with ours: compiles only if each is exported.
const TYPE_SAMPLE: {
  Algorithm: Algorithm;
  DecodeOptions: DecodeOptions;
  GetPublicKeyOrSecret: GetPublicKeyOrSecret;
  Jwt: Jwt;
  JwtHeader: JwtHeader;
  JwtPayload: JwtPayload;
  PrivateKey: PrivateKey;
  PublicKey: PublicKey;
  Secret: Secret;
  SignCallback: SignCallback;
  SigningKeyCallback: SigningKeyCallback;
  SignOptions: SignOptions;
  VerifyCallback: VerifyCallback;
  VerifyErrors: VerifyErrors;
  VerifyOptions: VerifyOptions;
} = {
  Algorithm: 'HS256',
  DecodeOptions: {},
  GetPublicKeyOrSecret: (_header, callback) => callback(null, SECRET),
  Jwt: { header: { alg: 'HS256' }, payload: {}, signature: '' },
  JwtHeader: { alg: 'HS256' },
  JwtPayload: {},
  PrivateKey: SECRET,
  PublicKey: SECRET,
  Secret: SECRET,
  SignCallback: () => undefined,
  SigningKeyCallback: () => undefined,
  SignOptions: {},
  VerifyCallback: () => undefined,
  VerifyErrors: new ours.JsonWebTokenError('x'),
  VerifyOptions: {},
};

const { certificate, pkcs8 } = KEYS.rsa;
const BAG = 'Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = test\n\nissuer=CN = test\n';
const BUNDLES = {
  'certificate then key (openssl pkcs12 -nodes)': `${BAG}${certificate}${BAG}${pkcs8}`,
  'key then certificate': `${pkcs8}${certificate}`,
};

describe('compat/jsonwebtoken: a PEM file holding a certificate and its private key', () => {
  for (const [order, text] of Object.entries(BUNDLES)) {
    for (const form of ['string', 'Buffer'] as const) {
      const key = form === 'string' ? text : Buffer.from(text);
      it(`signs with the private key and verifies with the certificate: ${order}, as a ${form}`, () => {
        for (const algorithm of ['RS256', 'PS256'] as const) {
          const token = jwt.sign({ sub: 'ada' }, key, { algorithm, noTimestamp: true });
          // The token verifies with the certificate alone and with jsonwebtoken itself.
          assert.equal((jwt.verify(token, certificate) as JwtPayload).sub, 'ada');
          assert.equal((jsonwebtoken.verify(token, key) as JwtPayload).sub, 'ada');
          same((lib) => lib.verify(token, key), `${order} ${form} ${algorithm} verify`);
          if (algorithm === 'RS256')
            same((lib) => lib.sign({ sub: 'ada' }, key, { algorithm, noTimestamp: true }), `${order} sign`);
        }
      });
    }
  }

  it('never makes a bundle an HMAC secret: HS256 tokens keyed with its text or bytes are refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.values(BUNDLES)),
        fc.constantFrom('string', 'Buffer'),
        fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const),
        async (text, form, alg) => {
          const key = form === 'string' ? text : Buffer.from(text);
          const forged = await forgeHMAC(alg, Buffer.from(text), { sub: 'victim' });
          for (const options of [{}, { algorithms: [alg] }, { algorithms: [alg, 'RS256'] }] as VerifyOptions[]) {
            assert.throws(() => jwt.verify(forged, key, options), ours.JsonWebTokenError);
          }
          assert.throws(() => jwt.sign({}, key, { algorithm: alg }), /must be a symmetric key/);
        },
      ),
      { numRuns: 24 },
    );
  });

  it('refuses a text with two private keys (which one signs is not for jwtkit to guess)', () => {
    const two = `${pkcs8}${KEYS.rsa.pkcs1Private}`;
    assert.throws(() => jwt.sign({}, two, { algorithm: 'RS256' }), /more than one private key/);
  });

  it('with only a certificate, says a public key cannot sign, as jsonwebtoken does', () => {
    same((lib) => lib.sign({}, certificate, { algorithm: 'RS256' }), 'certificate alone');
  });
});

const SIGN_OPTION_NAMES = [
  'expiresIn',
  'notBefore',
  'audience',
  'algorithm',
  'header',
  'encoding',
  'issuer',
  'subject',
  'jwtid',
  'noTimestamp',
  'keyid',
  'mutatePayload',
  'allowInsecureKeySizes',
  'allowInvalidAsymmetricKeyTypes',
];

describe('compat/jsonwebtoken: options and claims present with the value undefined', () => {
  it('sign fails with jsonwebtoken message for every option given as undefined', () => {
    for (const name of SIGN_OPTION_NAMES) {
      const result = same((lib) => lib.sign({ a: 1 }, SECRET, { [name]: undefined } as SignOptions), name);
      assert.ok('error' in result, `${name}: undefined is refused`);
    }
  });

  it('sign fails for exp, nbf and iat given as undefined, and signs without them (positive control)', () => {
    for (const claim of ['exp', 'nbf', 'iat']) {
      const result = same((lib) => lib.sign({ a: 1, [claim]: undefined }, SECRET), claim);
      assert.deepEqual(result, { error: { name: 'Error', message: `"${claim}" should be a number of seconds` } });
    }
    assert.ok('value' in same((lib) => lib.sign({ a: 1 }, SECRET, { noTimestamp: true }), 'control'));
  });

  it('verify treats undefined options as jsonwebtoken does (absent)', () => {
    const token = jsonwebtoken.sign({ a: 1 }, SECRET);
    for (const name of ['audience', 'issuer', 'subject', 'jwtid', 'maxAge', 'clockTolerance', 'algorithms']) {
      same((lib) => lib.verify(token, SECRET, { [name]: undefined } as VerifyOptions), name);
    }
  });
});

describe('compat/jsonwebtoken: whitespace after a token', () => {
  it('fails with "invalid token", as jsonwebtoken does, for any whitespace suffix', () => {
    const token = jsonwebtoken.sign({ a: 1 }, SECRET);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(' ', '\n', '\r\n', '\t'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
        (suffix) => {
          const result = same((lib) => lib.verify(`${token}${suffix}`, SECRET), JSON.stringify(suffix));
          assert.deepEqual(result, { error: { name: 'JsonWebTokenError', message: 'invalid token' } });
        },
      ),
      { numRuns: 30 },
    );
    assert.ok('value' in same((lib) => lib.verify(token, SECRET), 'control'));
  });
});

describe('compat/jsonwebtoken: keys jwtkit refuses, with jsonwebtoken messages', () => {
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  it('an RSA key under 2048 bits: jsonwebtoken message, without suggesting an option that does not help', () => {
    same((lib) => lib.sign({}, small, { algorithm: 'RS256' }), 'RSA 1024');
    assert.throws(
      () => jwt.sign({}, small, { algorithm: 'RS256', allowInsecureKeySizes: true }),
      (error: Error) =>
        error.message.startsWith('secretOrPrivateKey has a minimum key size of 2048 bits for RS256') &&
        !/allowInsecureKeySizes: true accepts/.test(error.message),
    );
  });

  it('a DSA key: Unknown key type "dsa".', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
    const pem = dsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    same((lib) => lib.sign({}, pem, { algorithm: 'RS256' }), 'DSA private key');
    same((lib) => lib.sign({}, Buffer.from(pem), { algorithm: 'RS256' }), 'DSA private key as a Buffer');
  });
});

describe('compat/jsonwebtoken: the short-secret switch (allowInsecureKeySizes)', () => {
  const SHORT = 'shhhhh-12345';

  it('verifies and signs with the secret an app has only when switched on, warning once with the fix', async (t) => {
    const legacy = jsonwebtoken.sign({ sub: 'ada' }, SHORT);
    // Off (the default): refused, and the message names the switch.
    assert.throws(() => jwt.verify(legacy, SHORT), ours.JsonWebTokenError);
    assert.throws(() => jwt.sign({}, SHORT), /allowInsecureKeySizes: true accepts it/);
    const warn = t.mock.method(console, 'warn', () => undefined);
    // On: the tokens users hold keep working, and new ones verify with jsonwebtoken.
    assert.equal((jwt.verify(legacy, SHORT, { allowInsecureKeySizes: true }) as JwtPayload).sub, 'ada');
    const fresh = jwt.sign({ sub: 'bob' }, SHORT, { allowInsecureKeySizes: true });
    assert.equal((jsonwebtoken.verify(fresh, SHORT) as JwtPayload).sub, 'bob');
    jwt.verify(fresh, SHORT, { allowInsecureKeySizes: true });
    const warnings = warn.mock.calls
      .map((call) => String(call.arguments[0]))
      .filter((text) => text.includes('compat/jsonwebtoken'));
    assert.equal(warnings.length, 1, 'one warning per process');
    assert.match(warnings[0] as string, /Rotating to a strong secret/);
    assert.match(warnings[0] as string, /jwtkit keygen HS256/);
    assert.ok(!(warnings[0] as string).includes(SHORT), 'the warning never shows the secret');
    // A strong secret never warns and needs no switch (positive control).
    assert.equal((jwt.verify(jwt.sign({ sub: 'c' }, SECRET), SECRET) as JwtPayload).sub, 'c');
  });

  it('jwtkit inspect flags a token signed with a short secret the team lists, and not one with a strong secret', async () => {
    const { inspectToken } = await import('jwtkit/inspect');
    const weak = jsonwebtoken.sign({ sub: 'ada', exp: 4_000_000_000 }, SHORT);
    const findings = await inspectToken(weak, { secrets: [SHORT], shortSecrets: false });
    const flagged = findings.find((finding) => finding.id === 'short-secret');
    assert.ok(flagged, 'short-secret finding');
    assert.equal(flagged.severity, 'high');
    assert.ok(!flagged.message.includes(SHORT));
    const strong = jsonwebtoken.sign({ sub: 'ada', exp: 4_000_000_000 }, SECRET);
    const clean = await inspectToken(strong, { secrets: [SHORT], shortSecrets: false });
    assert.equal(
      clean.some((finding) => finding.id === 'short-secret'),
      false,
    );
  });
});
