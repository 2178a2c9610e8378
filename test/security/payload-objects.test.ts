// Payload and header objects are plain objects, as JSON.parse makes them (issue 29, docs/decisions.md
// "Payload objects"). Must never happen: a member name changing a prototype (catalogue 30), a
// payload that differs from JSON.parse's object under assert.deepStrictEqual, hasOwnProperty or
// String failing on a payload that does not define them, a claim found on Object.prototype.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeJWT, decryptJWT, encryptJWT, signJWT, verifyJWT } from 'jwtkit';
import { createAuthenticator } from 'jwtkit/http';
import { createRevocationList } from 'jwtkit/issuer';
import { createMemoryStore } from 'jwtkit/stores';
import { decodeBase64url as base64urlBytes } from '../../src/encoding/base64url.js';
import { parseJSON } from '../../src/encoding/json.js';
import { parseJSONText as scanJSON } from '../../src/encoding/json-scan.js';
import { parseStrict } from '../../src/encoding/json-strict.js';
import { hs256Token, SECRET } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';

const HOSTILE = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupGetter__',
  'admin',
  'polluted',
];
const name = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 }));
/** A JSON object as its members in order, so that "__proto__" can be a member name of the text. */
class Members {
  constructor(readonly entries: ReadonlyArray<readonly [string, unknown]>) {}
}
const members = (value: fc.Arbitrary<unknown>, minLength = 0) =>
  fc
    .uniqueArray(fc.tuple(name, value), { selector: ([key]) => key, minLength, maxLength: 5 })
    .map((entries) => new Members(entries));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie('json'), { maxLength: 3 }),
    members(tie('json')),
  ),
}));
const text = (value: unknown, gap: string): string => {
  if (value instanceof Members)
    return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${text(item, gap)}`).join(gap)}}`;
  if (Array.isArray(value)) return `[${value.map((item) => text(item, gap)).join(gap)}]`;
  return JSON.stringify(value);
};
// A payload object with hostile member names at any depth, compact or with white space.
const payloadText = fc.tuple(members(json, 1), fc.constantFrom(',', ' , ')).map(([value, gap]) => text(value, gap));

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();
const before = prototypeNames();

function assertUnpolluted(): void {
  assert.deepEqual(prototypeNames(), before);
  for (const key of HOSTILE) assert.equal(Object.hasOwn({}, key), false);
  assert.equal(({} as Record<string, unknown>).admin, undefined);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

/** What user code does with a payload; each must work as it does on JSON.parse's object. */
function assertUsable(payload: Record<string, unknown>, reference: Record<string, unknown>): void {
  assert.deepStrictEqual(payload, reference);
  assert.equal(Object.getPrototypeOf(payload), Object.prototype);
  if (!Object.hasOwn(payload, 'hasOwnProperty')) {
    for (const key of Object.keys(reference)) assert.equal(Object.hasOwn(payload, key), true);
    assert.equal(Object.hasOwn(payload, 'not-a-member'), false);
  }
  if (!Object.hasOwn(payload, 'toString') && !Object.hasOwn(payload, 'valueOf')) assert.equal(String(payload), '[object Object]');
}

describe('payloads are plain objects that no member name can turn into a prototype change', () => {
  it("parseJSON, the strict parser and the web build's scan give what JSON.parse gives, for objects with hostile member names", () => {
    fc.assert(
      fc.property(payloadText, (source) => {
        const reference = JSON.parse(source) as Record<string, unknown>;
        assertUsable(parseJSON(source) as Record<string, unknown>, reference);
        assertUsable(parseStrict(source, 64) as Record<string, unknown>, reference);
        assertUsable(scanJSON(source, 64) as Record<string, unknown>, reference);
        assertUnpolluted();
      }),
      { numRuns: 300 },
    );
  });

  it('verifyJWT, decodeJWT and decryptJWT return payloads that deepStrictEqual JSON.parse of the same text', async () => {
    const key = new Uint8Array(32).fill(7);
    await fc.assert(
      fc.asyncProperty(payloadText, async (source) => {
        const reference = JSON.parse(source) as Record<string, unknown>;
        const token = await hs256Token({ alg: 'HS256', typ: 'JWT' }, source, SECRET);
        const verified = await verifyJWT(token, SECRET, { algorithms: ['HS256'] });
        assertUsable(verified.payload, reference);
        assertUsable(decodeJWT(token).payload, reference);
        // A payload that came back can be sealed again and reads back the same.
        const sealed = await encryptJWT(verified.payload, key, { alg: 'dir', enc: 'A256GCM' });
        const opened = await decryptJWT(sealed, key, { alg: 'dir', enc: 'A256GCM' });
        const { iat: _iat, ...rest } = opened.payload;
        assertUsable(Object.hasOwn(reference, 'iat') ? opened.payload : rest, reference);
        assertUnpolluted();
      }),
      { numRuns: 60 },
    );
  });

  it('a header with a __proto__ member keeps its own alg and Object.prototype as its prototype', async () => {
    const token = await hs256Token('{"alg":"HS256","__proto__":{"alg":"none","b64":false}}', '{"sub":"x"}', SECRET);
    const { header } = await verifyJWT(token, SECRET);
    assert.equal(header.alg, 'HS256');
    assert.equal(Object.getPrototypeOf(header), Object.prototype);
    assert.equal((header as Record<string, unknown>).b64, undefined);
    assertUnpolluted();
  });

  it('a header option parsed from JSON writes its members, __proto__ included, and never changes a prototype (sign and encrypt)', async () => {
    await fc.assert(
      fc.asyncProperty(members(json, 1), async (parsed) => {
        const header = parseJSON(text(parsed, ',')) as Record<string, unknown>;
        for (const reserved of [
          'alg',
          'enc',
          'b64',
          'crit',
          'zip',
          'kid',
          'typ',
          'cty',
          'epk',
          'iv',
          'tag',
          'p2s',
          'p2c',
          'apu',
          'apv',
        ])
          delete header[reserved];
        // The header names a caller chose are written as they are, as JSON.parse would read them back.
        const names = Object.keys(header).filter((key) => header[key] !== undefined);
        // The protected header as a reader parses it: the first segment's JSON.
        const first = (token: string) =>
          parseJSON(new TextDecoder().decode(base64urlBytes(token.slice(0, token.indexOf('.'))) as Uint8Array)) as Record<
            string,
            unknown
          >;
        const written = [
          first(await signJWT({ sub: 'x' }, SECRET, { header })),
          first(await encryptJWT({ sub: 'x' }, new Uint8Array(32), { alg: 'dir', enc: 'A256GCM', header })),
        ];
        for (const out of written) {
          assert.equal(Object.getPrototypeOf(out), Object.prototype);
          for (const key of names) assert.equal(Object.hasOwn(out, key), true, `${key} was written`);
        }
        assertUnpolluted();
      }),
      { numRuns: 60 },
    );
  });

  it('claim checks read own members: a property some other code put on Object.prototype is no claim', async () => {
    // Plain-object payloads inherit from Object.prototype: if another library pollutes it, a scope
    // or an iat must still come from the token alone.
    const revocations = createRevocationList(createMemoryStore());
    const now = Math.floor(Date.now() / 1000);
    await revocations.revokeSubject('ada', now + 0.5);
    const authenticate = createAuthenticator({ key: SECRET, algorithms: ['HS256'], requiredScopes: ['admin'] });
    const token = await hs256Token({ alg: 'HS256' }, { sub: 'ada', exp: now + 60 }, SECRET);
    const prototype = Object.prototype as Record<string, unknown>;
    for (const [name, value] of [
      ['scope', 'admin'],
      ['scp', ['admin']],
      ['iat', now + 3600],
    ] as const) {
      prototype[name] = value;
      try {
        const refused = await authenticate({ headers: { authorization: `Bearer ${token}` } } as never).catch((error) => error);
        assert.equal((refused as { code?: string }).code, 'ERR_AUTH_INSUFFICIENT_SCOPE', `${name}: the scope check`);
        assert.equal(await revocations.isRevoked({ sub: 'ada', exp: now + 60 }), true, `${name}: the cut-off`);
      } finally {
        delete prototype[name];
      }
    }
    // Positive control: the same claims as own members count.
    assert.equal(await revocations.isRevoked({ sub: 'ada', iat: now + 3600, exp: now + 60 }), false);
    assertUnpolluted();
  });

  it('requiredClaims never finds a claim on Object.prototype', async () => {
    const token = await hs256Token({ alg: 'HS256' }, { sub: 'x' }, SECRET);
    for (const claim of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      const error = await rejectsWith(verifyJWT(token, SECRET, { requiredClaims: [claim] }), 'ERR_JWT_CLAIM_INVALID');
      assert.equal((error as unknown as { reason: string }).reason, 'missing');
    }
    // Positive control: an own member of those names satisfies the requirement.
    const own = await hs256Token({ alg: 'HS256' }, '{"sub":"x","constructor":1,"__proto__":2}', SECRET);
    await verifyJWT(own, SECRET, { requiredClaims: ['constructor', '__proto__'] });
  });
});
