// PBES2 defaults are one story (issue 29): the count encryptJWT and the CLI write, the cap decrypters
// apply, the threshold inspect reports at, the CLI's flags and the docs all come from
// DEFAULT_PBES2_COUNT. Must never happen: jwtkit writing a token its own default decrypter refuses,
// inspect flagging what jwtkit writes or advising a count a default decrypter refuses, a doc or a
// help text naming another number.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_PBES2_COUNT, decryptJWT, encryptJWT } from 'jwtkit';
import { inspectToken } from 'jwtkit/inspect';
import { root, runCLI } from '../support/bin.js';

const PASSWORD = new TextEncoder().encode('correct horse battery staple');
const ALG = 'PBES2-HS256+A128KW';
const grouped = DEFAULT_PBES2_COUNT.toLocaleString('en-US');
const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as Record<string, unknown>;
const p2cFindings = async (token: string) => (await inspectToken(token)).filter((finding) => finding.id === 'jwe-p2c-low');
const encrypt = (p2c?: number) => encryptJWT({ sub: 'ada' }, PASSWORD, { alg: ALG, enc: 'A256GCM', ...(p2c && { p2c }) });
const decrypt = (token: string, maxPBES2Count?: number) =>
  decryptJWT(token, PASSWORD, { keyManagementAlgorithms: [ALG], ...(maxPBES2Count && { maxPBES2Count }) });

describe('PBES2 defaults come from DEFAULT_PBES2_COUNT', () => {
  it('encryptJWT writes the count, its default decrypter reads it, and inspect does not flag it', async () => {
    const token = await encrypt();
    assert.equal(headerOf(token).p2c, DEFAULT_PBES2_COUNT);
    assert.equal((await decrypt(token)).payload.sub, 'ada');
    assert.deepEqual(await p2cFindings(token), []);
  });

  it('a default decrypter refuses one iteration more, and the error names the option that raises the cap', async () => {
    const token = await encrypt(DEFAULT_PBES2_COUNT + 1);
    await assert.rejects(decrypt(token), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_JWE_MALFORMED');
      assert.match(error.message, new RegExp(`over the limit of ${DEFAULT_PBES2_COUNT} \\(maxPBES2Count\\)`));
      return true;
    });
    assert.equal((await decrypt(token, DEFAULT_PBES2_COUNT + 1)).payload.sub, 'ada');
  });

  it('inspect reports one iteration less, and its fix asks for the count a default decrypter accepts', async () => {
    const [finding, ...rest] = await p2cFindings(await encrypt(DEFAULT_PBES2_COUNT - 1));
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, 'medium');
    assert.ok(finding?.fix.includes(grouped), finding?.fix);
    // Every count the fix names is one a default decrypter accepts.
    for (const text of finding?.fix.match(/\d[\d,]*/g) ?? []) {
      assert.ok(Number(text.replaceAll(',', '')) <= DEFAULT_PBES2_COUNT, `fix names ${text}: ${finding?.fix}`);
    }
  });
});

describe('the CLI and the docs tell the same PBES2 story', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-pbes2-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'pass.txt'), 'correct horse battery staple\n');

  it('encrypt --password-file writes the count and decrypt reads it; more needs --max-pbes2-count', () => {
    const written = runCLI(dir, ['encrypt', '-c', 'sub=ada', '--password-file', 'pass.txt']);
    assert.equal(written.status, 0, written.stderr);
    assert.equal(headerOf(written.stdout.trim()).p2c, DEFAULT_PBES2_COUNT);
    assert.equal(runCLI(dir, ['decrypt', written.stdout.trim(), '--password-file', 'pass.txt']).status, 0);

    const more = String(DEFAULT_PBES2_COUNT * 2);
    const slow = runCLI(dir, ['encrypt', '-c', 'sub=ada', '--password-file', 'pass.txt', '--p2c', more]);
    assert.equal(slow.status, 0, slow.stderr);
    assert.match(slow.stderr, new RegExp(`warning: .*--max-pbes2-count ${more}`));
    const refused = runCLI(dir, ['decrypt', slow.stdout.trim(), '--password-file', 'pass.txt']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /\(--max-pbes2-count\)/);
    const raised = runCLI(dir, ['decrypt', slow.stdout.trim(), '--password-file', 'pass.txt', '--max-pbes2-count', more]);
    assert.equal(raised.status, 0, raised.stderr);
    assert.equal(runCLI(dir, ['decrypt', slow.stdout.trim(), '--password-file', 'pass.txt', '--max-pbes2-count', '0']).status, 2);
  });

  it('the help texts of encrypt and decrypt name the count', () => {
    assert.match(runCLI(dir, ['encrypt', '--help']).stdout, new RegExp(`--p2c <count> +PBES2 iterations \\(default ${grouped}`));
    assert.match(runCLI(dir, ['decrypt', '--help']).stdout, new RegExp(`--max-pbes2-count <count>[\\s\\S]*default ${grouped}`));
  });

  it('every PBES2 count the user docs give is the constant', () => {
    // Lines about PBES2 iterations; counts below 1,000 are sizes or RFC minimums, not defaults.
    const about = /p2c|PBES2 iteration|maxPBES2Count|max-pbes2-count|jwe-p2c-low|PBES2 writes/i;
    // Deliberate other counts: jose's own defaults, OWASP's figure, an example of raising the cap.
    const others = new Set(['2,048', '600,000', '600000', '2,500', '20,000']);
    const pages = ['README.md', 'docs/cli.md', 'docs/errors.md', 'docs/migration/jose.md'];
    let seen = 0;
    for (const page of pages) {
      for (const line of readFileSync(join(root, page), 'utf8').split('\n')) {
        if (!about.test(line)) continue;
        for (const count of line.match(/\b\d{1,3}(?:,\d{3})+\b|\b\d{4,}\b/g) ?? []) {
          if (others.has(count)) continue;
          assert.equal(Number(count.replaceAll(',', '')), DEFAULT_PBES2_COUNT, `${page}: ${line.trim().slice(0, 160)}`);
          seen++;
        }
      }
    }
    assert.ok(seen >= 5, `expected the docs to state the count, found ${seen}`);
  });
});
