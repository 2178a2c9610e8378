// jwtkit/compat/jsonwebtoken against jsonwebtoken itself, from jsonwebtoken's documented behaviour:
// every sign and verify option and every error, compared call by call with the real package (same
// result, same error class, message and fields), tokens flowing both ways, and the deliberate
// differences (docs/migration/jsonwebtoken.md) asserted as such.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsonwebtoken from 'jsonwebtoken';
import jwt, {
  type Algorithm,
  JsonWebTokenError,
  NotBeforeError,
  type SignOptions,
  TokenExpiredError,
  type VerifyOptions,
} from 'jwtkit/compat/jsonwebtoken';
import { SECRET } from '../support/craft.js';
import { KEYS } from '../support/key-fixtures.js';
import { forgeHMAC, OWNERS, placedKey, WRAPPERS, wrapKey } from '../support/key-forms.js';

const LONG_SECRET = SECRET.repeat(2);
const IAT = 1_700_000_000;
const NOW = IAT + 10;

type Outcome = { value: unknown } | { error: Record<string, unknown> };

/** What a call gave: its value, or its error as the fields a caller reads. */
function outcome(call: () => unknown): Outcome {
  try {
    // Payloads are compared as JSON.
    const value = call();
    return { value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    const { name, message, expiredAt, date } = error as Record<string, unknown>;
    return {
      error: {
        name,
        message,
        ...(expiredAt !== undefined && { expiredAt }),
        ...(date !== undefined && { date }),
        class: (error as object).constructor.name,
      },
    };
  }
}

/** Both libraries, the same call: the same outcome. */
function same(call: (lib: typeof jwt) => unknown, label: string): Outcome {
  const ours = outcome(() => call(jwt));
  const theirs = outcome(() => call(jsonwebtoken as unknown as typeof jwt));
  assert.deepEqual(ours, theirs, label);
  return ours;
}

const KEY_FOR: Record<string, { sign: string; verify: string }> = {
  HS256: { sign: SECRET, verify: SECRET },
  HS384: { sign: LONG_SECRET, verify: LONG_SECRET },
  HS512: { sign: LONG_SECRET, verify: LONG_SECRET },
  RS256: { sign: KEYS.rsa.pkcs8, verify: KEYS.rsa.spki },
  RS384: { sign: KEYS.rsa.pkcs8, verify: KEYS.rsa.spki },
  RS512: { sign: KEYS.rsa.pkcs8, verify: KEYS.rsa.spki },
  PS256: { sign: KEYS.rsa.pkcs8, verify: KEYS.rsa.spki },
  PS384: { sign: KEYS.rsa.pkcs8, verify: KEYS.rsa.spki },
  PS512: { sign: KEYS.rsa.pkcs8, verify: KEYS.rsa.spki },
  ES256: { sign: KEYS.p256.pkcs8, verify: KEYS.p256.spki },
  ES384: { sign: KEYS.p384.pkcs8, verify: KEYS.p384.spki },
  ES512: { sign: KEYS.p521.pkcs8, verify: KEYS.p521.spki },
};
const DETERMINISTIC = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'];

describe('compat/jsonwebtoken: sign', () => {
  it('writes the same token as jsonwebtoken for the same input and options', () => {
    const cases: Array<[object | string, SignOptions]> = [
      [{ sub: 'ada', iat: IAT }, {}],
      [{ sub: 'ada', iat: IAT }, { expiresIn: 3600 }],
      [
        { sub: 'ada', iat: IAT },
        { expiresIn: '2 days', notBefore: '10m' },
      ],
      [
        { sub: 'ada', iat: IAT },
        { expiresIn: '1.5h', notBefore: 60 },
      ],
      [{ sub: 'ada', iat: IAT }, { expiresIn: '120' }], // no unit: milliseconds, as the ms package reads it
      [{ sub: 'ada', iat: IAT }, { expiresIn: '-1h' }],
      [{ iat: IAT }, { audience: ['a', 'b'], issuer: 'https://issuer', subject: 'ada', jwtid: 'id-1', keyid: 'k1' }],
      [
        { iat: IAT, data: { nested: [1, 'two', null] } },
        { audience: 'api', header: { typ: 'at+jwt', x: 1 } },
      ],
      [{ sub: 'ada', iat: IAT }, { noTimestamp: true }],
      [{ sub: 'ada', iat: IAT, exp: IAT + 5 }, {}],
      ['a plain string payload', {}],
      ['{"looks":"like json"}', { keyid: 'k2' }],
    ];
    for (const alg of DETERMINISTIC) {
      for (const [payload, options] of cases) {
        const label = `${alg} ${JSON.stringify(payload)} ${JSON.stringify(options)}`;
        const result = same(
          (lib) => lib.sign(payload, KEY_FOR[alg]?.sign as string, { ...options, algorithm: alg as Algorithm }),
          label,
        );
        assert.ok('value' in result && typeof result.value === 'string', label);
      }
    }
  });

  it('adds iat from the clock, defaults to HS256 and copies the payload unless mutatePayload', () => {
    const payload = { sub: 'ada' };
    const before = Math.floor(Date.now() / 1000);
    const token = jwt.sign(payload, SECRET, { expiresIn: 60 });
    const decoded = jwt.decode(token, { complete: true });
    assert.equal(decoded?.header.alg, 'HS256');
    assert.equal(decoded?.header.typ, 'JWT');
    const claims = decoded?.payload as { iat: number; exp: number };
    assert.ok(claims.iat >= before && claims.iat <= before + 2);
    assert.equal(claims.exp, claims.iat + 60);
    assert.deepEqual(payload, { sub: 'ada' });
    const mutated: Record<string, unknown> = { sub: 'ada', iat: IAT };
    jwt.sign(mutated, SECRET, { mutatePayload: true, expiresIn: 5 });
    assert.deepEqual(mutated, { sub: 'ada', iat: IAT, exp: IAT + 5 });
  });

  it('fails where jsonwebtoken fails, with its messages', () => {
    const cases: Array<[unknown, unknown, Record<string, unknown>]> = [
      [{ sub: 'a' }, '', {}],
      [{ sub: 'a' }, SECRET, { expiresIn: true }],
      [{ sub: 'a' }, SECRET, { expiresIn: 1.5 }],
      [{ sub: 'a' }, SECRET, { notBefore: '' }],
      [{ sub: 'a' }, SECRET, { audience: 5 }],
      [{ sub: 'a' }, SECRET, { algorithm: 'HS1024' }],
      [{ sub: 'a' }, SECRET, { header: 'x' }],
      [{ sub: 'a' }, SECRET, { issuer: 1 }],
      [{ sub: 'a' }, SECRET, { subject: 1 }],
      [{ sub: 'a' }, SECRET, { jwtid: 1 }],
      [{ sub: 'a' }, SECRET, { keyid: 1 }],
      [{ sub: 'a' }, SECRET, { noTimestamp: 'yes' }],
      [{ sub: 'a' }, SECRET, { mutatePayload: 1 }],
      [{ sub: 'a' }, SECRET, { encoding: 1 }],
      [{ sub: 'a' }, SECRET, { unknownOption: 1 }],
      [{ sub: 'a' }, SECRET, { expiresIn: 'soon' }],
      [{ sub: 'a' }, SECRET, { notBefore: 'later' }],
      [{ sub: 'a', exp: 1 }, SECRET, { expiresIn: 60 }],
      [{ sub: 'a', nbf: 1 }, SECRET, { notBefore: 60 }],
      [{ sub: 'a', aud: 'x' }, SECRET, { audience: 'y' }],
      [{ sub: 'a', iss: 'x' }, SECRET, { issuer: 'y' }],
      [{ sub: 'a', sub2: 1, jti: 'x' }, SECRET, { jwtid: 'y' }],
      [{ sub: 'a', iat: 'now' }, SECRET, {}],
      [{ sub: 'a', exp: '1' }, SECRET, {}],
      [{ sub: 'a', nbf: null }, SECRET, {}],
      ['text', SECRET, { expiresIn: 60 }],
      ['text', SECRET, { audience: 'a', issuer: 'b' }],
      [undefined, SECRET, {}],
      [{ sub: 'a' }, KEYS.rsa.pkcs8, { algorithm: 'HS256' }],
      [{ sub: 'a' }, SECRET, { algorithm: 'RS256' }],
      [{ sub: 'a' }, KEYS.rsa.spki, { algorithm: 'RS256' }],
      [{ sub: 'a' }, KEYS.p256.pkcs8, { algorithm: 'RS256' }],
      [{ sub: 'a' }, KEYS.p256.pkcs8, { algorithm: 'ES384' }],
      [{ sub: 'a' }, KEYS.rsa.pkcs8, { algorithm: 'ES256' }],
    ];
    for (const [payload, key, options] of cases) {
      const label = `${JSON.stringify(payload)} ${String(key).slice(0, 30)} ${JSON.stringify(options)}`;
      const result = same((lib) => lib.sign(payload as object, key as string, options as SignOptions), label);
      assert.ok('error' in result, label);
    }
  });

  it('answers a callback after returning, with the token or the error', async () => {
    let returned = false;
    const token = await new Promise<string | undefined>((resolve, reject) => {
      jwt.sign({ sub: 'ada' }, SECRET, { expiresIn: 60 }, (error, encoded) => {
        assert.equal(returned, true);
        if (error) reject(error);
        else resolve(encoded);
      });
      returned = true;
    });
    assert.equal((jwt.verify(token as string, SECRET) as { sub: string }).sub, 'ada');
    const failure = await new Promise<Error | null>((resolve) =>
      jwt.sign({ sub: 'a', exp: 1 }, SECRET, { expiresIn: 5 }, resolve),
    );
    assert.match(String(failure?.message), /already has an "exp" property/);
    // The two-argument callback form too.
    const viaShortForm = await new Promise<string | undefined>((resolve) =>
      jwt.sign({ sub: 'b' }, SECRET, (_: Error | null, encoded?: string) => resolve(encoded)),
    );
    assert.equal((jwt.decode(viaShortForm as string) as { sub: string }).sub, 'b');
  });
});

describe('compat/jsonwebtoken: verify', () => {
  const sign = (payload: object, options: SignOptions = {}, alg: Algorithm = 'HS256') =>
    jsonwebtoken.sign(payload, KEY_FOR[alg]?.sign as string, { ...options, algorithm: alg } as jsonwebtoken.SignOptions);
  const base = { sub: 'ada', iat: IAT };

  it('agrees with jsonwebtoken on every option, result and error', () => {
    const tokens = {
      plain: sign(base),
      expiring: sign(base, { expiresIn: 5 }),
      expired: sign(base, { expiresIn: 2 }),
      future: sign(base, { notBefore: 60 }),
      full: sign(
        { iat: IAT, nonce: 'n-1' },
        { audience: ['api', 'web'], issuer: 'https://issuer', subject: 'ada', jwtid: 'j-1' },
      ),
      noIat: jsonwebtoken.sign({ sub: 'ada' }, SECRET, { noTimestamp: true }),
      // jsonwebtoken signs JSON text given as a string as it is, odd claims included.
      badExp: jsonwebtoken.sign(JSON.stringify({ ...base, exp: 'tomorrow' }), SECRET),
      badNbf: jsonwebtoken.sign(JSON.stringify({ ...base, nbf: 'tomorrow' }), SECRET),
      text: jsonwebtoken.sign('plain text', SECRET),
      rsa: sign(base, { expiresIn: 60 }, 'RS256'),
    };
    const options: VerifyOptions[] = [
      {},
      { clockTimestamp: NOW },
      { clockTimestamp: NOW, complete: true },
      { clockTimestamp: IAT + 100 },
      { clockTimestamp: IAT + 100, ignoreExpiration: true },
      { clockTimestamp: IAT + 100, clockTolerance: 200 },
      { clockTimestamp: NOW, ignoreNotBefore: true },
      { clockTimestamp: NOW, clockTolerance: 60 },
      { clockTimestamp: NOW, audience: 'api' },
      { clockTimestamp: NOW, audience: 'other' },
      { clockTimestamp: NOW, audience: ['x', 'web'] },
      { clockTimestamp: NOW, audience: /^ap/ },
      { clockTimestamp: NOW, audience: [/^zz/, 'y'] },
      { clockTimestamp: NOW, issuer: 'https://issuer' },
      { clockTimestamp: NOW, issuer: ['a', 'https://issuer'] },
      { clockTimestamp: NOW, issuer: 'https://other' },
      { clockTimestamp: NOW, subject: 'ada' },
      { clockTimestamp: NOW, subject: 'bob' },
      { clockTimestamp: NOW, jwtid: 'j-1' },
      { clockTimestamp: NOW, jwtid: 'j-2' },
      { clockTimestamp: NOW, nonce: 'n-1' },
      { clockTimestamp: NOW, nonce: 'n-2' },
      { clockTimestamp: NOW, nonce: '  ' },
      { clockTimestamp: NOW, maxAge: 60 },
      { clockTimestamp: NOW, maxAge: 5 },
      { clockTimestamp: NOW, maxAge: '1h' },
      { clockTimestamp: NOW, maxAge: '2s' },
      { clockTimestamp: NOW, maxAge: 'forever' },
      { clockTimestamp: NOW, algorithms: ['HS256'] },
      { clockTimestamp: NOW, algorithms: ['HS512', 'RS256'] },
      { clockTimestamp: NOW, algorithms: ['RS256'] },
      { clockTimestamp: 'now' as unknown as number },
    ];
    for (const [name, token] of Object.entries(tokens)) {
      const key = name === 'rsa' ? KEYS.rsa.spki : SECRET;
      for (const option of options) {
        same((lib) => lib.verify(token, key, option), `${name} ${JSON.stringify(option)} ${String(option.audience ?? '')}`);
      }
    }
  });

  it('reports TokenExpiredError with expiredAt and NotBeforeError with date', () => {
    const expired = sign(base, { expiresIn: 2 });
    const error = outcome(() => jwt.verify(expired, SECRET, { clockTimestamp: NOW }));
    assert.ok('error' in error);
    assert.deepEqual(error.error, {
      name: 'TokenExpiredError',
      message: 'jwt expired',
      expiredAt: new Date((IAT + 2) * 1000),
      class: 'TokenExpiredError',
    });
    assert.throws(() => jwt.verify(expired, SECRET, { clockTimestamp: NOW }), TokenExpiredError);
    assert.throws(() => jwt.verify(expired, SECRET, { clockTimestamp: NOW }), JsonWebTokenError);
    const future = sign(base, { notBefore: 60 });
    assert.throws(
      () => jwt.verify(future, SECRET, { clockTimestamp: NOW }),
      (thrown: unknown) =>
        thrown instanceof NotBeforeError && thrown.date.getTime() === (IAT + 60) * 1000 && thrown.message === 'jwt not active',
    );
  });

  it('agrees on malformed input, missing keys and signatures, and wrong algorithms', () => {
    const token = sign(base);
    const [h, p, s] = token.split('.') as [string, string, string];
    const unsigned = jsonwebtoken.sign(base, null as unknown as string, { algorithm: 'none' });
    const cases: Array<[unknown, unknown, VerifyOptions]> = [
      ['', SECRET, {}],
      [undefined, SECRET, {}],
      [42, SECRET, {}],
      ['a.b', SECRET, {}],
      ['a.b.c.d', SECRET, {}],
      [`${h}.${p}.`, SECRET, {}],
      [`${h}.${p}.${s}`, undefined, {}],
      [`${h}.${p}.${s.slice(0, -2)}AA`, SECRET, {}],
      [`${h}.${p}.${s}`, 'another-secret-that-is-long-enough-x', {}],
      [`${h}.${p}.${s}`, SECRET, { algorithms: ['HS384'] }],
      [`${h}.${p}.${s}`, KEYS.rsa.spki, {}],
      [`${h}.${p}.${s}`, KEYS.rsa.spki, { algorithms: ['HS256'] }],
      [`${h}.${p}.${s}`, KEYS.p256.spki, { algorithms: ['HS256', 'ES256'] }],
      [sign(base, {}, 'RS256'), SECRET, { algorithms: ['RS256'] }],
      [sign(base, {}, 'RS256'), KEYS.p256.spki, { algorithms: ['RS256'] }],
      [sign(base, {}, 'ES256'), KEYS.p384.spki, { algorithms: ['ES256'] }],
      [unsigned, undefined, {}],
      [unsigned, undefined, { algorithms: ['none'] }],
      [unsigned, undefined, { algorithms: ['HS256'] }],
      [unsigned, SECRET, { algorithms: ['none'] }],
    ];
    for (const [input, key, options] of cases) {
      same(
        (lib) => lib.verify(input as string, key as string, options),
        `${String(input).slice(0, 60)} ${String(key).slice(0, 20)} ${JSON.stringify(options)}`,
      );
    }
  });

  it('takes a getKey(header, callback) function with a callback, and only then', async () => {
    const token = sign({ ...base, exp: NOW + 60 }, { keyid: 'k1' });
    const getKey = (header: { kid?: string }, callback: (error: Error | null, key?: string) => void) =>
      header.kid === 'k1' ? callback(null, SECRET) : callback(new Error('unknown kid'));
    const verified = await new Promise((resolve, reject) =>
      jwt.verify(token, getKey, { clockTimestamp: NOW }, (error, decoded) => (error ? reject(error) : resolve(decoded))),
    );
    assert.equal((verified as { sub: string }).sub, 'ada');
    const other = sign(base, { keyid: 'k2' });
    for (const lib of [jwt, jsonwebtoken as unknown as typeof jwt]) {
      const error = await new Promise<Error | null>((resolve) => lib.verify(other, getKey, (failure) => resolve(failure)));
      assert.equal(error?.message, 'error in secret or public key callback: unknown kid');
      assert.equal(error?.name, 'JsonWebTokenError');
    }
    same((lib) => lib.verify(token, getKey as never), 'getKey without a callback');
    // A key the getKey callback gives late (after I/O) works the same.
    const late = await new Promise((resolve, reject) =>
      jwt.verify(
        token,
        (_header, callback) => setTimeout(() => callback(null, SECRET), 1),
        { clockTimestamp: NOW },
        (error, decoded) => (error ? reject(error) : resolve(decoded)),
      ),
    );
    assert.equal((late as { sub: string }).sub, 'ada');
  });

  it('passes errors to a callback instead of throwing', () => {
    let seen: Error | null = null;
    jwt.verify('not a token', SECRET, (error) => {
      seen = error;
    });
    assert.equal((seen as Error | null)?.message, 'jwt malformed');
  });
});

describe('compat/jsonwebtoken: tokens flow both ways', () => {
  for (const alg of Object.keys(KEY_FOR) as Algorithm[]) {
    it(`${alg}: jsonwebtoken -> compat and compat -> jsonwebtoken`, () => {
      const keys = KEY_FOR[alg] as { sign: string; verify: string };
      const claims = { sub: 'ada', scope: ['read'], iat: IAT, exp: NOW + 3600 };
      const theirs = jsonwebtoken.sign(claims, keys.sign, { algorithm: alg as jsonwebtoken.Algorithm, audience: 'api' });
      assert.deepEqual(
        { ...(jwt.verify(theirs, keys.verify, { audience: 'api', clockTimestamp: NOW }) as object) },
        { ...claims, aud: 'api' },
      );
      const ours = jwt.sign(claims, keys.sign, { algorithm: alg, audience: 'api' });
      assert.deepEqual(jsonwebtoken.verify(ours, keys.verify, { audience: 'api', clockTimestamp: NOW }), {
        ...claims,
        aud: 'api',
      });
      // KeyObjects work as keys too.
      const signing = alg.startsWith('HS') ? keys.sign : createPrivateKey(keys.sign);
      const verifying = alg.startsWith('HS') ? keys.verify : createPublicKey(keys.verify);
      const viaKeyObjects = jwt.sign(claims, signing, { algorithm: alg });
      assert.equal((jsonwebtoken.verify(viaKeyObjects, verifying, { clockTimestamp: NOW }) as { sub: string }).sub, 'ada');
      assert.equal((jwt.verify(viaKeyObjects, verifying, { clockTimestamp: NOW }) as { sub: string }).sub, 'ada');
    });
  }
});

describe('compat/jsonwebtoken: decode', () => {
  it('agrees with jsonwebtoken on well-formed tokens', () => {
    const tokens = [
      jsonwebtoken.sign({ sub: 'ada', iat: IAT }, SECRET),
      jsonwebtoken.sign('plain text', SECRET),
      jsonwebtoken.sign({ sub: 'ada', iat: IAT }, KEYS.rsa.pkcs8, { algorithm: 'RS256', keyid: 'k' }),
    ];
    for (const token of tokens) {
      for (const options of [undefined, { complete: true }, { json: true }, { complete: true, json: true }]) {
        same((lib) => lib.decode(token, options), `${token.slice(0, 40)} ${JSON.stringify(options)}`);
      }
    }
    for (const garbage of ['', 'a.b.c', 'not a token']) same((lib) => lib.decode(garbage), garbage);
  });
});

describe('compat/jsonwebtoken: deliberate differences (docs/migration/jsonwebtoken.md)', () => {
  const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses an HMAC secret shorter than the hash unless allowInsecureKeySizes', () => {
    const short = 'shhhhh';
    const theirs = jsonwebtoken.sign({ sub: 'ada' }, short);
    assert.throws(() => jwt.sign({ sub: 'ada' }, short), /too weak.*allowInsecureKeySizes/);
    assert.throws(
      () => jwt.verify(theirs, short),
      (error: unknown) =>
        error instanceof JsonWebTokenError &&
        error.message === 'secretOrPublicKey is not valid key material' &&
        /allowInsecureKeySizes/.test(String(error.inner?.message)),
    );
    const ours = jwt.sign({ sub: 'ada' }, short, { allowInsecureKeySizes: true });
    assert.equal((jwt.verify(ours, short, { allowInsecureKeySizes: true }) as { sub: string }).sub, 'ada');
    assert.equal((jsonwebtoken.verify(ours, short) as { sub: string }).sub, 'ada');
  });

  it('never takes a public key as an HMAC secret, whatever algorithms says', () => {
    const forged = jsonwebtoken.sign(
      { sub: 'admin' },
      KEYS.rsa.spki as unknown as jsonwebtoken.Secret,
      {
        algorithm: 'HS256',
        allowInvalidAsymmetricKeyTypes: true,
      } as jsonwebtoken.SignOptions,
    );
    for (const algorithms of [undefined, ['HS256'], ['HS256', 'RS256']] as Algorithm[][]) {
      assert.throws(() => jwt.verify(forged, KEYS.rsa.spki, { algorithms }), JsonWebTokenError);
    }
  });

  it('does not sign unsecured tokens; verifies them only with "none" listed and no key', () => {
    assert.throws(() => jwt.sign({ sub: 'ada' }, null, { algorithm: 'none' }), /unsecured/);
    const unsigned = `${header({ alg: 'none' })}.${header({ sub: 'ada' })}.`;
    assert.deepEqual(
      { ...(jwt.verify(unsigned, undefined as unknown as string, { algorithms: ['none'] }) as object) },
      { sub: 'ada' },
    );
    assert.throws(() => jwt.verify(unsigned, SECRET, { algorithms: ['none', 'HS256'] }), /jwt signature is required/);
    for (const alg of ['None', 'NONE', 'nOnE']) {
      const token = `${header({ alg })}.${header({ sub: 'ada' })}.`;
      assert.throws(() => jwt.verify(token, undefined as unknown as string, { algorithms: ['none'] }), /invalid algorithm/);
    }
  });

  it('requires time claims to be finite numbers, and refuses options that switch checks off', () => {
    const infinite = jwt.sign({ sub: 'ada', iat: IAT }, SECRET);
    // jsonwebtoken signs JSON text given as a string as it is: properly signed odd claims.
    const odd = { '{"sub":"ada","exp":1e400}': 'exp', '{"sub":"ada","nbf":null}': 'nbf', '{"sub":"ada","iat":"x"}': 'iat' };
    for (const [payload, claim] of Object.entries(odd)) {
      const token = jsonwebtoken.sign(payload, SECRET);
      assert.throws(() => jwt.verify(token, SECRET), new RegExp(`^JsonWebTokenError: invalid ${claim} value$`), payload);
    }
    for (const option of [{ clockTolerance: Number.POSITIVE_INFINITY }, { clockTolerance: Number.NaN }, { maxAge: Number.NaN }]) {
      assert.throws(() => jwt.verify(infinite, SECRET, option), /finite/);
    }
  });

  it('refuses duplicate members and non-canonical base64url that jsonwebtoken reads', () => {
    const input = `${header({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from('{"sub":"ada","exp":1,"exp":99999999999}').toString('base64url')}`;
    const duplicate = `${input}.${jsonwebtoken.sign('x', SECRET).split('.')[2]}`;
    assert.throws(() => jwt.verify(duplicate, SECRET), /invalid token/);
    assert.equal(jwt.decode(duplicate), null);
    const token = jwt.sign({ sub: 'ada' }, SECRET);
    assert.throws(() => jwt.verify(`${token}=`, SECRET), JsonWebTokenError);
  });

  it('adds EdDSA, which jsonwebtoken lacks', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const token = jwt.sign({ sub: 'ada' }, privateKey, { algorithm: 'EdDSA', expiresIn: 60 });
    assert.equal((jwt.verify(token, publicKey) as { sub: string }).sub, 'ada');
    assert.equal((jwt.verify(token, publicKey.export({ type: 'spki', format: 'pem' }) as string) as { sub: string }).sub, 'ada');
    assert.throws(() => jwt.verify(token, publicKey, { algorithms: ['ES256'] }), /invalid algorithm/);
  });

  it('verifies with a public key only', () => {
    const token = jwt.sign({ sub: 'ada' }, KEYS.rsa.pkcs8, { algorithm: 'RS256' });
    assert.throws(() => jwt.verify(token, KEYS.rsa.pkcs8), /must be a public key/);
    assert.equal((jwt.verify(token, KEYS.rsa.spki) as { sub: string }).sub, 'ada');
  });
});

// Catalogue entry 35 through the jsonwebtoken layer: `jwt.verify(token, fs.readFileSync(...))`, the
// form jsonwebtoken's own README shows. jsonwebtoken 9 refuses an HS* token for a public key given as
// a Buffer; so must the layer, for every form and wrapper of the key material.
describe('35. key material as bytes: the jsonwebtoken layer', () => {
  it('never accepts an HMAC token keyed with the bytes of the verifier key, and verifies the genuine token', async () => {
    const genuine = new Map(
      OWNERS.map((owner) => [
        owner.name,
        jwt.sign({ sub: 'victim' }, owner.fixture.pkcs8, { algorithm: owner.alg as Algorithm }),
      ]),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OWNERS).chain((owner) =>
          fc.record({
            owner: fc.constant(owner),
            placed: placedKey(owner),
            wrapper: fc.constantFrom(...WRAPPERS),
            alg: fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const),
          }),
        ),
        async ({ owner, placed, wrapper, alg }) => {
          const wrapped = wrapKey(placed, wrapper);
          fc.pre(wrapped !== undefined && !(wrapped.value instanceof ArrayBuffer) && !(wrapped.value instanceof DataView));
          const key = wrapped?.value as string | Buffer;
          const token = await forgeHMAC(alg, wrapped?.hmacKey as Uint8Array, { sub: 'victim' });
          const label = `${owner.name} ${placed.form.form} as ${wrapper}`;
          for (const options of [{}, { algorithms: [alg] }, { algorithms: [alg, owner.alg as Algorithm] }] as VerifyOptions[]) {
            assert.throws(() => jwt.verify(token, key, options), JsonWebTokenError, `${label} ${JSON.stringify(options)}`);
          }
          const mangled = wrapper === 'UTF-32' || wrapper === 'UTF-16 read as a UTF-8 string';
          if (placed.form.importable && !mangled && !(placed.form.der !== undefined && wrapper === 'string')) {
            const payload = jwt.verify(genuine.get(owner.name) as string, key) as { sub: string };
            assert.equal(payload.sub, 'victim', `${label}: positive control`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses the forgery as jsonwebtoken 9 itself does, for a PEM Buffer', () => {
    const pem = Buffer.from(KEYS.rsa.spki);
    const forged = jsonwebtoken.sign({ sub: 'victim' }, pem.toString('latin1').padEnd(64, ' '), { algorithm: 'HS256' });
    assert.throws(() => jsonwebtoken.verify(forged, pem));
    assert.throws(() => jwt.verify(forged, pem), JsonWebTokenError);
  });
});
