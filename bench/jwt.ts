// One benchmark run on the runtime that executes it (Node, Deno or Bun): sign and verify for every
// algorithm against jose, jsonwebtoken, fast-jwt and the two floors; cache hits; how cost grows with
// the payload and with the JWKS; memory while verifying a million tokens. Prints what it measures
// and saves it as JSON (`--out`) for bench/report.ts. Started by scripts/bench.mjs (`npm run bench`).
// Not a test: speed targets live here, never in timed tests.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as jose from 'jose';
import { createSecretJWKS, createSigner, createVerifier, importKey } from 'jwtkit';
import { type CacheRow, cacheRows } from './cache.js';
import {
  BENCH_ALGS,
  BENCH_CLAIMS,
  BENCH_SECRET,
  benchKeys,
  contenders,
  FASTEST_FORM,
  JOSE_AS_DOCUMENTED,
  JSONWEBTOKEN_AS_DOCUMENTED,
  nodeFloor,
} from './contenders.js';
import { compare, compareRounds, opsText, RUNTIME } from './measure.js';
import { peerForms } from './peer-forms.js';

// Memory is measured by bench/memory.ts (npm run bench:memory), beside jose and fast-jwt.
const SECTIONS = ['algs', 'cache', 'payload', 'jwks'] as const;
// `forms` (every documented key form of every peer, to check bench/contenders.ts's FASTEST_FORM) runs
// only when named: `node dist/bench/jwt.js --sections forms`.
type Section = (typeof SECTIONS)[number] | 'forms';

const { name: runtime, version, argv } = RUNTIME;
const option = (name: string) => {
  const index = argv.indexOf(`--${name}`);
  return index < 0 ? undefined : argv[index + 1];
};
const sections = new Set((option('sections') ?? SECTIONS.join(',')).split(',') as Section[]);
const quick = argv.includes('--quick');
const measureOptions = quick ? { rounds: 3, turnMs: 30 } : { rounds: 5, turnMs: 80 };
// The sign/verify table carries the targets: many short turns (27 of 25 ms, where 9 of 80 ms took as
// long), so that the two turns of a ratio are 25 ms apart rather than 80 and its median is taken over
// three times as many rounds. Asynchronous WebCrypto pairs moved by up to 30% between turns 80 ms
// apart on this machine, and single rows missed their target from run to run.
const algOptions = quick ? measureOptions : { rounds: 27, turnMs: 25 };
// A turn should hold enough calls for its figure to mean something: at least MIN_CALLS of the slowest
// function of the comparison (P-521 and RSA signing take 1-3 ms a call, so 25 ms held only about a
// dozen and their rows swung by 20% from run to run). Their turns are lengthened to fit.
const MIN_CALLS = 40;
// Rows of fast calls (HMAC above all) swing most from turn to turn: a pause of the machine costs a
// 25 ms turn of 5,000 calls a third of its figure. Their turns being short, a row gets at least
// ROW_MS of turns (twice the rounds for a row of 25 ms turns), which halves its variance at about a
// minute per runtime; rows with longer turns keep their 27 rounds.
const ROW_MS = 10_800;
// Before a row is timed each function runs for WARM_MS (at least 3 calls): the engine has then
// compiled the hot path, and the first row of a run is not measured on colder code than the rest.
const WARM_MS = 100;
async function turnsFor(fns: Record<string, () => unknown>, options: { rounds: number; turnMs: number }) {
  let slowest = 0;
  for (const fn of Object.values(fns)) {
    try {
      const warming = performance.now();
      for (let calls = 0; calls < 3 || performance.now() - warming < WARM_MS; calls++) await fn();
      const started = performance.now();
      for (let i = 0; i < 3; i++) await fn();
      slowest = Math.max(slowest, (performance.now() - started) / 3);
    } catch {
      // compareRounds reports a function that fails.
    }
  }
  const turnMs = Math.max(options.turnMs, Math.ceil(slowest * MIN_CALLS));
  const rounds = quick ? options.rounds : Math.max(options.rounds, Math.round(ROW_MS / (turnMs * Object.keys(fns).length)));
  return { rounds, turnMs };
}

// Turn order within a round (it rotates from round to round, keeping neighbours): each jwtkit API
// next to what the targets compare it with, so that the two turns of a ratio are close in time.
const TURN_ORDER = [
  'jwtkit (sync)',
  'node:crypto floor',
  'fast-jwt',
  'jsonwebtoken',
  JSONWEBTOKEN_AS_DOCUMENTED,
  'jwtkit',
  'jose',
  JOSE_AS_DOCUMENTED,
  'jwtkit (web)',
  'WebCrypto floor',
];

export interface AlgRow {
  alg: string;
  op: 'sign' | 'verify';
  results: Record<string, number>;
  /** Each contender's ops/s per round, for ratios taken round by round (absent in older runs). */
  rounds?: Record<string, number[]>;
}
export interface ScaleRow {
  /** Payload bytes (payload rows) or JWKS size (jwks rows). */
  size: number;
  results: Record<string, number>;
}
export interface BenchResult {
  runtime: string;
  version: string;
  machine: string;
  date: string;
  quick: boolean;
  algs?: AlgRow[];
  cache?: CacheRow[];
  payload?: { sign: ScaleRow[]; verify: ScaleRow[] };
  jwks?: ScaleRow[];
  /** Each peer's documented key forms (`--sections forms`): ops/s by `peer form`. */
  forms?: { alg: string; op: 'sign' | 'verify'; results: Record<string, number> }[];
}

const result: BenchResult = {
  runtime,
  version,
  machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  date: new Date().toISOString().slice(0, 10),
  quick,
};
const line = (label: string, results: Record<string, number>) =>
  console.error(
    `${label}: ${Object.entries(results)
      .map(([name, ops]) => `${name} ${opsText(ops)}`)
      .join(' | ')}`,
  );

if (sections.has('algs')) {
  result.algs = [];
  for (const alg of BENCH_ALGS) {
    const keys = benchKeys(alg);
    const list = await contenders(keys, BENCH_CLAIMS);
    list.sort((a, b) => TURN_ORDER.indexOf(a.name) - TURN_ORDER.indexOf(b.name));
    const token = (await list.find((c) => c.name === 'jwtkit')?.sign?.()) as string;
    for (const op of ['sign', 'verify'] as const) {
      const fns: Record<string, () => unknown> = {};
      for (const c of list) {
        const fn = op === 'sign' ? c.sign : c.verify && (() => c.verify?.(token));
        if (fn) fns[c.name] = fn;
      }
      const options = await turnsFor(fns, algOptions);
      const { ops: results, rounds } = await compareRounds(fns, options);
      result.algs.push({ alg, op, results, rounds });
      line(`${alg} ${op} (${options.rounds} rounds of ${options.turnMs} ms turns)`, results);
    }
  }
}

if (sections.has('cache')) {
  result.cache = await cacheRows((fns) => compareRounds(fns, algOptions));
  for (const row of result.cache) line(`${row.alg} cache hit`, row.results);
}

if (sections.has('payload')) {
  // HS256, where the crypto is cheapest and the JSON and base64url work shows most. The verifier
  // raises maxTokenLength (default 8192 characters) so that the 8 KiB payload fits.
  const keys = benchKeys('HS256');
  const key = await importKey(BENCH_SECRET, { alg: 'HS256' });
  // jose as in the sign/verify table: its fastest form (a CryptoKey) and its docs' Uint8Array.
  const joseBytes = new TextEncoder().encode(BENCH_SECRET);
  const joseKey = await crypto.subtle.importKey('raw', joseBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const { createSigner: fastSigner, createVerifier: fastVerifier } = await import('fast-jwt');
  const fastSign = fastSigner({ key: BENCH_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
  const fastVerify = fastVerifier({ key: BENCH_SECRET, algorithms: ['HS256'], cache: false });
  const sign = createSigner({ key, expiresIn: '1h' });
  const verify = createVerifier({ key, algorithms: ['HS256'], maxTokenLength: 16_384 });
  result.payload = { sign: [], verify: [] };
  for (const size of [100, 1024, 4096, 8192]) {
    // Claims whose JSON (with iat and exp) is `size` bytes: a filler string tops them up.
    const base = JSON.stringify({ sub: 'user-1234', pad: '', iat: 1_700_000_000, exp: 1_700_003_600 }).length;
    const claims = { sub: 'user-1234', pad: 'x'.repeat(size - base) };
    const floor = nodeFloor(keys, claims);
    const token = sign.sync(claims);
    const signed = await compare(
      {
        'jwtkit (sync)': () => sign.sync(claims),
        jwtkit: () => sign(claims),
        jose: () =>
          new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(joseKey),
        [JOSE_AS_DOCUMENTED]: () =>
          new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(joseBytes),
        'fast-jwt': () => fastSign(claims),
        'node:crypto floor': () => floor.sign?.(),
      },
      measureOptions,
    );
    const verified = await compare(
      {
        'jwtkit (sync)': () => verify.sync(token),
        jwtkit: () => verify(token),
        jose: () => jose.jwtVerify(token, joseKey, { algorithms: ['HS256'] }),
        [JOSE_AS_DOCUMENTED]: () => jose.jwtVerify(token, joseBytes, { algorithms: ['HS256'] }),
        'fast-jwt': () => fastVerify(token),
        'node:crypto floor': () => floor.verify?.(token),
      },
      measureOptions,
    );
    result.payload.sign.push({ size, results: signed });
    result.payload.verify.push({ size, results: verified });
    line(`payload ${size} B sign`, signed);
    line(`payload ${size} B verify`, verified);
  }
}

if (sections.has('jwks')) {
  // HS256 keys (cheap crypto, so that the cost of finding the key shows); the token's kid is the last key's.
  result.jwks = [];
  for (const size of [1, 10, 100, 1000, 10_000]) {
    const keys = Array.from({ length: size }, (_, i) => ({
      kty: 'oct',
      kid: `key-${i}`,
      alg: 'HS256',
      k: Buffer.from(`${BENCH_SECRET}-${i}`).toString('base64url'),
    }));
    const last = keys[size - 1] as (typeof keys)[number];
    const token = createSigner({ key: await importKey(last, { alg: 'HS256' }), expiresIn: '1h' }).sync(BENCH_CLAIMS);
    const ours = createVerifier({ key: createSecretJWKS({ keys }), algorithms: ['HS256'] });
    const theirs = jose.createLocalJWKSet({ keys });
    const results = await compare(
      {
        'jwtkit (sync)': () => ours.sync(token),
        jwtkit: () => ours(token),
        jose: () => jose.jwtVerify(token, theirs, { algorithms: ['HS256'] }),
      },
      measureOptions,
    );
    result.jwks.push({ size, results });
    line(`JWKS of ${size} keys`, results);
  }
}

if (sections.has('forms')) {
  // Which documented key form is each peer's fastest: every form of every peer side by side, on one
  // algorithm of each family. FASTEST_FORM in bench/contenders.ts records the outcome.
  result.forms = [];
  for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA'] as const) {
    const keys = benchKeys(alg);
    const forms = await peerForms(keys, BENCH_CLAIMS);
    const list = await contenders(keys, BENCH_CLAIMS);
    const token = (await list.find((c) => c.name === 'jwtkit')?.sign?.()) as string;
    for (const op of ['sign', 'verify'] as const) {
      const fns: Record<string, () => unknown> = {};
      for (const f of forms) {
        const fn = op === 'sign' ? f.sign : f.verify && (() => f.verify?.(token));
        if (fn) fns[`${f.peer} ${f.form}${FASTEST_FORM[f.peer] === f.form ? ' (benchmarked)' : ''}`] = fn;
      }
      const { ops: results } = await compareRounds(fns, await turnsFor(fns, algOptions));
      result.forms.push({ alg, op, results });
      line(`${alg} ${op}, key forms`, results);
    }
  }
}

const out = option('out');
if (out !== undefined) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
