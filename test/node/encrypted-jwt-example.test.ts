// examples/encrypted-jwt: run as a user would, with and without a key in the environment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backend } from '../support/runtime.js';

const script = fileURLToPath(new URL('../../examples/encrypted-jwt.js', import.meta.url));
const run = (env: Record<string, string>) =>
  execFileSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, JWTKIT_BACKEND: backend, ...env } });

describe('examples/encrypted-jwt', () => {
  it('encrypts with dir + A256GCM and with PBES2, and refuses tampering, wrong keys and unnamed PBES2', () => {
    const output = run({ JWE_KEY: '' });
    assert.doesNotMatch(output, /bug!/);
    assert.match(output, /generated one/);
    assert.match(output, /dir\+A256GCM token: 5 segments/);
    assert.match(output, /readable without the key: no/);
    assert.match(output, /"alg":"dir","enc":"A256GCM"/);
    assert.match(output, /decrypted: sub=user-42 email=ada@example.com/);
    assert.match(output, /tampered token: ERR_JWE_DECRYPTION_FAILED/);
    assert.match(output, /another key: ERR_JWE_DECRYPTION_FAILED/);
    assert.match(output, /PBES2 token: decrypted: sub=user-42, p2c=10000/);
    assert.match(output, /wrong password: ERR_JWE_DECRYPTION_FAILED/);
    assert.match(output, /without naming PBES2: ERR_INVALID_OPTION/);
  });

  it('reads a 256-bit key from JWE_KEY', () => {
    const output = run({ JWE_KEY: randomBytes(32).toString('base64url') });
    assert.doesNotMatch(output, /generated one|bug!/);
    assert.match(output, /decrypted: sub=user-42/);
  });
});
