// Unknown option names across the whole public API (issue 29): every function exported by every
// entry point is listed here, either with the options objects it takes or with the reason it takes
// none that could be checked (claims, headers and user payloads legitimately carry any name). A new
// export that is in neither list fails the first test, so the check cannot be forgotten.
//
// Must never happen: a misspelt option accepted (the check it names silently off); a known name
// refused; a claims, header or user object refused for a name of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as core from 'jwtkit';
import * as express from 'jwtkit/express';
import * as fastify from 'jwtkit/fastify';
import * as hono from 'jwtkit/hono';
import * as http from 'jwtkit/http';
import * as inspect from 'jwtkit/inspect';
import * as issuer from 'jwtkit/issuer';
import * as koa from 'jwtkit/koa';
import * as nodeHttp from 'jwtkit/node-http';
import * as oak from 'jwtkit/oak';
import * as pkcs11 from 'jwtkit/pkcs11';
import * as sdJWT from 'jwtkit/sd-jwt';
import * as stores from 'jwtkit/stores';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln';
const EC_PUBLIC = {
  kty: 'EC',
  crv: 'P-256',
  x: 'lqBXo8aYqbPXgSRTWKJ1hwUU_8aYfrevooreQXtZhxA',
  y: 'FdUdFzMtTDPXwcUDZmN5BlGVuJ8aR6S1AVSOLfRtloo',
};

/** One options object of a public API: its complete list of names, and a call passing `options` there. */
interface OptionsCase {
  /** How the message names the object when it is nested (`sign`, `session`, ...). */
  where?: string;
  known: readonly string[];
  call: (options: Record<string, unknown>) => unknown;
}

const VERIFY_JWT = [
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
];
// The access-token preset's: verifyJWT's without typ (the profile's own), with allowSymmetric.
const ACCESS_TOKEN = [...VERIFY_JWT.filter((name) => name !== 'typ'), 'allowSymmetric'];
const CLAIM_SET = ['expiresIn', 'notBefore', 'issuer', 'subject', 'audience', 'jwtId', 'now', 'noTimestamp'];
const SIGN_JWT = ['alg', 'kid', 'typ', 'cty', 'header', 'crit', ...CLAIM_SET];
const HTTP = [
  'verifier',
  'realm',
  'header',
  'cookie',
  'query',
  'getToken',
  'credentialsRequired',
  'isRevoked',
  'requiredScopes',
  'requireClaims',
  'csrf',
  'preflight',
  'dpop',
  'onError',
];
const DPOP_AUTH = ['required', 'baseURL', 'htu', 'algorithms', 'maxAge', 'clockTolerance', 'nonces', 'replay', 'maxProofLength'];
const AUTH = [...HTTP, 'key', 'cache', ...VERIFY_JWT];
const DECRYPT_JWE = [
  'alg',
  'enc',
  'keyManagementAlgorithms',
  'contentEncryptionAlgorithms',
  'crit',
  'maxTokenLength',
  'maxDecompressedSize',
  'maxPBES2Count',
  'maxRecipients',
];
const COOKIE = ['name', 'secure', 'request', 'trustProxy', 'sameSite', 'path', 'domain', 'now', 'maxAge'];
const REMOTE_JWKS = ['timeout', 'cooldown', 'cacheMaxAge', 'staleIfError', 'maxBytes', 'fetch', 'headers'];
const noFetch = async () => new Response('{}', { status: 500 });

const store = () => stores.createMemoryStore();
/** A client shaped like ioredis that answers every command at once: the option check comes before any command matters. */
const idleRedis = () => ({ call: async () => null, subscribe: async () => 1 });
const ring = () => issuer.createKeyRing({ alg: 'ES256' });

/** Every function export of every entry point: its options objects, or why it has none to check. */
const EXPORTS: Record<string, Record<string, readonly OptionsCase[] | string>> = {
  jwtkit: {
    signJWT: [{ known: SIGN_JWT, call: (o) => core.signJWT({}, SECRET, o) }],
    signJWTSync: [{ known: SIGN_JWT, call: (o) => core.signJWTSync({}, SECRET, o) }],
    createSigner: [{ known: ['key', ...SIGN_JWT], call: (o) => core.createSigner({ key: SECRET, ...o }) }],
    verifyJWT: [{ known: VERIFY_JWT, call: (o) => core.verifyJWT(TOKEN, SECRET, o) }],
    verifyJWTSync: [{ known: VERIFY_JWT, call: (o) => core.verifyJWTSync(TOKEN, SECRET, o) }],
    verifyAccessToken: [
      {
        known: ACCESS_TOKEN,
        call: (o) => core.verifyAccessToken(TOKEN, SECRET, { issuer: 'i', audience: 'a', allowSymmetric: true, ...o }),
      },
    ],
    createAccessTokenVerifier: [
      {
        known: ['key', 'cache', ...ACCESS_TOKEN],
        call: (o) => core.createAccessTokenVerifier({ key: SECRET, issuer: 'i', audience: 'a', allowSymmetric: true, ...o }),
      },
    ],
    createVerifier: [
      { known: ['key', 'cache', ...VERIFY_JWT], call: (o) => core.createVerifier({ key: SECRET, ...o }) },
      { where: 'cache', known: ['max', 'ttl', 'errors'], call: (o) => core.createVerifier({ key: SECRET, cache: o as never }) },
    ],
    encryptJWT: [
      {
        known: [...CLAIM_SET, 'alg', 'kid', 'apu', 'apv', 'p2c', 'enc', 'typ', 'cty', 'header', 'crit', 'zip'],
        call: (o) => core.encryptJWT({}, SECRET, o),
      },
    ],
    decryptJWT: [
      {
        known: [...DECRYPT_JWE, 'verify', ...VERIFY_JWT.filter((name) => name !== 'algorithms')],
        call: (o) => core.decryptJWT(TOKEN, SECRET, o),
      },
      {
        where: 'verify',
        known: ['key', 'algorithms', 'crit'],
        call: (o) => core.decryptJWT(TOKEN, SECRET, { verify: o as never }),
      },
    ],
    encryptJWE: [
      {
        known: ['alg', 'kid', 'recipientHeader', 'apu', 'apv', 'p2c', 'enc', 'serialization'].concat([
          'typ',
          'cty',
          'header',
          'crit',
          'unprotectedHeader',
          'aad',
          'zip',
        ]),
        call: (o) => core.encryptJWE('x', SECRET, o),
      },
    ],
    decryptJWE: [{ known: DECRYPT_JWE, call: (o) => core.decryptJWE(TOKEN, SECRET, o) }],
    signJWS: [
      {
        known: ['alg', 'unprotectedHeader', 'serialization', 'detached', 'b64', 'kid', 'typ', 'cty', 'header', 'crit'],
        call: (o) => core.signJWS('x', SECRET, o),
      },
    ],
    verifyJWS: [
      {
        known: ['algorithms', 'crit', 'payload', 'maxTokenLength', 'maxSignatures'],
        call: (o) => core.verifyJWS(TOKEN, SECRET, o),
      },
    ],
    importKey: [
      { known: ['alg', 'kid', 'extractable', 'unsafeAllowShortSecret', 'secret'], call: (o) => core.importKey(SECRET, o) },
    ],
    importKeySync: [
      { known: ['alg', 'kid', 'extractable', 'unsafeAllowShortSecret', 'secret'], call: (o) => core.importKeySync(SECRET, o) },
    ],
    generateKeyPair: [{ known: ['modulusLength', 'crv', 'extractable', 'kid'], call: (o) => core.generateKeyPair('ES256', o) }],
    generateSecret: [{ known: ['extractable', 'kid'], call: (o) => core.generateSecret('HS256', o) }],
    createRemoteJWKS: [
      { known: REMOTE_JWKS, call: (o) => core.createRemoteJWKS('https://a.example/jwks', { fetch: noFetch, ...o }) },
    ],
    fromIssuer: [{ known: REMOTE_JWKS, call: (o) => core.fromIssuer('https://a.example', { fetch: noFetch, ...o }) }],
    decodeJWT: 'a token only',
    exportKey: 'a key and a format name',
    createExternalKey: [
      {
        known: ['alg', 'publicKey', 'kid', 'sign', 'signatureFormat', 'decrypt', 'deriveSharedSecret', 'timeout'],
        // Each known name alone must pass the name check; the values are checked after it.
        call: (o) => core.createExternalKey({ alg: 'ES256', publicKey: EC_PUBLIC, sign: async () => new Uint8Array(64), ...o }),
      },
    ],
    externalPublicKey: 'a key',
    ecdsaDERToJOSE: 'signature bytes and a size',
    ecdsaJOSEToDER: 'signature bytes',
    createLocalJWKS: 'a JWKS (its keys are data)',
    createSecretJWKS: 'a JWKS (its keys are data)',
    jwkThumbprint: 'a JWK (data) and a hash name',
    jwkThumbprintURI: 'a JWK (data) and a hash name',
    createDPoPProof: [
      {
        known: ['htm', 'htu', 'nonce', 'accessToken', 'alg', 'iat', 'jti'],
        call: async (o) => core.createDPoPProof(await core.generateKeyPair('ES256'), o as never),
      },
    ],
    verifyDPoPProof: [
      {
        known: [
          'htm',
          'htu',
          'algorithms',
          'maxAge',
          'clockTolerance',
          'now',
          'accessToken',
          'jkt',
          'nonce',
          'replay',
          'maxProofLength',
        ],
        call: (o) => core.verifyDPoPProof(TOKEN, o as never),
      },
    ],
    recordDPoPProof: [
      {
        known: ['replay', 'maxAge', 'clockTolerance'],
        call: (o) => core.recordDPoPProof({ jkt: 'jkt', payload: { jti: crypto.randomUUID() } }, o as never),
      },
    ],
    createDPoPNonces: [{ known: ['secret', 'lifetime', 'now'], call: (o) => core.createDPoPNonces(o) }],
    dpopProofFromHeaders: 'header values (data)',
    createDPoPFetch: [
      {
        known: ['keyPair', 'accessToken', 'fetch', 'alg'],
        call: async (o) => core.createDPoPFetch({ keyPair: await core.generateKeyPair('ES256'), ...o } as never),
      },
    ],
  },
  'jwtkit/http': {
    createAuthenticator: [
      { known: AUTH, call: (o) => http.createAuthenticator({ key: SECRET, ...o }) },
      {
        where: 'csrf',
        known: ['origins', 'header', 'cookie'],
        call: (o) => http.createAuthenticator({ key: SECRET, cookie: true, csrf: o as never }),
      },
      {
        where: 'dpop',
        known: DPOP_AUTH,
        call: (o) => http.createAuthenticator({ key: SECRET, dpop: { baseURL: 'https://api.example', ...o } as never }),
      },
    ],
    authenticate: [{ known: AUTH, call: (o) => http.authenticate({ method: 'GET', headers: {} }, { key: SECRET, ...o }) }],
    withAuth: [{ known: AUTH, call: (o) => http.withAuth(() => new Response(), { key: SECRET, ...o }) }],
    tokenCookie: [{ known: COOKIE, call: (o) => http.tokenCookie(TOKEN, o) }],
    setTokenCookie: [{ known: COOKIE, call: (o) => http.setTokenCookie(new Headers(), TOKEN, o) }],
    setCSRFCookie: [{ known: COOKIE, call: (o) => http.setCSRFCookie(new Headers(), 'v', o) }],
    clearTokenCookie: [
      { known: COOKIE.filter((name) => name !== 'maxAge'), call: (o) => http.clearTokenCookie(new Headers(), o) },
    ],
    bearerChallenge: 'RFC 6750 auth-params: an open set of names',
    createCSRFToken: 'no arguments',
    grantedScopes: 'a verified payload (claims)',
  },
  'jwtkit/express': {
    jwtAuth: [{ known: AUTH, call: (o) => express.jwtAuth({ key: SECRET, ...o }) }],
    authErrorHandler: 'no arguments',
  },
  'jwtkit/hono': { jwtAuth: [{ known: AUTH, call: (o) => hono.jwtAuth({ key: SECRET, ...o }) }] },
  'jwtkit/koa': { jwtAuth: [{ known: AUTH, call: (o) => koa.jwtAuth({ key: SECRET, ...o }) }] },
  'jwtkit/oak': { jwtAuth: [{ known: AUTH, call: (o) => oak.jwtAuth({ key: SECRET, ...o }) }] },
  'jwtkit/node-http': {
    withAuth: [{ known: AUTH, call: (o) => nodeHttp.withAuth(() => undefined, { key: SECRET, ...o }) }],
    sendAuthError: 'a response and an AuthError',
  },
  'jwtkit/fastify': {
    // Registered in fastify.test.ts with a real server; here the plugin's options reach createAuthenticator.
    default: 'a Fastify plugin: its options are createAuthenticator options plus sign (createSigner), both checked there',
    fastifyJwtkit: 'a Fastify plugin: its options are createAuthenticator options plus sign (createSigner), both checked there',
  },
  'jwtkit/issuer': {
    createKeyRing: [
      {
        known: ['alg', 'keys', 'rotateEvery', 'maxTokenLifetime', 'clockTolerance', 'jwksMaxAge', 'sign', 'generateKey'],
        call: (o) => issuer.createKeyRing({ alg: 'ES256', ...o }),
      },
      {
        where: 'sign',
        known: ['typ', 'cty', 'header', 'crit', ...CLAIM_SET],
        call: (o) => issuer.createKeyRing({ alg: 'ES256', sign: o }),
      },
      { known: ['typ', 'cty', 'header', 'crit', ...CLAIM_SET], call: async (o) => (await ring()).sign({}, o) },
    ],
    createRevocationList: [
      {
        known: ['maxTokenLifetime', 'clockTolerance', 'failOpen', 'onFailOpen'],
        call: (o) => issuer.createRevocationList(store(), o),
      },
      {
        where: 'session',
        known: ['sid', 'sub', 'startedAt'],
        call: (o) => issuer.createRevocationList(store()).isSessionRevoked({ sid: 's', sub: 'u', startedAt: 1, ...o }),
      },
    ],
    createTokenIssuer: [
      {
        known: ['ring', 'store', 'accessTokenLifetime', 'refreshTokenLifetime', 'revocations', 'accessTokenProfile'],
        call: async (o) => issuer.createTokenIssuer({ ring: await ring(), store: store(), ...o }),
      },
      {
        where: 'accessTokenProfile',
        known: ['issuer', 'audience', 'clientId'],
        call: async (o) =>
          issuer.createTokenIssuer({
            ring: await ring(),
            store: store(),
            accessTokenProfile: { issuer: 'i', audience: 'a', ...o } as never,
          }),
      },
      {
        where: 'session',
        known: ['refreshToken', 'accessToken'],
        call: async (o) => issuer.createTokenIssuer({ ring: await ring(), store: store() }).logout(o),
      },
      {
        known: ['dpop'],
        call: async (o) => issuer.createTokenIssuer({ ring: await ring(), store: store() }).issueTokenPair({ sub: 'u' }, o),
      },
      {
        known: ['dpop'],
        call: async (o) => {
          const tokens = issuer.createTokenIssuer({ ring: await ring(), store: store() });
          return tokens.refresh((await tokens.issueTokenPair({ sub: 'u' })).refreshToken, o);
        },
      },
    ],
    keysFromText: 'key text',
  },
  'jwtkit/stores': {
    createMemoryStore: [{ known: ['max'], call: (o) => stores.createMemoryStore(o) }],
    createRedisStore: [
      {
        known: ['prefix', 'timeout', 'replicas', 'replicaTimeout', 'nearCache'],
        call: (o) => stores.createRedisStore(idleRedis(), o),
      },
      {
        where: 'nearCache',
        known: ['subscriber', 'maxStaleness', 'max'],
        call: async (o) => {
          const store = stores.createRedisStore(idleRedis(), { nearCache: { subscriber: idleRedis(), ...o } });
          await store.close();
        },
      },
    ],
  },
  'jwtkit/pkcs11': {
    // The names are checked before the module is loaded; key() and generateKey() are methods of the
    // open token, checked in test/node/pkcs11.test.ts.
    openPKCS11: [
      {
        known: ['module', 'token', 'slot', 'pinFile', 'pinEnv', 'sessions', 'timeout'],
        call: (o) => pkcs11.openPKCS11({ module: '/nonexistent/libpkcs11.so', pinEnv: 'JWTKIT_NO_SUCH_PIN', ...o } as never),
      },
    ],
    parsePKCS11URI: 'takes a URI string',
  },
  'jwtkit/sd-jwt': {
    issueSDJWT: [
      { known: [...SIGN_JWT, 'disclosable', 'decoys', 'sdAlg', 'holderKey'], call: (o) => sdJWT.issueSDJWT({}, SECRET, o) },
    ],
    presentSDJWT: [
      { known: ['disclose', 'keyBinding', 'maxTokenLength'], call: (o) => sdJWT.presentSDJWT(`${TOKEN}~`, o) },
      {
        where: 'keyBinding',
        known: ['key', 'aud', 'nonce', 'iat', 'alg'],
        call: (o) => sdJWT.presentSDJWT(`${TOKEN}~`, { keyBinding: o as never }),
      },
    ],
    verifySDJWT: [
      { known: [...VERIFY_JWT, 'keyBinding'], call: (o) => sdJWT.verifySDJWT(`${TOKEN}~`, SECRET, o) },
      {
        where: 'keyBinding',
        known: ['required', 'audience', 'nonce', 'maxAge', 'clockTolerance', 'algorithms'],
        call: (o) => sdJWT.verifySDJWT(`${TOKEN}~`, SECRET, { keyBinding: o as never }),
      },
    ],
    decodeSDJWT: [{ known: ['maxTokenLength'], call: (o) => sdJWT.decodeSDJWT(`${TOKEN}~`, o) }],
    issueSDJWTVC: [
      {
        known: [...SIGN_JWT.filter((name) => name !== 'typ'), 'disclosable', 'decoys', 'sdAlg', 'holderKey'],
        call: (o) => sdJWT.issueSDJWTVC({ vct: 'https://credentials.example.com/t' }, SECRET, o),
      },
    ],
    verifySDJWTVC: [
      {
        known: [...VERIFY_JWT.filter((name) => name !== 'typ'), 'keyBinding', 'vct', 'acceptLegacyTyp'],
        call: (o) => sdJWT.verifySDJWTVC(`${TOKEN}~`, SECRET, o),
      },
      {
        where: 'keyBinding',
        known: ['required', 'audience', 'nonce', 'maxAge', 'clockTolerance', 'algorithms'],
        call: (o) => sdJWT.verifySDJWTVC(`${TOKEN}~`, SECRET, { keyBinding: o as never }),
      },
    ],
  },
  'jwtkit/inspect': {
    inspectToken: [
      {
        known: [
          'now',
          'maxLifetime',
          'maxSize',
          'secretCheck',
          'shortSecrets',
          'secrets',
          'maxSecretCandidates',
          'maxInputLength',
          'signal',
        ],
        call: (o) => inspect.inspectToken(TOKEN, { secretCheck: false, ...o }),
      },
    ],
    findWeakSecret: [
      {
        known: ['extra', 'short', 'maxCandidates', 'maxTokenLength', 'signal'],
        call: (o) => inspect.findWeakSecret(TOKEN, { maxCandidates: 1, ...o }),
      },
    ],
    extractToken: [{ known: ['maxInputLength'], call: (o) => inspect.extractToken(TOKEN, o) }],
    dissectToken: [{ known: ['maxInputLength'], call: (o) => inspect.dissectToken(TOKEN, o) }],
    commonSecrets: 'no arguments',
    shortSecrets: 'no arguments',
    describeMembers: 'a header or payload (data)',
    describeTime: 'a claim name and times',
    timeStatus: 'a payload (claims)',
    isoTime: 'a time',
    relativeTime: 'times',
    formatDuration: 'a number of seconds',
    findPersonalData: 'a payload (claims)',
    passesLuhn: 'digits',
    maskSecret: 'a secret',
    jweKeyAlgorithm: 'two algorithm names',
    keyFromText: 'key text read by readKeyText',
    readKeyText: 'key text and an encoding name',
    readKeyBytes: 'key bytes and an encoding name',
    isDPoPProof: 'a header (data)',
    privateMembers: 'a JWK (data)',
    explainDPoPProof: 'a header, a payload and a time (data)',
    checkAccessTokenHash: 'a payload and an access token (data)',
    explainConfirmation: 'a payload (claims)',
    extractSDJWT: 'pasted text',
    explainSDJWT: 'an SD-JWT (data)',
  },
};

const MODULES: Record<string, Record<string, unknown>> = {
  jwtkit: core,
  'jwtkit/http': http,
  'jwtkit/express': express,
  'jwtkit/fastify': fastify,
  'jwtkit/hono': hono,
  'jwtkit/koa': koa,
  'jwtkit/oak': oak,
  'jwtkit/node-http': nodeHttp,
  'jwtkit/issuer': issuer,
  'jwtkit/stores': stores,
  'jwtkit/inspect': inspect,
  'jwtkit/sd-jwt': sdJWT,
  'jwtkit/pkcs11': pkcs11,
};

const isClass = (value: unknown) => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

/** Levenshtein distance, case-insensitive (the suggestion ignores case). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++)
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[y.length] as number;
}

/** An edit of `name`: one character inserted, deleted or replaced, two neighbours swapped, or up to three characters of any kind inserted. */
const edit = (names: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...names),
      fc.constantFrom('insert', 'delete', 'replace', 'swap', 'noise'),
      fc.nat(),
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789'),
      fc.string({ minLength: 1, maxLength: 3 }),
    )
    .map(([base, kind, at, char, noise]) => {
      const i = at % (base.length + (kind === 'insert' || kind === 'noise' ? 1 : 0));
      const typo =
        kind === 'noise'
          ? base.slice(0, i) + noise + base.slice(i)
          : kind === 'insert'
            ? base.slice(0, i) + char + base.slice(i)
            : kind === 'delete'
              ? base.slice(0, i) + base.slice(i + 1)
              : kind === 'replace'
                ? base.slice(0, i) + char + base.slice(i + 1)
                : base.slice(0, i) + (base[i + 1] ?? '') + (base[i] ?? '') + base.slice(i + 2);
      return { base, typo };
    });

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('unknown option names across the package exports', () => {
  it('every function export of every entry point is listed: with its options objects, or why it has none', () => {
    for (const [specifier, module] of Object.entries(MODULES)) {
      const listed = EXPORTS[specifier] ?? {};
      const functions = Object.entries(module)
        .filter(([, value]) => typeof value === 'function' && !isClass(value))
        .map(([name]) => name);
      for (const name of functions) assert.ok(name in listed, `${specifier}: ${name} is not listed in this test`);
      for (const name of Object.keys(listed)) assert.ok(functions.includes(name), `${specifier}: ${name} is not exported`);
    }
  });

  for (const [specifier, entries] of Object.entries(EXPORTS)) {
    for (const [name, cases] of Object.entries(entries)) {
      if (typeof cases === 'string') continue;
      for (const { where, known, call } of cases) {
        const label = `${specifier} ${name}${where === undefined ? '' : ` (${where})`}`;
        it(`${label}: a single-character edit of a known name is ERR_INVALID_OPTION suggesting a known name; known names pass`, async () => {
          const names = new Set(known);
          await fc.assert(
            fc.asyncProperty(edit(known), async ({ base, typo }) => {
              fc.pre(typo !== '' && !names.has(typo) && !(typo in Object.prototype));
              const error = await outcome(() => call({ [typo]: 1 }));
              assert.ok(
                error instanceof core.JWTKitError && error.code === 'ERR_INVALID_OPTION',
                `${label}: ${typo} gave ${String(error)}`,
              );
              const option = where === undefined ? typo : `${where}.${typo}`;
              assert.ok(error.message.includes(`"${option}": unknown option`), error.message);
              const suggested = /did you mean "([^"]+)"/.exec(error.message)?.[1];
              assert.ok(suggested !== undefined, error.message);
              const bare = where === undefined ? suggested : suggested.replace(`${where}.`, '');
              assert.ok(names.has(bare), `${label}: suggested ${suggested}, not one of its names`);
              // The base is one edit away, so the suggestion is at most as far (an alias aside).
              assert.ok(distance(bare, typo) <= distance(base, typo) || bare === base, `${typo}: ${suggested}`);
            }),
            { numRuns: 25 },
          );
          // Positive control: every known name passes the name check (its value may be refused, not its name).
          for (const option of known) {
            const error = await outcome(() => call({ [option]: undefined }));
            if (error instanceof core.JWTKitError && error.code === 'ERR_INVALID_OPTION')
              assert.doesNotMatch(error.message, /unknown option/, `${label} refused its own option ${option}`);
          }
        });
      }
    }
  }

  it('null, a number or a string where an options object goes is ERR_INVALID_OPTION naming it, never a TypeError', async () => {
    // The functions that take their options object as it is given (those whose options are spread
    // into a call above cannot be handed null through the table).
    const direct: [string, string, (options: never) => unknown][] = [
      ['signJWT', 'options', (o) => core.signJWT({}, SECRET, o)],
      ['signJWTSync', 'options', (o) => core.signJWTSync({}, SECRET, o)],
      ['verifyJWT', 'options', (o) => core.verifyJWT(TOKEN, SECRET, o)],
      ['verifyJWTSync', 'options', (o) => core.verifyJWTSync(TOKEN, SECRET, o)],
      ['createVerifier cache', 'cache', (o) => core.createVerifier({ key: SECRET, cache: o })],
      ['encryptJWT', 'options', (o) => core.encryptJWT({}, SECRET, o)],
      ['decryptJWT', 'options', (o) => core.decryptJWT(TOKEN, SECRET, o)],
      ['decryptJWT verify', 'verify', (o) => core.decryptJWT(TOKEN, SECRET, { verify: o })],
      ['encryptJWE', 'options', (o) => core.encryptJWE('x', SECRET, o)],
      ['decryptJWE', 'options', (o) => core.decryptJWE(TOKEN, SECRET, o)],
      ['signJWS', 'options', (o) => core.signJWS('x', SECRET, o)],
      ['verifyJWS', 'options', (o) => core.verifyJWS(TOKEN, SECRET, o)],
      ['importKey', 'options', (o) => core.importKey(SECRET, o)],
      ['importKeySync', 'options', (o) => core.importKeySync(SECRET, o)],
      ['generateKeyPair', 'options', (o) => core.generateKeyPair('ES256', o)],
      ['generateSecret', 'options', (o) => core.generateSecret('HS256', o)],
      ['presentSDJWT', 'options', (o) => sdJWT.presentSDJWT(`${TOKEN}~`, o)],
      ['verifySDJWT', 'options', (o) => sdJWT.verifySDJWT(`${TOKEN}~`, SECRET, o)],
      ['issueSDJWT', 'options', (o) => sdJWT.issueSDJWT({}, SECRET, o)],
      ['decodeSDJWT', 'options', (o) => sdJWT.decodeSDJWT(`${TOKEN}~`, o)],
      ['tokenCookie', 'options', (o) => http.tokenCookie(TOKEN, o)],
      ['createMemoryStore', 'options', (o) => stores.createMemoryStore(o)],
    ];
    for (const [name, option, call] of direct) {
      for (const value of [null, 42, 'x', true]) {
        const error = await outcome(() => call(value as never));
        assert.ok(
          error instanceof core.JWTKitError && error.code === 'ERR_INVALID_OPTION',
          `${name}(${JSON.stringify(value)}): ${String(error)}`,
        );
        assert.equal((error as core.InvalidOptionError).option, option, name);
      }
    }
    // decodeJWT checks no option names (its bundle stays small): null is no options there, not a TypeError.
    assert.equal(core.decodeJWT(TOKEN, null as never).header.alg, 'HS256');
  });

  it('claims, headers and user payloads keep names of their own', async () => {
    const claims = { scope: 'read', tenant: 't1', audiance: 'not an option here' };
    const token = await core.signJWT(claims, SECRET, { header: { x5t: 'a', custom: 1 }, expiresIn: 60 });
    assert.equal((await core.verifyJWT(token, SECRET)).payload.audiance, 'not an option here');
    const keyRing = await ring();
    const signed = await keyRing.sign({ tenant: 't1', maxAge: 5 }, { expiresIn: 60 });
    assert.equal(core.decodeJWT(signed).payload.maxAge, 5);
    const tokens = issuer.createTokenIssuer({ ring: keyRing, store: store() });
    const pair = await tokens.issueTokenPair({ sub: 'ada', role: 'admin', expiresIn: 'x' });
    assert.equal(core.decodeJWT(pair.accessToken).payload.role, 'admin');
    await issuer.createRevocationList(store()).revoke({ jti: 'j', exp: 2e9, anything: 1 });
  });

  it('a misspelt logout field is refused, where it used to end nothing and resolve', async () => {
    const tokens = issuer.createTokenIssuer({ ring: await ring(), store: store() });
    const pair = await tokens.issueTokenPair({ sub: 'ada' });
    await assert.rejects(
      tokens.logout({ refreshtoken: pair.refreshToken } as never),
      /"session\.refreshtoken".*"session\.refreshToken"/,
    );
    await tokens.logout({ refreshToken: pair.refreshToken });
    await assert.rejects(tokens.refresh(pair.refreshToken), /logged out/);
  });

  it("an access-token lifetime over the ring's maxTokenLifetime is refused when the issuer is made, naming the option", async () => {
    const short = await issuer.createKeyRing({ alg: 'ES256', maxTokenLifetime: '5m' });
    assert.equal(short.maxTokenLifetime, 300);
    assert.throws(() => issuer.createTokenIssuer({ ring: short, store: store() }), /"accessTokenLifetime": 900 s is longer/);
    const fits = issuer.createTokenIssuer({ ring: short, store: store(), accessTokenLifetime: '5m' });
    assert.equal((await fits.issueTokenPair({ sub: 'ada' })).expiresIn, 300);
  });

  it('a logout with neither token is refused, where it used to end nothing and resolve', async () => {
    const tokens = issuer.createTokenIssuer({ ring: await ring(), store: store() });
    const pair = await tokens.issueTokenPair({ sub: 'ada' });
    for (const session of [{}, { refreshToken: undefined }, { accessToken: undefined, refreshToken: undefined }])
      await assert.rejects(tokens.logout(session), /neither refreshToken nor accessToken/);
    assert.equal((await tokens.refresh(pair.refreshToken)).tokenType, 'Bearer', 'the session still works: nothing was ended');
    await assert.rejects(tokens.logout({ accessToken: pair.accessToken as never }), /the verified payload/);
  });

  it('the key ring refuses alg and kid in its sign options: it sets them itself', async () => {
    await assert.rejects(
      issuer.createKeyRing({ alg: 'ES256', sign: { alg: 'HS256' } as never }),
      /"sign\.alg".*sets alg and kid/,
    );
    await assert.rejects((await ring()).sign({}, { kid: 'x', expiresIn: 60 } as never), /"kid".*sets alg and kid/);
  });
});
