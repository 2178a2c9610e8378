// `npm run tour` runs the tour; this runs it as a user would and checks what it prints.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { JWS_ALGORITHMS } from 'jwtkit';
import { backend, mustSupport } from '../support/runtime.js';

describe('examples/tour', () => {
  it('verifies every algorithm and refuses tampered and expired tokens by code', () => {
    const script = fileURLToPath(new URL('../../examples/tour.js', import.meta.url));
    const output = execFileSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, JWTKIT_BACKEND: backend },
    });
    assert.doesNotMatch(output, /ACCEPTED/);
    for (const alg of JWS_ALGORITHMS) {
      const row = output.split('\n').find((line) => line.startsWith(`${alg} `));
      assert.ok(row, `no row for ${alg}`);
      // "not here" exactly where this run lacks the algorithm (support/runtime.ts): ES256K under
      // WebCrypto, ML-DSA before Node 24.7.
      assert.equal(row.includes('not here'), !mustSupport(alg), row);
      if (!mustSupport(alg)) continue;
      assert.match(row, /sub=ada\s+ERR_JWS_SIGNATURE_INVALID\s+ERR_JWT_EXPIRED/);
    }
  });
});
