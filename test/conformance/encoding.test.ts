import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64url, encodeBase64url, isBase64url } from '../../src/encoding/base64url.js';
import { JSONSyntaxError, parseJSON } from '../../src/encoding/json.js';
import { utf8Decode } from '../../src/encoding/utf8.js';

describe('base64url', () => {
  it('round-trips every length from 0 to 300', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      const text = encodeBase64url(bytes);
      assert.match(text, /^[A-Za-z0-9_-]*$/);
      assert.deepEqual([...(decodeBase64url(text) as Uint8Array)], [...bytes]);
    }
  });

  it('refuses padding, the standard alphabet, whitespace, bad lengths and non-canonical trailing bits', () => {
    for (const bad of ['QQ==', 'QQ=', 'a+b/', 'ab c', 'ab\n', 'A', 'AAAAA', 'QR', 'QUJ', 'AB', 'AAB']) {
      assert.equal(isBase64url(bad), false, bad);
      assert.equal(decodeBase64url(bad), undefined, bad);
    }
    for (const good of ['', 'QQ', 'QUI', 'QUJD', 'AA', 'AAA', '-_-_']) assert.equal(isBase64url(good), true, good);
  });
});

describe('strict JSON', () => {
  const agrees = [
    '{}',
    '[]',
    '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
    '{"s":"\\u00e9\\n\\t\\"\\\\\\/"}',
    '  {"n":-0.5e+10}  ',
    '"x"',
    '0',
    '-12.5E-3',
    '{"emoji":"😀","nested":[[[[1]]]]}',
    '{"lone":"\\ud800"}',
  ];

  it('agrees with JSON.parse on valid input', () => {
    for (const text of agrees) assert.deepEqual(JSON.parse(JSON.stringify(parseJSON(text))), JSON.parse(text), text);
  });

  it('refuses what RFC 8259 refuses', () => {
    const bad = [
      '',
      '{',
      '{"a":1,}',
      '[1,]',
      "{'a':1}",
      '{a:1}',
      'NaN',
      'Infinity',
      '01',
      '1.',
      '.5',
      '+1',
      '"\t"',
      '"\\x"',
      '"\\u12"',
      'true false',
      '\uFEFF{}',
      '{"a" 1}',
      'nul',
      '[1 2]',
      '-',
      '-01',
      '1e',
      '1E+',
      '1.e5',
      '0x10',
      '{"exp":1e}',
    ];
    for (const text of bad) assert.throws(() => parseJSON(text), JSONSyntaxError, JSON.stringify(text));
  });

  it('refuses duplicate member names, at any depth', () => {
    assert.throws(() => parseJSON('{"alg":"HS256","alg":"none"}'), /duplicate/);
    assert.throws(() => parseJSON('{"a":{"b":1,"b":2}}'), /duplicate/);
    assert.throws(() => parseJSON('{"__proto__":1,"__proto__":2}'), /duplicate/);
    // An escaped spelling of a name is the same name.
    assert.throws(() => parseJSON('{"alg":"HS256","\\u0061lg":"none"}'), /duplicate/);
  });

  it('reads common and uncommon member names alike, at any depth', () => {
    const text = '{"exp":1,"ex":2,"expx":3,"e":4,"x5t#S256":5,"nested":{"exp":6,"kid":{}},"list":[{"iss":"a"},{}]}';
    const value = parseJSON(text) as Record<string, Record<string, unknown>>;
    assert.deepEqual(JSON.parse(JSON.stringify(value)), JSON.parse(text));
    for (const object of [value, value.nested, value.nested?.kid, value.list?.[0], value.list?.[1]]) {
      assert.equal(Object.getPrototypeOf(object), null);
    }
  });

  it('builds null-prototype objects that keep __proto__ as plain data', () => {
    const value = parseJSON('{"__proto__":{"admin":true},"constructor":{"prototype":1}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), null);
    assert.deepEqual(Object.keys(value), ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });

  it('keeps 1e400 as Infinity for the claim checks to refuse, and caps depth', () => {
    assert.equal(parseJSON('1e400'), Number.POSITIVE_INFINITY);
    assert.throws(() => parseJSON(`${'['.repeat(100000)}${']'.repeat(100000)}`), /deep/);
    assert.doesNotThrow(() => parseJSON(`${'['.repeat(64)}${']'.repeat(64)}`));
  });
});

describe('UTF-8', () => {
  it('refuses invalid sequences instead of replacing them', () => {
    assert.equal(utf8Decode(new Uint8Array([0x7b, 0xff, 0x7d])), undefined);
    assert.equal(utf8Decode(new Uint8Array([0xed, 0xa0, 0x80])), undefined);
    assert.equal(utf8Decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), '\uFEFF{}');
  });
});
