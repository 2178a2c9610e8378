// jwtkit/compat/cross-jwt against @cross/jwt 1.0's export list, which docs/migration/cross-jwt.md
// holds (the package is on JSR only, so it cannot be imported here), and its Result API: every
// *Safe function resolves to the error its throwing form raises, and never rejects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  Err,
  ExportPEMKeyOptions,
  GenerateKeyOptions,
  GenerateKeyPairOptions,
  JOSEHeader,
  JWTError,
  JWTOptions,
  JWTPayload,
  Ok,
  Result,
  SupportedKeyAlgorithms,
  SupportedKeyPairAlgorithms,
} from 'jwtkit/compat/cross-jwt';
import * as cross from 'jwtkit/compat/cross-jwt';

const root = new URL('../../../', import.meta.url).pathname;
const page = readFileSync(join(root, 'docs', 'migration', 'cross-jwt.md'), 'utf8');

/** The names in backticks of the table between two markers of the migration page (`createJWT` of "(of `signJWT`)" only). */
function listed(marker: string): Map<string, string> {
  const start = page.indexOf(`<!-- ${marker} -->`);
  const end = page.indexOf(`<!-- /${marker} -->`);
  assert.ok(start >= 0 && end > start, `the page has the ${marker} table`);
  const names = new Map<string, string>();
  for (const row of page.slice(start, end).split('\n').slice(3)) {
    const [, kind, cells] = row.split('|').map((cell) => cell.trim());
    if (kind === undefined || cells === undefined) continue;
    for (const match of cells.replace(/\(of `\w+`\)/g, '').matchAll(/`(\w+)`/g)) names.set(match[1] as string, kind);
  }
  return names;
}

// Each type of the list, used once: this file compiles only if the module exports them all.
type Used = [
  Result<string, JWTError>,
  Ok<number>,
  Err<Error>,
  ExportPEMKeyOptions,
  GenerateKeyOptions,
  GenerateKeyPairOptions,
  SupportedKeyAlgorithms,
  SupportedKeyPairAlgorithms,
  JWTOptions,
  JOSEHeader,
  JWTPayload,
];
const TYPES_IMPORTED = [
  'Result',
  'Ok',
  'Err',
  'JWTError',
  'ExportPEMKeyOptions',
  'GenerateKeyOptions',
  'GenerateKeyPairOptions',
  'SupportedKeyAlgorithms',
  'SupportedKeyPairAlgorithms',
  'JWTOptions',
  'JOSEHeader',
  'JWTPayload',
];
const SECRET = 'mySuperSecretAtLeast32CharsLong!';

describe('compat/cross-jwt: the export list of @cross/jwt 1.0', () => {
  it('exports every value the migration page lists, functions as functions and error classes as Error subclasses', () => {
    const values = listed('cross-jwt-exports:values');
    assert.equal(values.size, 32, '@cross/jwt 1.0 exports 32 values');
    for (const [name, kind] of values) {
      const value = (cross as Record<string, unknown>)[name];
      assert.equal(typeof value, 'function', `${name} is exported`);
      if (kind === 'error classes') assert.ok((value as { prototype: unknown }).prototype instanceof Error, name);
    }
    assert.equal(cross.createJWT, cross.signJWT);
    assert.equal(cross.verifyJWT, cross.validateJWT);
  });

  it('exports every type the migration page lists (this file imports each)', () => {
    const types = [...listed('cross-jwt-exports:types').keys()];
    assert.equal(types.length, 12);
    assert.deepEqual([...types].sort(), [...TYPES_IMPORTED].sort());
    const sample: Used[1] = cross.ok(1);
    assert.equal(sample.value, 1);
  });

  it('has no function the list does not name, apart from the documented additions', () => {
    const values = listed('cross-jwt-exports:values');
    const extra = Object.keys(cross).filter((name) => !values.has(name));
    assert.deepEqual(extra.sort(), ['Err', 'Ok']);
  });
});

describe('compat/cross-jwt: the Result API', () => {
  it('Ok and Err carry the fields and methods @cross/jwt documents', () => {
    const good = cross.ok(5);
    assert.equal(good.isOk(), true);
    assert.equal(good.isErr(), false);
    assert.equal(good.success, true);
    assert.equal(good.error, false);
    assert.equal(good.map((n) => n * 2).unwrap(), 10);
    assert.equal(good.flatMap((n) => cross.ok(n + 1)).unwrapOr(0), 6);
    assert.equal(good.unwrapOrThrow('never'), 5);
    const failure = new Error('failure');
    const bad: Result<number, Error> = cross.err(failure);
    assert.equal(bad.isErr(), true);
    assert.equal(bad.isOk(), false);
    assert.equal(bad.success, false);
    assert.equal(bad.map((n) => n * 2).isErr(), true);
    assert.equal(bad.unwrapOr(7), 7);
    assert.throws(
      () => bad.unwrap(),
      (error) => error === failure,
    );
    assert.throws(() => bad.unwrapOrThrow('custom'), { message: 'custom' });
    if (bad.isErr()) assert.equal(bad.errorValue, failure);
  });

  it('tryCatch and tryCatchSync turn a throw into an Err and a value into an Ok', async () => {
    assert.equal((await cross.tryCatch(async () => 1)).unwrap(), 1);
    const rejected = await cross.tryCatch(() => Promise.reject(new RangeError('r')));
    assert.ok(rejected.isErr() && rejected.errorValue instanceof RangeError);
    assert.equal(cross.tryCatchSync(() => 'x').unwrap(), 'x');
    const thrown = cross.tryCatchSync(() => {
      throw new TypeError('t');
    });
    assert.ok(thrown.isErr() && thrown.errorValue instanceof TypeError);
  });

  it('the *Safe functions give what the throwing functions give, as Ok or Err', async () => {
    const signed = await cross.signJWTSafe({ foo: 'bar' }, SECRET);
    assert.ok(signed.isOk());
    const token = signed.unwrap();
    const valid = await cross.validateJWTSafe(token, SECRET);
    assert.ok(valid.isOk() && valid.value.foo === 'bar');
    const wrong = await cross.validateJWTSafe(token, `${SECRET}x`);
    assert.ok(wrong.isErr() && wrong.errorValue instanceof cross.JWTValidationError);
    const format = await cross.validateJWTSafe('invalid.jwt', SECRET);
    assert.ok(format.isErr() && format.errorValue instanceof cross.JWTFormatError);
    const expired = await cross.validateJWTSafe(
      await cross.signJWT({ exp: Math.floor(Date.now() / 1000) - 3600 }, SECRET),
      SECRET,
      { validateExp: true },
    );
    assert.ok(expired.isErr() && expired.errorValue instanceof cross.JWTExpiredError);
    const ambiguous = await cross.signJWTSafe({ exp: 1 }, SECRET, { expiresIn: '1h' });
    assert.ok(ambiguous.isErr() && ambiguous.errorValue instanceof cross.JWTAmbiguousClaimError);
    const parsed = cross.unsafeParseJWTSafe('invalid.jwt');
    assert.ok(parsed.isErr() && parsed.errorValue instanceof cross.JWTParseError);
    assert.equal(cross.unsafeParseJOSEHeaderSafe(token).unwrap().alg, 'HS256');
    const short = await cross.generateKeySafe('short', 'HS256');
    assert.ok(short.isErr() && short.errorValue instanceof cross.JWTValidationError);
    const unknown = await cross.generateKeyPairSafe('INVALID' as SupportedKeyPairAlgorithms);
    assert.ok(unknown.isErr() && unknown.errorValue instanceof cross.JWTUnsupportedAlgorithmError);
    const pair = (await cross.generateKeyPairSafe('ES256')).unwrap();
    const pem = (await cross.exportPEMKeySafe(pair.publicKey)).unwrap();
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal((await cross.importPEMKeySafe(pem, 'ES256')).unwrap().type, 'public');
    const secretPem = await cross.exportPEMKeySafe(await cross.generateKey(SECRET));
    assert.ok(secretPem.isErr() && secretPem.errorValue instanceof cross.JWTUnsupportedAlgorithmError);
  });

  it('never rejects, whatever the token and key (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }),
        fc.oneof(fc.string({ maxLength: 40 }), fc.constant(false as const)),
        async (jwt, key) => {
          const result = await cross.validateJWTSafe(jwt, key);
          // A random string never validates (positive control below), and is always an Err, never a rejection.
          assert.equal(result.isErr(), true);
          let threw = false;
          try {
            cross.unsafeParseJWT(jwt);
          } catch {
            threw = true;
          }
          assert.equal(cross.unsafeParseJWTSafe(jwt).isErr(), threw);
        },
      ),
      { numRuns: 60 },
    );
  });
});
