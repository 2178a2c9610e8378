// Catalogue entry 44: the tools that read hostile tokens (jwtkit/inspect, behind `jwtkit decode`/
// `inspect` and the debugger page). What must never happen: a pasted text that makes them run for
// longer than a linear scan (a hang is a denial of service of the page or of a CI job), an input
// read beyond the stated cap, an untyped crash, or a secret search whose work the token decides.
// No timing is measured: the catalogue's inputs are given at 240,000 characters, where the former
// regular expressions took half a minute each (the square of the length), so a super-linear path
// shows as the runner's timeout (set per test, far above what a linear scan needs). The runner can
// only end a test while it waits, so the tests wait for the next task after every call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JWTKitError } from 'jwtkit';
import {
  describeMembers,
  dissectToken,
  extractToken,
  findPersonalData,
  findWeakSecret,
  inspectToken,
  MAX_INSPECT_INPUT_LENGTH,
  MAX_SECRET_SEARCH_TOKEN_LENGTH,
} from 'jwtkit/inspect';
import { b64u, hs256Token, segment } from '../support/craft.js';
import { rejectsWith, throwsWith } from '../support/errors.js';

/** Far above the milliseconds a linear scan of 240,000 characters takes on any runtime; below the 30 s one quadratic call takes. */
const TIMEOUT = { timeout: 20_000 };
/** Lets the runner's timeout in: a synchronous call that never returns to the event loop cannot be timed out. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const N = 240_000;
const fill = (unit: string, length = N) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** The catalogue's recipes (and their neighbours), each just under the input cap. */
const RECIPES: ReadonlyArray<readonly [string, string]> = [
  ['whitespace between two characters', `a${fill(' ')}b`],
  ['tabs and line breaks between two characters', `a${fill('\t\r\n')}b`],
  ['NBSP and ideographic spaces between two characters', `a${fill('\u00a0\u3000')}b`],
  ['whitespace after quotes, before a comma', `"x${fill(' ')}x,`],
  ['"eyJ" repeated', fill('eyJ')],
  ['"eyJ" repeated, one dot at the end', `${fill('eyJ')}.`],
  ['"eyJ." repeated', fill('eyJ.')],
  ['"eyJ" repeated behind Bearer', `Bearer ${fill('eyJ')}!`],
  ['100k "=" before a character', `${fill('=', 100_000)}a`],
  ['"=" before a character, in every part', `${fill('=', 70_000)}a.${fill('=', 70_000)}a.${fill('=', 70_000)}a`],
  ['"=" before a dot', `${fill('=')}.`],
  ['a million dots, as many as fit', fill('.')],
  ['dots and "eyJ"', fill('eyJ..')],
  ['base64url characters without a dot', fill('AbC-_0')],
  ['base64 characters without a dot', fill('AbC+/0')],
  ['a long header segment', `eyJ${fill('A')}.e30.x`],
  ['quotes then text', `${fill('"\'`')}x`],
  ['Authorization headers repeated', fill('Authorization: Bearer ')],
];

/** Passes when `fn` returns, or throws a JWTKitError (a typed refusal); anything else fails. */
function typed(what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof JWTKitError, `${what}: expected a typed error, got ${String(error)}`);
  }
}

async function typedAsync(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof JWTKitError, `${what}: expected a typed error, got ${String(error)}`);
  }
}

/** Hostile text from generated pieces: a short pattern of adversarial characters repeated to a large size, with noise around it. */
const PIECES = [
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\ufeff',
  '=',
  '.',
  'eyJ',
  'A',
  '-',
  '_',
  '+',
  '/',
  '"',
  "'",
  '`',
  ',',
  ';',
  ':',
  '@',
  'Bearer ',
];
const hostile = fc
  .tuple(
    fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 50_000, max: 200_000 }),
    fc.string({ maxLength: 8 }),
    fc.string({ maxLength: 8 }),
  )
  .map(([pattern, size, before, after]) => `${before}${fill(pattern.join(''), size)}${after}`);

const token = async (claims: object, secret: string, header: object = { alg: 'HS256' }) => hs256Token(header, claims, secret);

describe('44. ReDoS in tools that read hostile tokens', () => {
  it('extractToken: every recipe ends with the token or ERR_JWT_MALFORMED', TIMEOUT, async () => {
    for (const [name, text] of RECIPES) {
      await turn();
      try {
        const { token } = extractToken(text);
        assert.ok(token.length <= text.length, name);
      } catch (error) {
        assert.equal((error as JWTKitError).code, 'ERR_JWT_MALFORMED', name);
      }
    }
  });

  it('dissectToken: every recipe ends with its parts and problems', TIMEOUT, async () => {
    for (const [name, text] of RECIPES) {
      await turn();
      const dissected = dissectToken(text);
      assert.ok(dissected.parts.length >= 1 && dissected.parts.length <= 6, name);
      assert.equal(dissected.parts.map((part) => part.text).join('.'), text, `${name}: the parts put back are the token`);
    }
  });

  it('says how many parts a million dots make, and keeps the rest in one part', TIMEOUT, () => {
    const dots = fill('.');
    const dissected = dissectToken(dots);
    assert.equal(dissected.kind, 'unknown');
    assert.match(dissected.problems.join('\n'), new RegExp(`this one has ${dots.length + 1}\\b`));
    assert.equal(dissected.parts.at(-1)?.problem, `parts 6 to ${dots.length + 1}, not decoded`);
  });

  it('inspectToken and findWeakSecret: every recipe ends with findings or a typed error', TIMEOUT, async () => {
    for (const [name, text] of RECIPES) {
      await turn();
      await typedAsync(name, () => inspectToken(text));
      await typedAsync(name, () => findWeakSecret(text));
    }
  });

  it('claims, personal data and kid checks: hostile values and member names end', TIMEOUT, async () => {
    await turn();
    const values = [fill('a.'), `a@${fill('a.')}`, `a@${fill('a')}!`, fill('1 '), fill('+1-'), fill('AB12'), fill(' ')];
    const payload = Object.fromEntries(values.map((value, index) => [`v${index}`, value]));
    payload[fill('password_')] = 'x';
    payload.password = fill('x');
    assert.ok(findPersonalData(payload).some((finding) => finding.where === 'password'));
    assert.equal(describeMembers(payload, 'payload', 0).length, values.length + 2);
    for (const kid of [`${fill('../', 60_000)}x`, `${fill("'--", 60_000)}x`, fill('union ', 60_000), fill('a:/', 60_000)]) {
      await turn();
      const findings = await inspectToken(`${segment({ alg: 'HS256', kid })}.${segment({ sub: 'x' })}.x`, { secretCheck: false });
      assert.ok(findings.some((finding) => finding.where === 'kid'));
    }
  });

  it('property: generated hostile text of 50k-200k characters ends in every function, typed', TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        await turn();
        typed('extractToken', () => extractToken(text));
        await turn();
        typed('dissectToken', () => dissectToken(text));
        await typedAsync('inspectToken', () => inspectToken(text, { secretCheck: false }));
        await typedAsync('findWeakSecret', () => findWeakSecret(text));
      }),
      { numRuns: 20 },
    );
  });

  it('refuses text over the cap before reading it, and accepts text at the cap', TIMEOUT, async () => {
    const jwt = await token({ sub: 'ada' }, 'a random secret of thirty-two bytes!');
    const atCap = `Bearer ${jwt}${' '.repeat(MAX_INSPECT_INPUT_LENGTH - jwt.length - 7)}`;
    assert.equal(atCap.length, MAX_INSPECT_INPUT_LENGTH);
    assert.equal(extractToken(atCap).token, jwt, 'positive control: the token at the cap is found');
    const over = `${atCap} `;
    throwsWith(() => extractToken(over), 'ERR_TOKEN_TOO_LARGE');
    throwsWith(() => dissectToken(fill('A', MAX_INSPECT_INPUT_LENGTH + 1)), 'ERR_TOKEN_TOO_LARGE');
    await rejectsWith(inspectToken(fill('A', MAX_INSPECT_INPUT_LENGTH + 1)), 'ERR_TOKEN_TOO_LARGE');
    assert.equal(extractToken(over, { maxInputLength: over.length }).token, jwt, 'the cap is an option');
    throwsWith(() => extractToken(jwt, { maxInputLength: jwt.length - 1 }), 'ERR_TOKEN_TOO_LARGE');
    throwsWith(() => extractToken(jwt, { maxInputLength: 0 }), 'ERR_INVALID_OPTION');
  });

  it('still finds the real token inside hostile noise (positive control)', TIMEOUT, async () => {
    const jwt = await token({ sub: 'ada' }, 'a random secret of thirty-two bytes!');
    for (const text of [
      `${fill(' ', 100_000)}Authorization: Bearer ${jwt}${fill(' ', 100_000)}`,
      `${fill('eyJ', 100_000)}! ${jwt}`,
      `{"access_token":"${jwt.slice(0, 20)}${fill('\n ', 100_000)}${jwt.slice(20)}"}`,
    ]) {
      await turn();
      assert.ok(extractToken(text).token === jwt, 'the token is found');
    }
  });

  it('property: extractToken finds what the former regular expressions found, on text short enough for them', async () => {
    // The expressions jwtkit used before entry 44, as the reference: quadratic, harmless at this size.
    const oracle = (text: string): string | undefined => {
      let rest = text
        .replace(/^\s*(?:proxy-)?authorization\s*:\s*/i, '')
        .replace(/^\s*(?:bearer|jwt|token)\s+/i, '')
        .replace(/^[\s'"`]+|[\s'"`,;]+$/g, '');
      rest = rest.replace(/^\s*(?:bearer|jwt|token)\s+/i, '').replace(/\s+/g, '');
      if (rest.length > 0 && rest.includes('.') && /^[A-Za-z0-9_\-.=+/]+$/.test(rest)) return rest;
      return /eyJ[A-Za-z0-9_\-=+/]*(?:\.[A-Za-z0-9_\-=+/]*){2,4}/.exec(text.replace(/\s+/g, ''))?.[0];
    };
    const words = [...PIECES, 'authorization', 'Proxy-Authorization', 'JWT ', 'token', 'x', 'e', 'y', 'J', '!', '{', '}'];
    await fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        let found: string | undefined;
        try {
          found = extractToken(text).token;
        } catch (error) {
          assert.equal((error as JWTKitError).code, 'ERR_JWT_MALFORMED');
        }
        assert.equal(found, oracle(text), JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: e-mail addresses are found as the former expression found them', () => {
    const email = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'Z', '1', '.', '@', ' ', '-', 'co', 'x.y'), { maxLength: 16 }), (pieces) => {
        const value = pieces.join('');
        const found = findPersonalData({ v: value }).some((finding) => finding.message.includes('e-mail'));
        assert.equal(found, email.test(value.trim()), JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('44. ReDoS in tools that read hostile tokens: the weak-secret search', () => {
  it('computes at most maxCandidates HMACs: a secret at that index is found, one further is not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), async (index) => {
        const extra = Array.from({ length: 201 }, (_, i) => `team secret ${i}`);
        const jwt = await token({ sub: 'x' }, extra[index] as string);
        const found = await findWeakSecret(jwt, { extra, maxCandidates: index + 1, short: false });
        assert.equal(found?.secret, extra[index], 'positive control: the last candidate within the cap is tried');
        assert.equal(await findWeakSecret(jwt, { extra, maxCandidates: index, short: false }), undefined);
      }),
      { numRuns: 15 },
    );
  });

  it('says in inspectToken when the cap cut the search short', async () => {
    const jwt = await token({ sub: 'x', exp: 2 ** 31 }, 'not in any list, long enough to be random');
    const findings = await inspectToken(jwt, { maxSecretCandidates: 50, shortSecrets: false });
    assert.match(findings.find((f) => f.id === 'secret-check-partial')?.message ?? '', /stopped after 50 candidates/);
  });

  it(`skips HS* tokens over ${MAX_SECRET_SEARCH_TOKEN_LENGTH} characters, and says why`, async () => {
    const sized = async (length: number) => {
      const header = segment({ alg: 'HS256' });
      const base = `${header}.${segment({ pad: '' })}.${b64u(new Uint8Array(32))}`;
      return token({ pad: 'x'.repeat(Math.floor(((length - base.length) * 3) / 4)) }, 'secret');
    };
    const small = await sized(MAX_SECRET_SEARCH_TOKEN_LENGTH - 3);
    assert.ok(small.length <= MAX_SECRET_SEARCH_TOKEN_LENGTH);
    assert.equal((await findWeakSecret(small, { short: false }))?.secret, 'secret', 'positive control: just under the limit');
    const large = await sized(MAX_SECRET_SEARCH_TOKEN_LENGTH + 4);
    assert.ok(large.length > MAX_SECRET_SEARCH_TOKEN_LENGTH);
    await rejectsWith(findWeakSecret(large), 'ERR_TOKEN_TOO_LARGE');
    const findings = await inspectToken(large);
    assert.equal(
      findings.some((f) => f.id === 'common-secret'),
      false,
    );
    assert.match(findings.find((f) => f.id === 'secret-check-skipped')?.message ?? '', /skipped: the token is \d+ characters/);
  });

  it('stops when its AbortSignal aborts, with the signal reason', async () => {
    const jwt = await token({ sub: 'x' }, '9999');
    assert.deepEqual(await findWeakSecret(jwt), { source: 'short', secret: '9999' }, 'positive control: the last candidate');
    const before = new AbortController();
    before.abort(new Error('stopped before'));
    await assert.rejects(findWeakSecret(jwt, { signal: before.signal }), /stopped before/);
    const during = new AbortController();
    const search = findWeakSecret(jwt, { signal: during.signal });
    during.abort(new Error('stopped during'));
    await assert.rejects(search, /stopped during/);
    const inspecting = new AbortController();
    const review = inspectToken(jwt, { signal: inspecting.signal });
    inspecting.abort(new Error('stopped inspect'));
    await assert.rejects(review, /stopped inspect/);
  });

  it('refuses limits that are not positive integers', async () => {
    const jwt = await token({ sub: 'x' }, 'secret');
    for (const maxCandidates of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      await rejectsWith(findWeakSecret(jwt, { maxCandidates }), 'ERR_INVALID_OPTION');
    await rejectsWith(inspectToken(jwt, { maxSecretCandidates: 0 }), 'ERR_INVALID_OPTION');
  });
});
