// Unknown option names (issue 29): the messages and nested paths. That every public API refuses a
// name it does not know and accepts every name it knows is option-names-exports.test.ts, over the
// whole export list; the lists themselves are held equal to the TypeScript interfaces at compile
// time (src/options.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { createSigner, createVerifier, decryptJWT, importKey, verifyJWT } from 'jwtkit';
import { createAuthenticator } from 'jwtkit/http';
import { closestOption } from '../../src/options.js';
import { rejectsWith } from '../support/errors.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln';

describe('unknown option names', () => {
  it("names jose's maxTokenAge as maxAge and the typo audiance as audience", async () => {
    const age = await rejectsWith(verifyJWT(TOKEN, SECRET, { maxTokenAge: '1h' } as object), 'ERR_INVALID_OPTION');
    assert.match(age.message, /"maxTokenAge": unknown option; did you mean "maxAge"\?/);
    const aud = await rejectsWith(verifyJWT(TOKEN, SECRET, { audiance: 'api' } as object), 'ERR_INVALID_OPTION');
    assert.match(aud.message, /did you mean "audience"/);
  });

  it("names express-jwt's and passport-jwt's secret options as key", () => {
    for (const name of ['secret', 'secretOrKey', 'secretOrPublicKey'])
      assert.throws(
        () => createAuthenticator({ [name]: SECRET } as object),
        new RegExp(`"${name}": unknown option; did you mean "key"`),
      );
  });

  it('refuses options that are not a plain object (class instances, Object.create, hidden properties): some checks would miss them', async () => {
    // A verifier that copies its options kept `key` and lost the inherited `audience`: a token for
    // another audience was accepted (attacker review).
    class Config {
      get key() {
        return SECRET;
      }
      get audience() {
        return 'api';
      }
    }
    const inherited = Object.create({ audience: 'api' }) as Record<string, unknown>;
    inherited.key = SECRET;
    const hidden = Object.defineProperty({ key: SECRET }, 'audience', { value: 'api', enumerable: false });
    for (const options of [new Config(), inherited, hidden]) {
      assert.throws(() => createVerifier(options as never), /"options": must be a plain object/);
      assert.throws(() => createAuthenticator(options as never), /"options": must be a plain object/);
      await rejectsWith(verifyJWT(TOKEN, SECRET, options as object), 'ERR_INVALID_OPTION');
    }
    // Positive controls: a plain object, a null-prototype one and one from another realm.
    const realm = runInNewContext(`({ key: ${JSON.stringify(SECRET)}, audience: 'api' })`) as object;
    for (const options of [{ key: SECRET, audience: 'api' }, Object.assign(Object.create(null), { key: SECRET }), realm])
      assert.equal(typeof createVerifier(options as never), 'function');
  });

  it('createSigner and createVerifier given a key where their one options object belongs say how to call them', async () => {
    const key = await importKey(SECRET, { alg: 'HS256' });
    assert.throws(
      () => createVerifier(key as never),
      /createVerifier takes one options object, the key in it: createVerifier\(\{ key/,
    );
    assert.throws(() => createSigner(key as never), /createSigner takes one options object, the key in it: createSigner\(\{ key/);
    assert.equal(typeof createSigner({ key, alg: 'HS256' }), 'function');
  });

  it('is refused even when its value is undefined (the check would be off all the same)', async () => {
    await rejectsWith(verifyJWT(TOKEN, SECRET, { issuerr: undefined } as object), 'ERR_INVALID_OPTION');
  });

  it('names nested options by their path: cache, verify, csrf', async () => {
    assert.throws(
      () => createVerifier({ key: SECRET, cache: { max: 1, ttl: 1, tll: 2 } as never }),
      /"cache\.tll".*"cache\.ttl"/,
    );
    await assert.rejects(
      decryptJWT(TOKEN, SECRET, { verify: { key: SECRET, algorithm: ['HS256'] } as never }),
      /"verify\.algorithm".*"verify\.algorithms"/,
    );
    assert.throws(
      () => createAuthenticator({ key: SECRET, cookie: true, csrf: { origin: ['https://a.example'] } as never }),
      /"csrf\.origin".*"csrf\.origins"/,
    );
  });

  it('suggests the nearest name by edit distance', () => {
    const known = new Set(['issuer', 'audience', 'subject', 'maxAge']);
    assert.equal(closestOption('isuer', known), 'issuer');
    assert.equal(closestOption('SUBJECT', known), 'subject');
    assert.equal(closestOption('maxage', known), 'maxAge');
  });
});
