import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runtimeBase64urlDecoder } from '#codec';
import { buildInfo } from '../../src/backend/build-info.js';
import { BASE64URL_DECODERS, decodeBase64url, encodeBase64url, isBase64url } from '../../src/encoding/base64url.js';
import { JSONSyntaxError, parseJSON as parseJSONHere } from '../../src/encoding/json.js';
import { parseJSONText as scanJSON } from '../../src/encoding/json-scan.js';
import { parseStrict, parseJSONText as strictJSON } from '../../src/encoding/json-strict.js';
import { asciiBytes, utf8Decode } from '../../src/encoding/utf8.js';

describe('base64url', () => {
  // decodeBase64url is one of these, chosen by runtime; every one this runtime has must give the same answers.
  const decoders = [
    ['decodeBase64url', decodeBase64url] as const,
    ['runtime', runtimeBase64urlDecoder] as const,
    ...Object.entries(BASE64URL_DECODERS),
  ].filter((entry): entry is [string, (text: string) => Uint8Array | undefined] => entry[1] !== undefined);

  it("has the scan decoder everywhere, and the runtime's own where it has one", () => {
    assert.ok(BASE64URL_DECODERS.scan);
    const scope = globalThis as { Buffer?: unknown };
    assert.equal(BASE64URL_DECODERS.roundtrip !== undefined, scope.Buffer !== undefined);
    assert.equal(BASE64URL_DECODERS.native !== undefined, 'fromBase64' in Uint8Array);
    // Node's own comes with the node-capable build only: Workers with nodejs_compat look like Node but get the web build.
    assert.equal(runtimeBase64urlDecoder !== undefined, buildInfo.build === 'node' && buildInfo.runtime === 'node');
    if (runtimeBase64urlDecoder !== undefined) assert.equal(decodeBase64url, runtimeBase64urlDecoder);
  });

  it('round-trips every length from 0 to 300', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      const text = encodeBase64url(bytes);
      assert.match(text, /^[A-Za-z0-9_-]*$/);
      for (const [name, decode] of decoders) assert.deepEqual([...(decode(text) as Uint8Array)], [...bytes], name);
    }
  });

  it('refuses padding, the standard alphabet, whitespace, bad lengths and non-canonical trailing bits', () => {
    const bad = ['QQ==', 'QQ=', 'a+b/', 'ab c', 'ab\n', 'A', 'AAAAA', 'QR', 'QUJ', 'AB', 'AAB', 'QUJD QQ', 'QUJDQQ=='];
    for (const text of bad) {
      assert.equal(isBase64url(text), false, text);
      for (const [name, decode] of decoders) assert.equal(decode(text), undefined, `${name} ${text}`);
    }
    for (const good of ['', 'QQ', 'QUI', 'QUJD', 'AA', 'AAA', '-_-_']) assert.equal(isBase64url(good), true, good);
  });

  it('decodes exactly the strings the canonical check accepts (whatever decoder the runtime has)', () => {
    // Characters a lenient decoder might skip, map or stop at, among valid ones; the last five stand
    // for A, D, a, + and - to a decoder that reads only a character's low byte.
    const pool = 'AQgw-_09azZ+/=. \n\t\f\r%\u0000\u00e9\u0100\u4e00\u0141\u0144\u0161\u012b\u4e2d';
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 20000; i++) {
      const length = next() % 12;
      let text = '';
      for (let j = 0; j < length; j++) text += pool[next() % (i % 3 === 0 ? pool.length : 6)];
      for (const [name, decode] of decoders)
        assert.equal(decode(text) !== undefined, isBase64url(text), `${name} ${JSON.stringify(text)}`);
    }
  });
});

// This build's parser (#codec), and each build's: the web build's JSON.parse and scan, the node-capable
// build's quick check and strict parser. All must give the same values and refuse the same texts.
for (const [build, parseJSON] of [
  ['this build', (text: string) => parseJSONHere(text)],
  ['node build (json-strict)', (text: string) => strictJSON(text, 64)],
  ['web build (json-scan)', (text: string) => scanJSON(text, 64)],
] as const) {
  describe(`strict JSON, ${build}`, () => {
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
      assert.throws(() => parseJSON('[1,{"x":[{"a":1,"a":2}]}]'), /duplicate/);
      assert.throws(() => parseJSON('{"a\\\\":1, "a\\\\" :2}'), /duplicate/);
      assert.throws(() => parseJSON('{"s":"\\":\\"","s":"x"}'), /duplicate/);
      // Spaces before a colon, and strings that start with one (the quick member count takes those for members).
      assert.throws(() => parseJSON('{"a" :1,"a"\n:2}'), /duplicate/);
      assert.throws(() => parseJSON('{"a":1,"a" :2}'), /duplicate/);
      assert.throws(() => parseJSON('{"a":1,"a" : 2,"b":": "}'), /duplicate/);
      assert.throws(() => parseJSON('{"a":":","a":" :"}'), /duplicate/);
    });

    it('accepts and refuses exactly what the character-by-character parser does (mutation fuzz)', () => {
      const seeds = [
        '{"alg":"HS256","typ":"JWT","kid":"a\\"b"}',
        '{"sub":"x","aud":["a","b"],"exp":1700000000,"n":{"m":[1,{"k":null}]},"s":"\\\\:\\""}',
        '[{"a":1},{"a":2},"\\u0061",-0.5e3]',
      ];
      const pieces = [
        '"a":1,',
        ',"a":0',
        '":',
        '" :',
        '"',
        '\\',
        ':',
        '{',
        '}',
        '[',
        ']',
        ',',
        ' ',
        'x',
        '"a"',
        '\\"',
        '1e',
        '\uFEFF',
      ];
      let seed = 11;
      const next = () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed;
      };
      const outcome = (parse: (text: string) => unknown, text: string) => {
        try {
          return JSON.stringify(parse(text));
        } catch (error) {
          return error instanceof JSONSyntaxError ? 'refused' : `crashed: ${error}`;
        }
      };
      for (let i = 0; i < 4000; i++) {
        let text = seeds[i % seeds.length] as string;
        for (let edits = 1 + (next() % 3); edits > 0; edits--) {
          if (i % 2 === 0) {
            // Structural: a member right after a '{' (often a duplicate, sometimes inside a string).
            const opens = [...text.matchAll(/\{/g)].map((match) => match.index);
            const at = (opens[next() % opens.length] ?? 0) + 1;
            const name = ['a', 'k', 'alg', 'a\\"', 'm'][next() % 5];
            text = `${text.slice(0, at)}"${name}":${next() % 2 ? '[1]' : '"v"'}${text[at] === '}' ? '' : ','}${text.slice(at)}`;
            continue;
          }
          const at = next() % (text.length + 1);
          const cut = next() % 3;
          text = text.slice(0, at) + (next() % 2 === 0 ? pieces[next() % pieces.length] : '') + text.slice(at + cut);
        }
        assert.equal(
          outcome(parseJSON, text),
          outcome((t) => parseStrict(t, 64), text),
          text,
        );
      }
    });

    it('finds a duplicate whatever else makes the text longer than its shortest form', () => {
      // The quick check compares the text's length with the shortest text of the result; numbers
      // written long or short, escapes and spaces each shift that, and a duplicate of 5 characters
      // (the fewest one can have) must still be found next to each.
      const values = [
        '1e3',
        '1E3',
        '1000',
        '100',
        '12e1',
        '1.5e3',
        '17e8',
        '1700000000',
        '-0',
        '0.5',
        '5e-1',
        '1e21',
        '123456789012345678',
        '-12',
        'true',
        'null',
        '"\\u0061"',
        '"\\/"',
        '[1,2]',
        '{}',
      ];
      for (const value of values) {
        for (const text of [`{"n":${value},"":0,"":0}`, `{"":0,"n":${value},"":1}`, `{"a":[{"n":${value},"":0,"":0}]}`]) {
          assert.throws(() => parseJSON(text), /duplicate/, text);
        }
        for (const text of [`{"n":${value},"":0}`, `[{"n":${value}},{"n":${value}}]`]) {
          assert.equal(JSON.stringify(parseJSON(text)), JSON.stringify(JSON.parse(text)), text);
        }
      }
      // Compact payloads such as a signer writes pass the quick check; the same with spaces is still right.
      const claims = {
        sub: 'user-1',
        aud: ['a', 'b'],
        iat: 1763856123,
        exp: 1763859723,
        nested: { n: -42, f: 0.25, t: true, z: null },
      };
      assert.deepEqual(parseJSON(JSON.stringify(claims)), parseJSON(JSON.stringify(claims, null, 2)));
      assert.throws(() => parseJSON(`${JSON.stringify(claims).slice(0, -1)},"iat":1}`), /duplicate/);
    });

    it('counts members right when strings hold quotes, backslashes and colons', () => {
      const texts = [
        '{"a":"\\":\\"","b":"c:d","c\\\\":"\\\\","d":["e:",{"f":"\\"\\":"}]}',
        '{"":"","x":{"":{}}}',
        '{ "k" : "v" , "l"\t:\n1 }',
        '{"a":":b","c":" :d","e":"\\":","f":[":"]}',
      ];
      for (const text of texts) assert.deepEqual(JSON.parse(JSON.stringify(parseJSON(text))), JSON.parse(text), text);
    });

    it('reads common and uncommon member names alike, at any depth', () => {
      const text = '{"exp":1,"ex":2,"expx":3,"e":4,"x5t#S256":5,"nested":{"exp":6,"kid":{}},"list":[{"iss":"a"},{}]}';
      const value = parseJSON(text) as Record<string, Record<string, unknown>>;
      assert.deepEqual(JSON.parse(JSON.stringify(value)), JSON.parse(text));
      for (const object of [value, value.nested, value.nested?.kid, value.list?.[0], value.list?.[1]]) {
        assert.equal(Object.getPrototypeOf(object), Object.prototype);
      }
    });

    it('builds plain objects that keep __proto__ as an own data member, as JSON.parse does', () => {
      const value = parseJSON('{"__proto__":{"admin":true},"constructor":{"prototype":1}}') as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
      assert.equal(value.admin, undefined);
      assert.deepEqual(Object.keys(value), ['__proto__', 'constructor']);
      assert.equal(({} as Record<string, unknown>).admin, undefined);
    });

    it('finds a duplicate after a string of millions of escapes, and refuses it typed', () => {
      // Hostile review of issue 32: a regular expression over such a string overflowed V8's regex
      // stack (an untyped RangeError) and silently stopped matching in JavaScriptCore, whose scan
      // then missed the duplicate that followed (the web build's json-scan.ts skips strings by indexOf now).
      const pad = '\\n'.repeat(3_500_000);
      for (const name of ['typ', 'exp']) {
        const text = `{"${name}":1,"pad":"${pad}","${name}":2}`;
        assert.throws(
          () => parseJSON(text),
          (error: unknown) => error instanceof JSONSyntaxError && /duplicate/.test(error.message),
        );
      }
      assert.equal((parseJSON(`{"pad":"${pad}","typ":2}`) as { typ: number }).typ, 2);
    });

    it('keeps 1e400 as Infinity for the claim checks to refuse, and caps depth', () => {
      assert.equal(parseJSON('1e400'), Number.POSITIVE_INFINITY);
      assert.throws(() => parseJSON(`${'['.repeat(100000)}${']'.repeat(100000)}`), /deep/);
      assert.doesNotThrow(() => parseJSON(`${'['.repeat(64)}${']'.repeat(64)}`));
    });
  });
}

describe('UTF-8', () => {
  // Decoded bytes are Buffers where the runtime has one (base64url decoding makes them), plain
  // Uint8Arrays elsewhere: both paths must agree.
  const NativeBuffer = (globalThis as { Buffer?: { from(bytes: number[]): Uint8Array } }).Buffer;
  const forms = (bytes: number[]) => [new Uint8Array(bytes), ...(NativeBuffer ? [NativeBuffer.from(bytes)] : [])];

  it('refuses invalid sequences instead of replacing them', () => {
    const invalid = [
      [0x7b, 0xff, 0x7d], // never valid
      [0xed, 0xa0, 0x80], // an encoded surrogate
      [0xc0, 0xaf], // overlong '/'
      [0xe2, 0x82], // truncated
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    ];
    for (const bytes of invalid) for (const form of forms(bytes)) assert.equal(utf8Decode(form), undefined, String(bytes));
  });

  it('keeps a BOM and a genuine U+FFFD, and decodes the rest as written', () => {
    for (const form of forms([0xef, 0xbb, 0xbf, 0x7b, 0x7d])) assert.equal(utf8Decode(form), '\uFEFF{}');
    for (const form of forms([0x22, 0xef, 0xbf, 0xbd, 0x22])) assert.equal(utf8Decode(form), '"\uFFFD"');
    for (const form of forms([0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80])) assert.equal(utf8Decode(form), 'aé😀');
  });

  it('asciiBytes gives the low byte of each UTF-16 unit, short and long inputs alike', () => {
    // Long inputs take Buffer's latin1 encoder where it is native, short ones a loop: same bytes.
    for (const text of [
      'eyJhbGciOiJIUzI1NiJ9.e30',
      `${'eyJhbGciOiJIUzI1NiJ9.'.repeat(20)}e30`,
      `a\u0141\u00ff${'x'.repeat(40)}`,
    ]) {
      const expected = Array.from(text, (char) => char.charCodeAt(0) & 0xff);
      assert.deepEqual(Array.from(asciiBytes(text)), expected, text.slice(0, 24));
    }
  });
});
