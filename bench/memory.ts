// `npm run bench:memory` (issue 32, item 5): RSS and heap across 1,000,000 verifications of
// distinct HS256 tokens, jwtkit without and with its verified-token cache (bounded at 10,000),
// beside jose and fast-jwt, each in its fastest documented form (bench/contenders.ts): jwtkit's
// `createVerifier(...).sync`, jose's `jwtVerify` with a pre-imported CryptoKey, fast-jwt's
// `createVerifier` (with and without its cache of the same bound).
//
// Each verifier runs in a process of its own (what one leaves in RSS must not be counted against
// the next), started with --expose-gc. After a warm-up of a tenth of the run, a sample is taken
// every twentieth: gc() twice, then process.memoryUsage(). A row reports the first and last samples
// and the least-squares slope in MiB per 100,000 verifications; "flat" means the slope, carried
// over the measured part of the run, adds under 1 MiB of heap and under 5 MiB of RSS above the
// harness row's (the same process minting tokens and verifying none: on Node 24 its RSS alone
// grows about 5 MiB per 100,000 with a flat heap, memory the runtime keeps rather than objects held).
//
// The tokens are not made in advance: a million tokens held at once would be some 200 MiB of
// strings in the very figure being measured. They are minted in chunks of 1,000 right before they
// are verified (node:crypto HMAC over a header and a payload with a new `jti`, about 2 µs each), so
// the live set of the harness stays one chunk and is the same for every library.
// `--control` adds a verifier that leaks, to show the verdict can say NOT flat; `--only=jose,control`
// runs only those rows.
// `--write` records docs/bench/memory.json and a section at the end of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { createHmac, createSecretKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createVerifier as fastVerifier } from 'fast-jwt';
import * as jose from 'jose';
import { createVerifier, importKey } from 'jwtkit';
import { BENCH_CLAIMS, BENCH_SECRET, benchKeys, webKeys } from './contenders.js';
import { recordSection } from './doc-section.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const TOTAL = quick ? 200_000 : 1_000_000;
const WARM_UP = TOTAL / 10;
const EVERY = TOTAL / 20;
const CHUNK = 1_000;
const CACHE = 10_000;
const MIB = 2 ** 20;

const VERIFIERS = {
  jwtkit: 'jwtkit (sync), no cache',
  'jwtkit-cache': `jwtkit (sync), cache of ${CACHE.toLocaleString('en')}`,
  jose: 'jose, CryptoKey',
  'fast-jwt': 'fast-jwt, no cache',
  'fast-jwt-cache': `fast-jwt, cache of ${CACHE.toLocaleString('en')}`,
  control: 'control: jwtkit keeping every token (a leak; must show NOT flat)',
  harness: 'harness alone: minting the tokens, verifying none (what every row shares)',
} as const;
type Name = keyof typeof VERIFIERS;

interface Sample {
  verified: number;
  rss: number;
  heap: number;
}

/** A verifier of one library; the async ones return a promise. */
async function verifierOf(name: Name): Promise<(token: string) => unknown> {
  const algorithms = ['HS256' as const];
  if (name === 'jose') {
    const { verifying } = await webKeys(benchKeys('HS256'));
    return (token) => jose.jwtVerify(token, verifying, { algorithms });
  }
  if (name === 'control') {
    // The positive control (`--control`): a verifier that keeps a short string per call (a few hundred
    // bytes with V8's overheads), so a run shows what the verdict says when memory does grow.
    const verify = createVerifier({ key: await importKey(BENCH_SECRET, { alg: 'HS256' }), algorithms }).sync;
    const kept: string[] = [];
    return (token) => {
      kept.push(token.slice(-43) + String(kept.length));
      return verify(token);
    };
  }
  if (name === 'harness') return () => undefined;
  if (name.startsWith('fast-jwt'))
    return fastVerifier({ key: BENCH_SECRET, algorithms, ...(name === 'fast-jwt-cache' ? { cache: CACHE } : {}) });
  const key = await importKey(BENCH_SECRET, { alg: 'HS256' });
  const cache = name === 'jwtkit-cache' ? { cache: { max: CACHE, ttl: '10m' } } : {};
  return createVerifier({ key, algorithms, ...cache }).sync;
}

/** One key object for every token minted: a string secret would make a key per token. */
const MINT_KEY = createSecretKey(Buffer.from(BENCH_SECRET));
const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
/** Tokens `from` .. `from + CHUNK - 1`, each with its own `jti`, signed with the bench secret. */
function mintChunk(from: number): string[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: CHUNK }, (_, i) => {
    const claims = { ...BENCH_CLAIMS, iat: now, exp: now + 3600, jti: `token-${from + i}` };
    const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${createHmac('sha256', MINT_KEY).update(input).digest('base64url')}`;
  });
}

/** The child: verifies TOTAL distinct tokens and prints its samples as one JSON line. */
async function run(name: Name): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const verify = await verifierOf(name);
  const samples: Sample[] = [];
  const started = performance.now();
  for (let done = 0; done < TOTAL; ) {
    for (const token of mintChunk(done)) {
      const result = verify(token);
      if (result instanceof Promise) await result;
    }
    done += CHUNK;
    if (done >= WARM_UP && done % EVERY === 0) {
      gc();
      gc();
      const { rss, heapUsed } = process.memoryUsage();
      samples.push({ verified: done, rss: rss / MIB, heap: heapUsed / MIB });
    }
  }
  console.log(JSON.stringify({ name, seconds: (performance.now() - started) / 1000, samples }));
}

/** Least-squares slope of y over verifications, in MiB per 100,000. */
function slope(samples: Sample[], y: (sample: Sample) => number): number {
  const n = samples.length;
  const mx = samples.reduce((sum, s) => sum + s.verified, 0) / n;
  const my = samples.reduce((sum, s) => sum + y(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.verified - mx) * (y(s) - my);
    den += (s.verified - mx) ** 2;
  }
  return (num / den) * 100_000;
}

interface Row {
  name: Name;
  seconds: number;
  samples: Sample[];
  rss: { start: number; end: number; slope: number };
  heap: { start: number; end: number; slope: number };
  /** Flat after warm-up; beside the harness row once every row is in (flatBeside). */
  flat: boolean;
}

function summarise(name: Name, seconds: number, samples: Sample[]): Row {
  const first = samples[0] as Sample;
  const last = samples.at(-1) as Sample;
  const of = (y: (sample: Sample) => number) => ({ start: y(first), end: y(last), slope: slope(samples, y) });
  const rss = of((s) => s.rss);
  const heap = of((s) => s.heap);
  // The slope carried over the measured part of the run (after warm-up), in MiB.
  const span = (last.verified - first.verified) / 100_000;
  return { name, seconds, samples, rss, heap, flat: Math.abs(heap.slope * span) < 1 && Math.abs(rss.slope * span) < 5 };
}

/**
 * A verifier's verdict beside the harness row: on Node 24 the harness alone (minting tokens, gc)
 * grows the RSS by some 5 MiB per 100,000 with a flat heap (memory the runtime keeps, not objects
 * anyone holds), so what a verifier adds is its RSS slope above the harness's.
 */
function flatBeside(row: Row, harness: Row | undefined): boolean {
  if (harness === undefined || row === harness) return row.flat;
  const first = row.samples[0] as Sample;
  const span = ((row.samples.at(-1) as Sample).verified - first.verified) / 100_000;
  return Math.abs(row.heap.slope * span) < 1 && (row.rss.slope - harness.rss.slope) * span < 5;
}

const child = argv.indexOf('--run');
if (child !== -1) {
  await run(argv[child + 1] as Name);
} else {
  const self = new URL(import.meta.url).pathname;
  const rows: Row[] = [];
  const only = argv
    .find((arg) => arg.startsWith('--only='))
    ?.slice(7)
    .split(',');
  const names = (Object.keys(VERIFIERS) as Name[]).filter((name) =>
    only === undefined ? name !== 'control' || argv.includes('--control') : only.includes(name),
  );
  for (const name of names) {
    const result = spawnSync(process.execPath, ['--expose-gc', self, '--run', name, ...(quick ? ['--quick'] : [])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * MIB,
    });
    if (result.status !== 0) throw new Error(`${name}: the run exited with ${result.status}`);
    const { seconds, samples } = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
      seconds: number;
      samples: Sample[];
    };
    rows.push(summarise(name, seconds, samples));
    console.error(`${VERIFIERS[name]}: ${seconds.toFixed(1)} s, heap MiB ${samples.map((s) => s.heap.toFixed(1)).join(' ')}`);
  }

  const harness = rows.find((row) => row.name === 'harness');
  for (const row of rows) row.flat = flatBeside(row, harness);
  const mib = (value: number) => value.toFixed(1);
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
  const table = [
    '| verifier | RSS start | RSS end | RSS slope (MiB / 100k) | heap start | heap end | heap slope (MiB / 100k) | flat | run |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...rows.map(
      (row) =>
        `| ${VERIFIERS[row.name]} | ${mib(row.rss.start)} MiB | ${mib(row.rss.end)} MiB | ${signed(row.rss.slope)} | ${mib(row.heap.start)} MiB | ${mib(row.heap.end)} MiB | ${signed(row.heap.slope)} | ${row.flat ? 'yes' : 'NO'} | ${row.seconds.toFixed(1)} s |`,
    ),
  ].join('\n');
  const ours = rows.filter((row) => row.name.startsWith('jwtkit'));
  const verdict = `${ours.map((row) => VERIFIERS[row.name]).join('; ')}: ${ours.every((row) => row.flat) ? 'flat after warm-up' : 'NOT flat after warm-up'} (target of issue 32: flat with the cache off and on).`;
  console.log(`\n${table}\n\n${verdict}`);

  if (argv.includes('--write')) {
    const date = new Date().toISOString();
    mkdirSync('docs/bench', { recursive: true });
    writeFileSync('docs/bench/memory.json', `${JSON.stringify({ date, node: process.version, total: TOTAL, rows }, null, 2)}\n`);
    recordSection('memory', 'Memory across a million verifications (issue 32)', [
      `Measured ${date.slice(0, 10)} on Node ${process.version} with \`npm run bench:memory\`: ${TOTAL.toLocaleString('en')} verifications`,
      'of distinct HS256 tokens per verifier, each verifier in a process of its own started with `--expose-gc`.',
      `The tokens are minted by node:crypto in chunks of ${CHUNK.toLocaleString('en')} right before they are verified (a new \`jti\` each),`,
      'so the harness holds one chunk at a time, the same for every library; a million tokens made in advance',
      'would be some 200 MiB of strings inside the figure measured. After a warm-up of the first',
      `${WARM_UP.toLocaleString('en')}, a sample every ${EVERY.toLocaleString('en')}: \`gc()\` twice, then \`process.memoryUsage()\` (RSS, heapUsed).`,
      'Start and end are the first and last samples; the slope is the least-squares fit over all samples,',
      'in MiB per 100,000 verifications. "Flat": the slope, carried over the measured part of the run, adds',
      "under 1 MiB of heap, and under 5 MiB of RSS above the harness row's (the same process minting the tokens",
      'and verifying none: on Node 24 its RSS alone grows with a flat heap). Each library in its fastest documented form',
      "(bench/contenders.ts): jwtkit's `createVerifier(...).sync`, jose's `jwtVerify` with a pre-imported",
      "CryptoKey, fast-jwt's `createVerifier`; the caches are bounded at the same 10,000 entries.",
      '',
      table,
      '',
      verdict,
    ]);
  }
}
