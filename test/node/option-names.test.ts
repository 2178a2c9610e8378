// Unknown option names (issue 29): every public API refuses a name it does not know with
// ERR_INVALID_OPTION naming the closest known one, and never refuses a name it knows. The lists
// themselves are held equal to the TypeScript interfaces at compile time (src/options.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createSigner,
  createVerifier,
  decryptJWE,
  decryptJWT,
  encryptJWE,
  encryptJWT,
  generateKeyPair,
  generateSecret,
  importKey,
  JWTKitError,
  signJWS,
  signJWT,
  verifyJWS,
  verifyJWT,
} from 'jwtkit';
import { createAuthenticator } from 'jwtkit/http';
import { closestOption } from '../../src/options.js';
import { rejectsWith } from '../support/errors.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln';

/** Each public API with the names it knows; `call` passes `options` as the API's options object. */
const APIS: Record<string, { known: string[]; call: (options: object) => unknown }> = {
  verifyJWT: {
    known: [
      'algorithms',
      'crit',
      'maxTokenLength',
      'issuer',
      'audience',
      'subject',
      'typ',
      'maxAge',
      'clockTolerance',
      'requiredClaims',
      'now',
    ],
    call: (options) => verifyJWT(TOKEN, SECRET, options),
  },
  createVerifier: {
    known: ['key', 'cache', 'algorithms', 'audience', 'maxAge'],
    call: (options) => createVerifier({ key: SECRET, ...options }),
  },
  signJWT: {
    known: ['alg', 'kid', 'expiresIn', 'notBefore', 'audience', 'jwtId', 'noTimestamp'],
    call: (options) => signJWT({}, SECRET, options),
  },
  createSigner: { known: ['key', 'alg', 'expiresIn'], call: (options) => createSigner({ key: SECRET, ...options }) },
  encryptJWT: { known: ['alg', 'enc', 'expiresIn', 'p2c', 'zip'], call: (options) => encryptJWT({}, SECRET, options) },
  decryptJWT: {
    known: ['alg', 'enc', 'verify', 'audience', 'maxPBES2Count'],
    call: (options) => decryptJWT(TOKEN, SECRET, options),
  },
  encryptJWE: { known: ['alg', 'enc', 'serialization', 'aad'], call: (options) => encryptJWE('x', SECRET, options) },
  decryptJWE: {
    known: ['alg', 'enc', 'keyManagementAlgorithms', 'maxRecipients'],
    call: (options) => decryptJWE(TOKEN, SECRET, options),
  },
  signJWS: { known: ['alg', 'serialization', 'detached', 'b64'], call: (options) => signJWS('x', SECRET, options) },
  verifyJWS: { known: ['algorithms', 'payload', 'maxSignatures'], call: (options) => verifyJWS(TOKEN, SECRET, options) },
  importKey: {
    known: ['alg', 'kid', 'extractable', 'unsafeAllowShortSecret', 'secret'],
    call: (options) => importKey(SECRET, options),
  },
  generateKeyPair: {
    known: ['modulusLength', 'crv', 'extractable', 'kid'],
    call: (options) => generateKeyPair('ES256', options),
  },
  generateSecret: { known: ['extractable', 'kid'], call: (options) => generateSecret('HS256', options) },
  createAuthenticator: {
    known: ['key', 'realm', 'cookie', 'credentialsRequired', 'requiredScopes', 'audience', 'algorithms'],
    call: (options) => createAuthenticator({ key: SECRET, ...options }),
  },
};

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('unknown option names', () => {
  it("names jose's maxTokenAge as maxAge and the typo audiance as audience", async () => {
    const age = await rejectsWith(verifyJWT(TOKEN, SECRET, { maxTokenAge: '1h' } as object), 'ERR_INVALID_OPTION');
    assert.match(age.message, /"maxTokenAge": unknown option; did you mean "maxAge"\?/);
    const aud = await rejectsWith(verifyJWT(TOKEN, SECRET, { audiance: 'api' } as object), 'ERR_INVALID_OPTION');
    assert.match(aud.message, /did you mean "audience"/);
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

  for (const [name, api] of Object.entries(APIS)) {
    it(`${name}: a name it does not know is ERR_INVALID_OPTION naming a known option; a known one never is`, async () => {
      const known = new Set(api.known);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...api.known),
          fc.string({ minLength: 1, maxLength: 3 }),
          fc.nat({ max: 20 }),
          async (base, noise, at) => {
            const cut = at % (base.length + 1);
            const unknown = `${base.slice(0, cut)}${noise}${base.slice(cut)}`;
            fc.pre(!known.has(unknown) && !['__proto__', 'constructor'].includes(unknown) && !(unknown in Object.prototype));
            const error = await outcome(() => api.call({ [unknown]: 1 }));
            assert.ok(error instanceof JWTKitError && error.code === 'ERR_INVALID_OPTION', `${name}: ${String(error)}`);
            const named = /did you mean "([^"]+)"/.exec(error.message)?.[1];
            assert.ok(named !== undefined, error.message);
          },
        ),
        { numRuns: 40 },
      );
      // Positive control: each known name passes the name check (its value may still be refused,
      // but never as an unknown option).
      for (const option of api.known) {
        const error = await outcome(() => api.call({ [option]: undefined }));
        if (error instanceof JWTKitError && error.code === 'ERR_INVALID_OPTION')
          assert.doesNotMatch(error.message, /unknown option/, `${name} refused its own option ${option}`);
      }
    });
  }

  it('suggests the nearest name by edit distance', () => {
    const known = new Set(['issuer', 'audience', 'subject', 'maxAge']);
    assert.equal(closestOption('isuer', known), 'issuer');
    assert.equal(closestOption('SUBJECT', known), 'subject');
    assert.equal(closestOption('maxage', known), 'maxAge');
  });
});
