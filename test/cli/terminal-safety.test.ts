// Token text on the terminal, against the built binary: `jwtkit decode`, `inspect` and `verify` of
// plain JWTs and SD-JWTs whose claim names, values, header, Disclosure names, values and salts carry
// control characters. What must never happen: a raw ESC sequence (a hostile Disclosure erased the
// INVALID line and printed VALID), C0, C1, DEL, line or paragraph separator, or bidi control from
// the token on stdout or stderr; a line break from the token that starts a line of its own. The
// CLI's own colours still work (one colour run: every escape left is one of its own).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { exportKey, generateKeyPair, signJWT } from 'jwtkit';
import { runCLI } from '../support/bin.js';
import { hostileText } from '../support/hostile-text.js';

const dir = mkdtempSync(join(tmpdir(), 'jwtkit-terminal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const disclosure = (salt: string, name: string, value: unknown) => {
  const encoded = b64(JSON.stringify([salt, name, value]));
  return { encoded, digest: createHash('sha256').update(encoded).digest('base64url') };
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The SGR parameters of the CLI's palette (cli/output.ts). */
const OWN_SGR = [
  '1',
  '22',
  '2',
  '31',
  '39',
  '32',
  '33',
  '34',
  '35',
  '36',
  '38;5;197',
  '38;5;171',
  '38;5;39',
  '38;5;214',
  '38;5;114',
];
// biome-ignore lint/suspicious/noControlCharactersInRegex: the CLI's own colour sequences
const SGR = /\u001b\[([0-9;]*)m/g;

function assertSafe(text: string, what: string, colour: boolean): void {
  const rest = colour ? text.replace(SGR, (match, sgr: string) => (OWN_SGR.includes(sgr) ? '' : match)) : text;
  const found = UNSAFE.exec(rest);
  assert.equal(
    found,
    null,
    `${what}: raw U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(rest.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 40))}`,
  );
  // A line break from the token would have put FORGED at the start of a line.
  for (const line of rest.split('\n'))
    assert.ok(!line.trimStart().startsWith('FORGED'), `${what}: forged line ${JSON.stringify(line)}`);
}

const hostile = hostileText(6).map((text) => `\nFORGED${text}`);

describe('jwtkit decode, inspect and verify: token text shown, never acted on', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const keyPath = join(dir, 'issuer.public.json');
  writeFileSync(keyPath, JSON.stringify(await exportKey(publicKey, 'jwk')));
  chmodSync(keyPath, 0o600);

  /** A plain JWT and an SD-JWT (whose Disclosure collides with a signed claim: verify quotes the name) from hostile text. */
  async function tokens(name: string, value: string, kid: string): Promise<string[]> {
    const plain = await signJWT({ [name]: value, sub: value, nbf: 1 }, privateKey, { kid });
    const colliding = disclosure(value, name, value);
    const shown = disclosure(value, `${name}2`, { nested: value, [name]: [value] });
    const sdJwt = await signJWT({ [name]: 0, _sd: [colliding.digest, shown.digest], _sd_alg: 'sha-256' }, privateKey, {
      kid,
    });
    return [plain, `${sdJwt}~${colliding.encoded}~${shown.encoded}~`];
  }

  function check(token: string, env: Record<string, string | undefined>, colour: boolean): void {
    for (const args of [
      ['decode', '-'],
      ['inspect', '-'],
      ['verify', '-', '--key', keyPath],
    ]) {
      const run = runCLI(dir, args, { input: token, env });
      assert.notEqual(run.status, null, `${args[0]} ended`);
      assertSafe(run.stdout, `${args[0]} stdout`, colour);
      assertSafe(run.stderr, `${args[0]} stderr`, colour);
      assert.ok(run.stdout.length + run.stderr.length > 0);
    }
  }

  it('NO_COLOR: for random control characters in names, values, salts and the kid, no raw one reaches stdout or stderr', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (name, value, kid) => {
        for (const token of await tokens(name, value, kid)) check(token, { NO_COLOR: '1' }, false);
      }),
      { numRuns: 10 },
    );
  });

  it('colour on: the only escape sequences are the CLI palette, which is there (positive control)', async () => {
    const [plain, sdJwt] = await tokens('\u001b[31mname\u001b[8m', '\u001b[32mVALID\u001b[2J', '\u001b[1Akid\u202e');
    for (const token of [plain as string, sdJwt as string]) check(token, { FORCE_COLOR: '1' }, true);
    const decoded = runCLI(dir, ['decode', '-'], { input: sdJwt, env: { FORCE_COLOR: '1' } });
    assert.ok(decoded.stdout.includes('\u001b[33m'), 'the CLI still colours its output');
    assert.match(decoded.stdout, /\\u001b\[32mVALID\\u001b\[2J/, 'the hostile value is shown, escaped');
    const verified = runCLI(dir, ['verify', '-', '--key', keyPath], { input: sdJwt, env: { NO_COLOR: '1' } });
    assert.equal(verified.status, 1);
    assert.match(verified.stderr, /^INVALID: .*\\u001b\[31mname\\u001b\[8m/);
  });
});
