// Catalogue entries 18-22, 26, 27, 29 and 30: headers, encodings and structure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlattenedJWS, type GeneralJWS, signJWS, signJWT, verifyJWS, verifyJWT } from 'jwtkit';
import { b64u, hmac, hs256Token, SECRET, segment } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';

const claims = { sub: 'x' };

/** An HS256 flattened JWS over raw header JSON text, with an optional unprotected header. */
async function flattened(protectedJSON: string, payload: string, header?: Record<string, unknown>): Promise<FlattenedJWS> {
  const protectedSegment = b64u(protectedJSON);
  const signature = b64u(await hmac('SHA-256', SECRET, `${protectedSegment}.${payload}`));
  return { protected: protectedSegment, payload, signature, ...(header && { header }) };
}

describe('18. crit', () => {
  const payload = segment(claims);

  it('refuses an unknown critical extension unless the caller understands it', async () => {
    const jws = await flattened('{"alg":"HS256","crit":["x"],"x":1}', payload);
    await rejectsWith(verifyJWS(jws, SECRET), 'ERR_CRIT_UNSUPPORTED');
    await verifyJWS(jws, SECRET, { crit: ['x'] });
    const token = await hs256Token('{"alg":"HS256","crit":["x"],"x":1}', claims, SECRET);
    await rejectsWith(verifyJWT(token, SECRET), 'ERR_CRIT_UNSUPPORTED');
    await verifyJWT(token, SECRET, { crit: ['x'] });
  });

  it('refuses malformed crit values per RFC 7515 §4.1.11', async () => {
    const headers = [
      '{"alg":"HS256","crit":[]}',
      '{"alg":"HS256","crit":["x","x"],"x":1}',
      '{"alg":"HS256","crit":["x"]}',
      '{"alg":"HS256","crit":["alg"]}',
      '{"alg":"HS256","crit":["kid"],"kid":"a"}',
      '{"alg":"HS256","crit":"x","x":1}',
      '{"alg":"HS256","crit":[1]}',
    ];
    for (const header of headers) {
      await rejectsWith(verifyJWS(await flattened(header, payload), SECRET, { crit: ['x'] }), 'ERR_JWS_MALFORMED');
      await rejectsWith(verifyJWT(await hs256Token(header, claims, SECRET), SECRET, { crit: ['x'] }), 'ERR_JWT_MALFORMED');
    }
  });

  it('refuses crit in the unprotected header', async () => {
    const jws = await flattened('{"alg":"HS256"}', payload, { crit: ['x'], x: 1 });
    await rejectsWith(verifyJWS(jws, SECRET, { crit: ['x'] }), 'ERR_JWS_MALFORMED');
  });
});

describe('19. b64', () => {
  it('honours b64 only as a protected boolean listed in crit, and never in a JWT', async () => {
    const payload = 'raw payload';
    await rejectsWith(verifyJWS(await flattened('{"alg":"HS256","b64":false}', payload), SECRET), 'ERR_JWS_MALFORMED');
    await rejectsWith(
      verifyJWS(await flattened('{"alg":"HS256","b64":"false","crit":["b64"]}', payload), SECRET),
      'ERR_JWS_MALFORMED',
    );
    await rejectsWith(verifyJWS(await flattened('{"alg":"HS256"}', payload, { b64: false }), SECRET), 'ERR_JWS_MALFORMED');
    await verifyJWS(await flattened('{"alg":"HS256","b64":false,"crit":["b64"]}', payload), SECRET);
    const compact = await signJWS('a.b', SECRET, { b64: false, detached: true });
    const [h, , s] = compact.split('.');
    await rejectsWith(verifyJWS(`${h}.a.b.${s}`, SECRET), 'ERR_JWS_MALFORMED');
    const jwt = await hs256Token('{"alg":"HS256","b64":false,"crit":["b64"]}', claims, SECRET);
    await rejectsWith(verifyJWT(jwt, SECRET), 'ERR_JWT_MALFORMED');
  });
});

describe('20. base64url', () => {
  it('refuses padding, the standard alphabet, whitespace, bad lengths, spare bits and extra segments', async () => {
    const token = await signJWT({ sub: 'x', pad: '>?>?' }, SECRET);
    const [h, p, s] = token.split('.') as [string, string, string];
    const flip = (text: string) => text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + 1);
    const variants = [
      `${h}=.${p}.${s}`,
      `${h}.${p}=.${s}`,
      `${h}.${p}.${s}=`,
      `${h}.${p.replace(/-/g, '+').replace(/_/g, '/')}.${s}`,
      `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}${/[-_]/.test(s) ? '' : '+'}`,
      `${h} .${p}.${s}`,
      `${h}.${p}\n.${s}`,
      `${h}.${p}.${s}A`,
      `${h}.${p}A.${s}`,
      `${h}.${p}.${flip(s)}`,
      `${h}.${p}.${s}.${s}`,
      `.${h}.${p}.${s}`,
    ];
    for (const variant of variants)
      await rejectsWith(verifyJWT(variant, SECRET), ['ERR_JWT_MALFORMED', 'ERR_JWS_SIGNATURE_INVALID']);
    // A signature whose spare bits were changed decodes to the same bytes in lenient decoders: it must not verify.
    assert.equal(s.length % 4, 3);
    await rejectsWith(verifyJWT(`${h}.${p}.${flip(s)}`, SECRET), 'ERR_JWT_MALFORMED');
    // Whether the backend decodes the signature or compares its text (HMAC on node:crypto), a
    // segment that is not canonical fails as malformed, not as a wrong signature.
    const standard = `${s.slice(0, -2)}+/`;
    for (const signature of [`${s}=`, standard, `${s.slice(0, -1)} `, `${s.slice(0, -1)}.`, ''])
      await rejectsWith(verifyJWT(`${h}.${p}.${signature}`, SECRET), 'ERR_JWT_MALFORMED');
  });
});

describe('21. duplicate members', () => {
  it('refuses duplicate header and claim names', async () => {
    await rejectsWith(verifyJWT(await hs256Token('{"alg":"HS256","alg":"none"}', claims, SECRET), SECRET), 'ERR_JWT_MALFORMED');
    for (const payload of ['{"exp":1,"exp":99999999999}', '{"aud":"a","aud":"b"}', '{"sub":"a","n":{"x":1,"x":2}}']) {
      await rejectsWith(verifyJWT(await hs256Token({ alg: 'HS256' }, payload, SECRET), SECRET), 'ERR_JWT_MALFORMED');
    }
  });
});

describe('22. non-object JSON, invalid UTF-8, BOM', () => {
  it('refuses headers and payloads that are not UTF-8 JSON objects', async () => {
    for (const value of ['null', '[]', '1', '"x"', '\uFEFF{"alg":"HS256"}']) {
      await rejectsWith(verifyJWT(await hs256Token(value, claims, SECRET), SECRET), 'ERR_JWT_MALFORMED');
    }
    for (const value of ['null', '[]', '1', '"x"', '\uFEFF{"sub":"x"}', '']) {
      await rejectsWith(verifyJWT(await hs256Token({ alg: 'HS256' }, value, SECRET), SECRET), 'ERR_JWT_MALFORMED');
    }
    const invalidUTF8 = b64u(Uint8Array.of(0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d));
    const input = `${segment({ alg: 'HS256' })}.${invalidUTF8}`;
    const token = `${input}.${b64u(await hmac('SHA-256', SECRET, input))}`;
    await rejectsWith(verifyJWT(token, SECRET), 'ERR_JWT_MALFORMED');
  });
});

describe('26. JWS/JWE confusion', () => {
  it('refuses a JWE handed to a verify API', async () => {
    const jwe = `${segment({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${b64u(new Uint8Array(256))}.${b64u(new Uint8Array(12))}.${b64u('ciphertext')}.${b64u(new Uint8Array(16))}`;
    await rejectsWith(verifyJWT(jwe, SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWS(jwe, SECRET), 'ERR_JWS_MALFORMED');
    const json = {
      protected: segment({ enc: 'A256GCM' }),
      recipients: [{ header: { alg: 'dir' } }],
      iv: 'AAAA',
      ciphertext: 'AAAA',
      tag: 'AAAA',
    };
    await rejectsWith(verifyJWS(json as unknown as GeneralJWS, SECRET), 'ERR_JWS_MALFORMED');
  });
});

describe('27. serialization confusion', () => {
  it('takes compact tokens only in JWT APIs, with the base64url alphabet only', async () => {
    const token = await signJWT(claims, SECRET);
    const flat = await signJWS(JSON.stringify(claims), SECRET, { serialization: 'flattened' });
    await rejectsWith(verifyJWT(flat as unknown as string, SECRET), 'ERR_JWT_MALFORMED');
    await rejectsWith(verifyJWT(JSON.stringify(flat), SECRET), 'ERR_JWT_MALFORMED');
    const [h, p, s] = token.split('.');
    const polyglot = `${h}.${p}.${s}`.replace(`.${s}`, `.{"protected":"${h}","payload":"${p}","signature":"${s}"}`);
    await rejectsWith(verifyJWT(polyglot, SECRET), 'ERR_JWT_MALFORMED');
    for (const variant of [` ${token}`, `${token} `, `${token}\n`, `${h}.${p}.${s}~`, `${h}.${p}é.${s}`]) {
      await rejectsWith(verifyJWT(variant, SECRET), 'ERR_JWT_MALFORMED');
    }
  });
});

describe('29. size', () => {
  it('checks maxTokenLength before decoding anything', async () => {
    const big = await signJWT({ data: 'x'.repeat(9000) }, SECRET);
    await rejectsWith(verifyJWT(big, SECRET), 'ERR_TOKEN_TOO_LARGE');
    await verifyJWT(big, SECRET, { maxTokenLength: 20000 });
    await rejectsWith(verifyJWT(await signJWT(claims, SECRET), SECRET, { maxTokenLength: 50 }), 'ERR_TOKEN_TOO_LARGE');
    await rejectsWith(verifyJWT('.'.repeat(1_000_000), SECRET), 'ERR_TOKEN_TOO_LARGE');
    await rejectsWith(verifyJWT('a'.repeat(20_000_000), SECRET), 'ERR_TOKEN_TOO_LARGE');
    await rejectsWith(verifyJWS('a'.repeat(20_000_000), SECRET), 'ERR_TOKEN_TOO_LARGE');
  });

  it('refuses deeply nested JSON without exhausting the stack', async () => {
    const nested = `{"sub":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const token = await hs256Token({ alg: 'HS256' }, nested, SECRET);
    await rejectsWith(verifyJWT(token, SECRET, { maxTokenLength: 1_000_000 }), 'ERR_JWT_MALFORMED');
  });
});

describe('30. prototype pollution', () => {
  it('keeps __proto__ and constructor members as plain data', async () => {
    const header = '{"alg":"HS256","__proto__":{"alg":"none","polluted":1}}';
    const payload = '{"sub":"x","__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}';
    const { header: parsedHeader, payload: parsed } = await verifyJWT(await hs256Token(header, payload, SECRET), SECRET);
    assert.equal(parsedHeader.alg, 'HS256');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(Object.getPrototypeOf(parsedHeader), Object.prototype);
    assert.equal(parsed.admin, undefined);
    assert.equal((parsedHeader as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(parsed, '__proto__'), true);
  });

  it('signs claims that carry an own __proto__ member (a verified payload re-signed) as plain data', async () => {
    const claims = JSON.parse('{"sub":"x","__proto__":{"admin":true}}') as Record<string, unknown>;
    const token = await signJWT(claims, SECRET, { alg: 'HS256', expiresIn: '1h' });
    const { payload } = await verifyJWT(token, SECRET);
    assert.deepEqual(Object.keys(payload), ['sub', '__proto__', 'iat', 'exp']);
    assert.equal(payload.admin, undefined);
    assert.deepEqual({ ...(Object.getOwnPropertyDescriptor(payload, '__proto__')?.value as object) }, { admin: true });
  });
});
