// `npm run bench:key-checks`: what the key-material rules of issue 26 cost, and where. The ROCA test
// (catalogue 37) and the search for key material in a would-be secret (catalogue 2 and 35) run when
// material is imported; a verification with an imported Key runs neither. verifyJWT(token, text)
// imports on every call, so the search's cost on a typical secret is measured against that call too.
// `--write` records the table in docs/benchmarks.md.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { importKey, signJWT, verifyJWT } from 'jwtkit';
import { findKeyMaterial } from '../src/keys/find-key-material.js';
import { hasROCAFingerprint } from '../src/keys/roca.js';
import { ROCA_KEY } from '../test/support/roca-key.js';
import { recordSection } from './doc-section.js';
import { compareRounds, RUNTIME } from './measure.js';

const modulusOf = (jwk: { n?: string }) => new Uint8Array(Buffer.from(jwk.n as string, 'base64url'));
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
const rsaModulus = modulusOf(publicKey.export({ format: 'jwk' }));
const rocaModulus = modulusOf(ROCA_KEY.publicJwk);
const secretText = randomBytes(32).toString('base64url'); // 43 characters, as `openssl rand -base64 32` users have
const secretBytes = randomBytes(64);
const pemFile = Buffer.from(`Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = api\n${rsaPem}`);
const secretKey = await importKey(secretText, { alg: 'HS256' });
const token = await signJWT({ sub: 'user' }, secretKey, { expiresIn: '1h' });

const fns: Record<string, () => unknown> = {
  importRSA: () => importKey(rsaPem, { alg: 'RS256' }),
  rocaPlain: () => hasROCAFingerprint(rsaModulus),
  rocaWorst: () => hasROCAFingerprint(rocaModulus),
  searchSecretText: () => findKeyMaterial(secretText),
  searchSecretBytes: () => findKeyMaterial(secretBytes),
  searchPEMFile: () => findKeyMaterial(pemFile),
  verifyWithKey: () => verifyJWT(token, secretKey),
  verifyWithText: () => verifyJWT(token, secretText),
};
const { ops } = await compareRounds(fns, { rounds: 7, turnMs: 100 });
const us = (name: string) => 1e6 / (ops[name] ?? Number.NaN);
const cell = (name: string) => `${us(name).toFixed(2)} µs`;
const share = (part: string, whole: string) => `${((100 * us(part)) / us(whole)).toFixed(1)}%`;
const table = [
  '| what | time per call | share |',
  '| --- | ---: | ---: |',
  `| importKey, RSA 2048 SPKI PEM (ROCA test included) | ${cell('importRSA')} | 100% |`,
  `| ROCA test, an ordinary modulus | ${cell('rocaPlain')} | ${share('rocaPlain', 'importRSA')} of the import |`,
  `| ROCA test, worst case (a ROCA modulus: all 38 primes) | ${cell('rocaWorst')} | ${share('rocaWorst', 'importRSA')} of the import |`,
  `| key-material search, a 43-character secret string | ${cell('searchSecretText')} | ${share('searchSecretText', 'verifyWithText')} of verifyJWT(token, text) |`,
  `| key-material search, 64 random bytes | ${cell('searchSecretBytes')} | |`,
  `| key-material search, a PEM file with Bag Attributes (found) | ${cell('searchPEMFile')} | |`,
  `| verifyJWT HS256 with an imported Key (no search, no ROCA test) | ${cell('verifyWithKey')} | |`,
  `| verifyJWT HS256 with the secret text (imported, so searched, on every call) | ${cell('verifyWithText')} | |`,
].join('\n');
console.log(`\nkey checks on ${RUNTIME.name} ${RUNTIME.version}\n\n${table}`);

if (RUNTIME.argv.includes('--write')) {
  recordSection('key-checks', 'What the key-material checks cost (issue 26, catalogue 2, 35, 37)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${RUNTIME.name} ${RUNTIME.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'},`,
    'with `nice npm run bench:key-checks -- --write` (bench/key-checks.ts). Median of 7 interleaved rounds. Both checks run',
    'when material is imported; a verification with an imported `Key`, `createVerifier` and the key ring run neither.',
    '',
    table,
  ]);
}
