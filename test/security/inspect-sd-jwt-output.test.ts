// What the inspection tools make of a hostile SD-JWT (jwtkit/inspect, behind `jwtkit decode`/`inspect`
// and the debugger page). What must never happen: output that grows faster than the input (a chain of
// nested Disclosures made each path as long as all those above it: 250 KB explained into 69 MB, 9 s in
// the debugger), or a finding that carries a token's escape sequences, line breaks or bidi overrides
// raw to whoever prints it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { explainSDJWT, inspectToken, MAX_INSPECT_INPUT_LENGTH } from 'jwtkit/inspect';
import { b64u, hs256Token, SECRET } from '../support/craft.js';
import { hostileText } from '../support/hostile-text.js';

const digestOf = async (encoded: string) =>
  b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(encoded))));

async function disclosure(salt: string, name: string, value: unknown): Promise<{ encoded: string; digest: string }> {
  const encoded = b64u(JSON.stringify([salt, name, value]));
  return { encoded, digest: await digestOf(encoded) };
}

/** An SD-JWT whose Disclosures nest `length` deep, each the only claim of the one above, named `name`. */
async function chain(length: number, name: string): Promise<string> {
  let inner = await disclosure('s', name, 1);
  const all = [inner];
  for (let i = 1; i < length; i++) {
    inner = await disclosure('s', name, { _sd: [inner.digest] });
    all.push(inner);
  }
  const jwt = await hs256Token({ alg: 'HS256' }, { _sd: [inner.digest], _sd_alg: 'sha-256' }, SECRET);
  return `${jwt}~${all
    .reverse()
    .map((d) => `${d.encoded}~`)
    .join('')}`;
}

// The characters a terminal acts on or that reorder text (C0, DEL, C1, U+2028/2029, bidi controls).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('explainSDJWT: output linear in the input', () => {
  it('a short chain gets its exact paths (positive control)', async () => {
    const explained = await explainSDJWT(await chain(4, 'x'));
    assert.deepEqual(
      explained.disclosures.map((d) => d.path),
      ['x', 'x.x', 'x.x.x', 'x.x.x.x'],
    );
  });

  for (const [length, name] of [
    [300, 'n'.repeat(60)],
    [1500, 'n'.repeat(60)],
    [2500, 'n'],
    [120, 'odd name "quoted" '.repeat(20)],
  ] as const) {
    it(`a chain of ${length} Disclosures named ${name.length} characters: output under 4x the input, paths at most 128 characters`, async () => {
      const sdJwt = await chain(length, name);
      assert.ok(sdJwt.length <= MAX_INSPECT_INPUT_LENGTH, `input ${sdJwt.length}`);
      const explained = await explainSDJWT(sdJwt);
      const size = JSON.stringify(explained).length;
      assert.ok(size <= 4 * sdJwt.length, `explained ${size} characters from ${sdJwt.length}`);
      const paths = explained.disclosures.map((d) => d.path).filter((path) => path !== undefined);
      assert.ok(paths.length > 0);
      for (const path of paths) assert.ok(path.length <= 128, `path of ${path.length}`);
      // Verification's nesting limit (256 levels) is the walk's: deeper Disclosures get no path.
      assert.ok(paths.length <= 257, `${paths.length} paths`);
      // A shortened path keeps its start and the claim itself.
      const longest = paths.reduce((a, b) => (b.length > a.length ? b : a));
      if (length * name.length > 128) {
        assert.match(longest, /…/);
        assert.ok(longest.endsWith((name.includes(' ') ? `${JSON.stringify(name)}]` : name).slice(-20)));
      }
    });
  }
});

describe('inspectToken: findings show token text, never act on it', () => {
  // The marker first: a finding quotes at most 64 characters of a name.
  const hostile = hostileText(8).map((text) => `\u001b[1A${text}`);

  it('a Disclosure claim name that collides (the finding quotes it): no raw control or bidi character in any finding', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (name, value) => {
        const d = await disclosure(value, name, value);
        const jwt = await hs256Token({ alg: 'HS256', kid: name }, { [name]: value, _sd: [d.digest], exp: 1 }, SECRET);
        const findings = await inspectToken(`${jwt}~${d.encoded}~`, { secretCheck: false });
        assert.ok(
          findings.some((f) => f.id === 'sd-jwt-invalid'),
          'the collision is found',
        );
        for (const finding of findings) {
          assert.doesNotMatch(finding.message, UNSAFE, finding.id);
          if (finding.where !== undefined) assert.doesNotMatch(finding.where, UNSAFE, finding.id);
        }
        // The escape is visible: the collision finding still names the claim.
        const collision = findings.find((f) => f.id === 'sd-jwt-invalid');
        assert.match(collision?.message ?? '', /\\u001b\[1A/);
      }),
      { numRuns: 40 },
    );
  });
});
