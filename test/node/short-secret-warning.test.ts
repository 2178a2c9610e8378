// The short-secret warning is printed once per process (issue 29): jsonwebtoken's
// allowInsecureKeySizes turns on the core's unsafeAllowShortSecret, and each used to warn, so one
// switch printed two warnings. Each scenario runs in a fresh Node process and counts what it wrote
// to stderr. Must never happen: two warnings in one process; a warning without the fix; the secret
// in the warning; a warning without the switch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { root } from '../support/bin.js';

const SHORT = 'shhhhh-12345';

/** The lines a fresh process printed to stderr while running `code` (an ES module). */
function warnings(code: string): string[] {
  // The compat layer's synchronous calls need the node backend (docs/migration/jsonwebtoken.md); the
  // warning's once-per-process rule is the same on both, so the web-backend job runs this one too.
  const { JWTKIT_BACKEND: _backend, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr.split('\n').filter((line) => line.startsWith('jwtkit'));
}

describe('the short-secret warning', () => {
  it('compat/jsonwebtoken: sign and verify with allowInsecureKeySizes print one warning, naming the fix, never the secret', () => {
    const lines = warnings(`
      import jwt from 'jwtkit/compat/jsonwebtoken';
      import { importKey } from 'jwtkit';
      const token = jwt.sign({ sub: 'ada' }, '${SHORT}', { allowInsecureKeySizes: true });
      jwt.verify(token, '${SHORT}', { allowInsecureKeySizes: true });
      jwt.verify(token, Buffer.from('${SHORT}'), { algorithms: ['HS256'], allowInsecureKeySizes: true });
      jwt.sign({}, 'short', { algorithm: 'HS512', allowInsecureKeySizes: true });
      await importKey('other-short', { alg: 'HS384', unsafeAllowShortSecret: true });
    `);
    assert.equal(lines.length, 1, lines.join('\n'));
    const [line] = lines as [string];
    assert.match(line, /^jwtkit\/compat\/jsonwebtoken: allowInsecureKeySizes is on/);
    assert.match(line, /Fix: generate a strong secret \(jwtkit keygen HS256\)/);
    assert.match(line, /Rotating to a strong secret/);
    assert.ok(!line.includes(SHORT), 'the secret stays out of the warning');
  });

  it('the core: unsafeAllowShortSecret warns once per process, with the fix', () => {
    const lines = warnings(`
      import { importKey, importKeySync, signJWT } from 'jwtkit';
      await importKey('${SHORT}', { alg: 'HS256', unsafeAllowShortSecret: true });
      importKeySync('another', { alg: 'HS512', unsafeAllowShortSecret: true });
      await signJWT({}, await importKey('third', { alg: 'HS256', unsafeAllowShortSecret: true }));
    `);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] as string, /unsafeAllowShortSecret is set.*Fix: sign with a secret of at least 32 random bytes/);
    assert.ok(!(lines[0] as string).includes(SHORT));
  });

  it('no switch, or a strong secret with it: no warning (positive control)', () => {
    const strong = 'a-secret-of-at-least-thirty-two-bytes!!';
    const lines = warnings(`
      import jwt from 'jwtkit/compat/jsonwebtoken';
      const token = jwt.sign({ sub: 'ada' }, '${strong}', { allowInsecureKeySizes: true });
      jwt.verify(token, '${strong}', { allowInsecureKeySizes: true });
      try { jwt.sign({}, '${SHORT}'); } catch {}
    `);
    assert.deepEqual(lines, []);
  });
});
