// `npm run bench:pkcs11`: signing through SoftHSM2 (jwtkit/pkcs11) against the same key in
// node:crypto. Each key is made by node:crypto and imported into a SoftHSM2 token in a temporary
// directory (C_CreateObject), so both sides sign with identical key material. Needs the Debian
// packages softhsm2 and opensc and the pkcs11js binding. `--write` records the table in
// docs/benchmarks.md. The machine is shared: run it under `nice`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, exportKey, generateKeyPair, verifyJWT } from 'jwtkit';
import { openPKCS11 } from 'jwtkit/pkcs11';
import { recordSection } from './doc-section.js';
import { compareRounds, RUNTIME } from './measure.js';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = 'bench-pin-1234';
const dir = mkdtempSync(join(tmpdir(), 'jwtkit-bench-softhsm-'));
mkdirSync(join(dir, 'tokens'));
writeFileSync(
  join(dir, 'softhsm2.conf'),
  `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
);
process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
process.env.JWTKIT_BENCH_PIN = PIN;
const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', PIN, '--so-pin', `${PIN}-so`]);
if (init.status !== 0) throw new Error(`softhsm2-util failed (apt-get install -y softhsm2): ${init.stderr}`);

const ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;
const CONCURRENT = 8;
const SESSIONS = 4;
const hsm = await openPKCS11({ module: MODULE, token: 'bench', pinEnv: 'JWTKIT_BENCH_PIN', sessions: SESSIONS });

// The binding, on the module jwtkit initialised, to import the node:crypto keys into the token.
const p = createRequire(import.meta.url)('pkcs11js');
const pkcs11 = new p.PKCS11();
pkcs11.load(MODULE);
try {
  pkcs11.C_Initialize();
} catch {
  // CKR_CRYPTOKI_ALREADY_INITIALIZED: jwtkit did.
}
const slot = pkcs11.C_GetSlotList(true).find((s: Buffer) => pkcs11.C_GetTokenInfo(s).label.trimEnd() === 'bench');
const session = pkcs11.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
const b = (value: string | undefined) => Buffer.from(value as string, 'base64url');
const octets = (bytes: Buffer) => Buffer.concat([Buffer.from([0x04, bytes.length]), bytes]);
const PARAMS: Record<string, string> = { 'P-256': '06082a8648ce3d030107', Ed25519: '06032b6570' };

async function imported(alg: (typeof ALGS)[number]) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = (await exportKey(privateKey, 'jwk')) as Record<string, string>;
  const label = `bench-${alg}`;
  const common = [
    { type: p.CKA_TOKEN, value: true },
    { type: p.CKA_LABEL, value: label },
    { type: p.CKA_ID, value: Buffer.from(label) },
  ];
  const secret = [
    { type: p.CKA_PRIVATE, value: true },
    { type: p.CKA_SENSITIVE, value: true },
    { type: p.CKA_SIGN, value: true },
  ];
  if (jwk.kty === 'RSA') {
    pkcs11.C_CreateObject(session, [
      ...common,
      ...secret,
      { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
      { type: p.CKA_KEY_TYPE, value: p.CKK_RSA },
      ...(
        [
          [p.CKA_MODULUS, jwk.n],
          [p.CKA_PUBLIC_EXPONENT, jwk.e],
          [p.CKA_PRIVATE_EXPONENT, jwk.d],
          [p.CKA_PRIME_1, jwk.p],
          [p.CKA_PRIME_2, jwk.q],
          [p.CKA_EXPONENT_1, jwk.dp],
          [p.CKA_EXPONENT_2, jwk.dq],
          [p.CKA_COEFFICIENT, jwk.qi],
        ] as const
      ).map(([type, value]) => ({ type, value: b(value) })),
    ]);
  } else {
    const ed = jwk.kty === 'OKP';
    const keyType = ed ? 0x40 : p.CKK_EC; // CKK_EC_EDWARDS (PKCS#11 3.0)
    const params = Buffer.from(PARAMS[jwk.crv as string] as string, 'hex');
    const point = ed ? b(jwk.x) : Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)]);
    const typed = [
      { type: p.CKA_KEY_TYPE, value: keyType },
      { type: p.CKA_EC_PARAMS, value: params },
    ];
    pkcs11.C_CreateObject(session, [
      ...common,
      ...secret,
      ...typed,
      { type: p.CKA_CLASS, value: p.CKO_PRIVATE_KEY },
      { type: p.CKA_VALUE, value: b(jwk.d) },
    ]);
    pkcs11.C_CreateObject(session, [
      ...common,
      ...typed,
      { type: p.CKA_CLASS, value: p.CKO_PUBLIC_KEY },
      { type: p.CKA_EC_POINT, value: octets(point) },
    ]);
  }
  return { privateKey, publicKey, hsmKey: await hsm.key({ alg, label }) };
}

const fns: Record<string, () => unknown> = {};
for (const alg of ALGS) {
  const { privateKey, publicKey, hsmKey } = await imported(alg);
  const memory = createSigner({ key: privateKey });
  const token = createSigner({ key: hsmKey });
  // The same key: a token signed in the HSM verifies with node:crypto's public key.
  await verifyJWT(await token({ sub: 'user' }), publicKey, { algorithms: [alg] });
  fns[`${alg} memory`] = () => memory({ sub: 'user' });
  fns[`${alg} softhsm`] = () => token({ sub: 'user' });
  fns[`${alg} softhsm x${CONCURRENT}`] = () => Promise.all(Array.from({ length: CONCURRENT }, () => token({ sub: 'user' })));
}
const { ops } = await compareRounds(fns, { rounds: 5, turnMs: 200 });
const us = (name: string, per = 1) => 1e6 / (ops[name] ?? Number.NaN) / per;
const cell = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(1)} µs`);
const rows = ALGS.map(
  (alg) =>
    `| ${alg} | ${cell(us(`${alg} memory`))} | ${cell(us(`${alg} softhsm`))} | ${(us(`${alg} softhsm`) / us(`${alg} memory`)).toFixed(1)}× | ${cell(us(`${alg} softhsm x${CONCURRENT}`, CONCURRENT))} |`,
);
const table = [
  `| alg | signJWT, node:crypto | signJWT, SoftHSM2 (one at a time) | ratio | SoftHSM2, ${CONCURRENT} at once on ${SESSIONS} sessions, per token |`,
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
console.log(`\nPKCS#11 (SoftHSM2) on ${RUNTIME.name} ${RUNTIME.version}\n\n${table}`);

if (RUNTIME.argv.includes('--write')) {
  recordSection('pkcs11', 'Signing through a PKCS#11 token: SoftHSM2 against node:crypto (issue 33)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${RUNTIME.name} ${RUNTIME.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    '(a shared machine: run under nice, so the absolute times are loose; the ratios hold better), with',
    '`nice npm run bench:pkcs11 -- --write` (bench/pkcs11.ts). Median of 5 interleaved rounds. Each key is made by',
    'node:crypto and imported into a SoftHSM2 token in a temporary directory, so both columns sign with the same key.',
    'The SoftHSM2 column is everything a signature through `jwtkit/pkcs11` costs: a session from the pool, the call on',
    "libuv's thread pool, the digest for ECDSA, and the check of the signature against the public key.",
    '',
    table,
  ]);
}

pkcs11.C_CloseSession(session);
await hsm.close();
rmSync(dir, { recursive: true, force: true });
