// Catalogue entry 44, the structural half: no regular expression in the code that reads hostile
// tokens (jwtkit/inspect, `jwtkit decode`/`inspect` and their token input, the debugger page, and
// the decoders they call) has a shape that backtracks super-linearly. Under test/node because it
// reads the sources; the behaviour on every runtime is in test/security/inspect-input.test.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { root } from '../support/bin.js';
import { regexLiterals, superLinearShape } from '../support/regex-shape.js';

/**
 * The key readers are in too: the key-material scanner runs on every verifyJWT(token, text) call,
 * and a resolver may hand it text from elsewhere.
 */
const FILES = [
  ...readdirSync(join(root, 'src/inspect'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/inspect/${name}`),
  'src/keys/find-key-material.ts',
  'src/keys/material.ts',
  'src/keys/pem.ts',
  ...readdirSync(join(root, 'ui'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `ui/${name}`),
  'cli/commands/inspect.ts',
  'cli/commands/decode.ts',
  'cli/input.ts',
  'src/encoding/base64url.ts',
  'src/encoding/json.ts',
  'src/encoding/utf8.ts',
];

describe('44. ReDoS in tools that read hostile tokens: the shape of every regular expression', () => {
  it('refuses the shapes that backtrack, the former expressions of jwtkit/inspect among them (positive control)', () => {
    for (const regex of [
      /^[\s'"`]+|[\s'"`,;]+$/g,
      /eyJ[A-Za-z0-9_\-=+/]*(?:\.[A-Za-z0-9_\-=+/]*){2,4}/,
      /=+$/,
      /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i,
      /(a+)+$/,
      /^(\s*x)*$/,
      /^\s*\s*$/,
      /^a*(?:b?a*)$/,
      /\s+x/,
    ])
      assert.ok(superLinearShape(regex) !== undefined, `${regex} must be refused`);
  });

  it('accepts linear shapes (the harness can tell them apart)', () => {
    for (const regex of [
      /\s+/g,
      /^\d+$/,
      /^[a-z][a-z0-9+.-]*:\/\//i,
      /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}$/,
      /\r?\n/,
      /^\d+\.\d+$/,
    ])
      assert.equal(superLinearShape(regex), undefined, String(regex));
  });

  it('finds the regular expressions of a source text, and refuses new RegExp', () => {
    const found = regexLiterals("const a = /x+/g; // /not(a+)+/\nconst b = 'a/b/c'; f(/[/]y/, 2 / 3 / 4); return /z/;");
    assert.deepEqual(
      found.map((regex) => String(regex)),
      ['/x+/g', '/[/]y/', '/z/'],
    );
    assert.ok(superLinearShape(regexLiterals('new RegExp(text)')[0] as RegExp) !== undefined);
  });

  for (const file of FILES) {
    it(`${file}: no expression of a super-linear shape`, () => {
      const regexes = regexLiterals(readFileSync(join(root, file), 'utf8'));
      const bad = regexes.map((regex) => [String(regex), superLinearShape(regex)]).filter(([, why]) => why !== undefined);
      assert.deepEqual(bad, []);
    });
  }
});
