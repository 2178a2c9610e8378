// The CLI with ML-DSA and Ed448 keys, as a user runs it on the Node line of this job: keygen, sign,
// verify, and a JWKS built from the private key that publishes no private member (an AKP key's
// private seed is `priv`, not `d`). Where the line has no ML-DSA (Node before 24.7), keygen says so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, userEnv } from '../support/bin.js';
import { mustSupport } from '../support/runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli-pq-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function jwtkit(...args: string[]) {
  const result = spawnSync(process.execPath, ['--no-warnings', BIN, ...args], {
    cwd: dir,
    env: userEnv(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI with ML-DSA and Ed448 keys', () => {
  for (const alg of ['ML-DSA-65', 'Ed448'] as const) {
    if (!mustSupport(alg)) {
      it(`keygen ${alg} explains that this Node line lacks it`, () => {
        const run = jwtkit('keygen', alg);
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /ERR_NOT_SUPPORTED/);
        if (alg.startsWith('ML-DSA')) assert.match(run.stderr, /Node 24\.7/);
      });
      continue;
    }
    it(`keygen ${alg} --out, sign, verify, and a JWKS without private members`, () => {
      const prefix = alg.toLowerCase();
      assert.equal(jwtkit('keygen', alg, '--out', prefix).status, 0);
      const privateFile = join(dir, `${prefix}.private.json`);
      assert.equal(statSync(privateFile).mode & 0o777, 0o600);
      const privateJwk = JSON.parse(readFileSync(privateFile, 'utf8'));
      assert.equal(privateJwk.alg, alg);
      const token = jwtkit('sign', '{"sub":"pq"}', '--key', `${prefix}.private.json`).stdout.trim();
      assert.equal(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).alg, alg);
      const verified = jwtkit('verify', token, '--key', `${prefix}.public.json`);
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(verified.stderr + verified.stdout, /"sub": "pq"/);
      const jwks = JSON.parse(jwtkit('jwks', 'build', `${prefix}.private.json`).stdout);
      assert.equal(jwks.keys.length, 1);
      for (const member of ['d', 'priv']) assert.equal(member in jwks.keys[0], false, `JWKS leaks "${member}"`);
      // A flipped signature is refused (positive control above, negative here).
      const [h, p, s] = token.split('.') as [string, string, string];
      const bad = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
      assert.notEqual(jwtkit('verify', bad, '--key', `${prefix}.public.json`).status, 0);
    });
  }
});
