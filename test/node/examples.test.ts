// The examples a user runs to learn jwtkit, run as the user would (their first comment says how),
// with their output checked: the hand-built HS256 token, the secret from an environment file, and
// the third-party identity provider with discovery.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { backend } from '../support/runtime.js';

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
const env = { ...process.env, JWTKIT_BACKEND: backend };
const run = (name: string, args: string[] = []) =>
  execFileSync(process.execPath, [...args, example(name)], { encoding: 'utf8', env, timeout: 60_000 });

describe('examples/hand-built-hs256', () => {
  it('verifies the base64url token and refuses base64, converted base64 and another secret', () => {
    const lines = run('hand-built-hs256').split('\n');
    const next = (label: string) => lines[lines.findIndex((line) => line.startsWith(label)) + 1] ?? '';
    assert.match(next('base64url token:'), /verified, sub=user-42/);
    assert.match(lines.join('\n'), /payload segment has [+/=]/);
    assert.match(lines.join('\n'), /signature segment has [+/= ]*=/);
    assert.match(lines.find((line) => line.includes('refused')) ?? '', /ERR_JWT_MALFORMED|ERR_JWS_MALFORMED/);
    assert.match(next('base64 signed, converted'), /refused: ERR_JWS_SIGNATURE_INVALID/);
    assert.match(next('another secret:'), /refused: ERR_JWS_SIGNATURE_INVALID/);
    assert.doesNotMatch(lines.join('\n'), /crashed/);
  });
});

describe('examples/env-secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-env-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const envFile = (secret: string) => {
    const file = join(dir, `${randomBytes(4).toString('hex')}.env`);
    writeFileSync(file, `# the HMAC secret\nJWT_SECRET=${secret}\n`);
    return file;
  };

  it('reads the secret from the file given to --env-file, verifies, and refuses tampering, none, expiry and another secret', () => {
    const secret = randomBytes(32).toString('base64url');
    const output = run('env-secret', [`--env-file=${envFile(secret)}`]);
    assert.match(output, /verified: sub=user-42 role=reader/);
    assert.match(output, /role changed to admin: ERR_JWS_SIGNATURE_INVALID/);
    assert.match(output, /alg "none", no signature: ERR_ALG_NOT_ALLOWED/);
    assert.match(output, /expired a minute ago: ERR_JWT_EXPIRED/);
    assert.match(output, /checked with another secret: ERR_JWS_SIGNATURE_INVALID/);
    assert.doesNotMatch(output, /bug!|crash/);
    assert.ok(!output.includes(secret), 'the secret is never printed');
  });

  it('explains what to do without a secret, and refuses a short one without printing it', () => {
    const missing = spawnSync(process.execPath, [example('env-secret')], {
      encoding: 'utf8',
      env: { ...env, JWT_SECRET: '' },
    });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /JWT_SECRET is not set.*\n.*--env-file=\.env/);
    const short = spawnSync(process.execPath, [`--env-file=${envFile('hunter2hunter2')}`, example('env-secret')], {
      encoding: 'utf8',
      env,
    });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /JWT_SECRET refused: ERR_KEY_WEAK/);
    assert.ok(!short.stderr.includes('hunter2hunter2'));
  });
});

describe('examples/identity-provider', () => {
  it('finds the JWKS by discovery, caches it, refuses foreign tokens and follows a key rotation', () => {
    const output = run('identity-provider');
    assert.match(output, /identity provider at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, /token from the provider: accepted \(sub=auth0\|ada, kid=2026-11-a\)/);
    assert.match(
      output,
      /51 tokens verified with 2 requests to the provider: \/\.well-known\/openid-configuration, \/\.well-known\/jwks\.json/,
    );
    assert.match(output, /token the provider issued for another API: refused, ERR_JWT_CLAIM_INVALID/);
    assert.match(output, /signed by someone else under the same kid: refused, ERR_JWS_SIGNATURE_INVALID/);
    assert.match(output, /a kid the provider never published: refused, ERR_JWKS_NO_MATCHING_KEY/);
    assert.match(output, /rotated-in key: accepted \(sub=auth0\|ada, kid=2026-12-b\)/);
    assert.match(output, /the new kid cost 1 JWKS refetch/);
    assert.doesNotMatch(output, /crash/);
  });
});
