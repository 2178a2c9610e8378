// `npm run bench`: sign and verify ops/s for jwtkit next to jose, jsonwebtoken, fast-jwt and the raw
// node:crypto floor, in one process, with ratios. `--write` puts the tables into docs/benchmarks.md.
// Not a test: speed targets live here, never in timed tests.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { do_not_optimize, measure } from 'mitata';
import { cacheRows } from './cache.js';
import {
  BENCH_ALGS,
  BENCH_SECRET,
  type BenchAlg,
  benchKeyPair,
  type Contender,
  contenders,
  type KeyPairText,
} from './contenders.js';

const write = process.argv.includes('--write');
const claims = { sub: 'user-1234', scope: 'read write', iss: 'https://auth.example.com', aud: 'api' };

function keysFor(alg: BenchAlg): KeyPairText {
  if (alg === 'HS256') return { signing: BENCH_SECRET, verifying: BENCH_SECRET };
  const pair = benchKeyPair(alg);
  return {
    signing: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    verifying: pair.publicKey.export({ format: 'pem', type: 'spki' }) as string,
  };
}

async function opsPerSecond(fn: () => unknown): Promise<number> {
  const probe = fn();
  const isAsync = probe instanceof Promise;
  if (isAsync) await probe;
  const stats = isAsync
    ? await measure(async () => do_not_optimize(await fn()), { min_cpu_time: 400e6 })
    : await measure(() => do_not_optimize(fn()), { min_cpu_time: 400e6 });
  return 1e9 / stats.avg;
}

interface Row {
  alg: BenchAlg;
  op: 'sign' | 'verify';
  results: Array<{ name: string; ops: number }>;
}

const rows: Row[] = [];
for (const alg of BENCH_ALGS) {
  const keys = keysFor(alg);
  const list: Contender[] = await contenders(alg, keys, claims);
  const token = (await list[0]?.sign?.()) as string;
  for (const op of ['sign', 'verify'] as const) {
    const results: Row['results'] = [];
    for (const contender of list) {
      const fn = op === 'sign' ? contender.sign : contender.verify && (() => contender.verify?.(token));
      if (!fn) continue;
      results.push({ name: contender.name, ops: await opsPerSecond(fn) });
    }
    rows.push({ alg, op, results });
    const line = results.map((r) => `${r.name} ${Math.round(r.ops).toLocaleString('en-US')}`).join(' | ');
    console.error(`${alg} ${op}: ${line}`);
  }
}

const fmt = (ops: number) => (ops >= 1000 ? `${(ops / 1000).toFixed(1)}k` : ops.toFixed(0));
const names = [...new Set(rows.flatMap((row) => row.results.map((r) => r.name)))];
const header = `| alg | op | ${names.join(' | ')} | jwtkit / floor | jwtkit / jose | jwtkit / fast-jwt | jwtkit / jsonwebtoken |`;
const divider = `| ${['---', '---', ...names.map(() => '---:'), '---:', '---:', '---:', '---:'].join(' | ')} |`;
const lines = rows.map((row) => {
  const get = (name: string) => row.results.find((r) => r.name === name)?.ops;
  const ours = get('jwtkit') ?? 0;
  const ratio = (name: string) => {
    const other = get(name);
    return other ? `${(ours / other).toFixed(2)}x` : 'n/a';
  };
  return `| ${row.alg} | ${row.op} | ${names.map((name) => (get(name) ? fmt(get(name) as number) : 'n/a')).join(' | ')} | ${ratio('node:crypto floor')} | ${ratio('jose')} | ${ratio('fast-jwt')} | ${ratio('jsonwebtoken')} |`;
});
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
const table = [header, divider, ...lines].join('\n');
console.log(`\nops/s, one process, ${machine}\n\n${table}`);

const cache = await cacheRows(opsPerSecond);
const cacheTable = [
  '| alg | jwtkit (cache hit) | jwtkit sync (cache hit) | fast-jwt (cache hit) | jwtkit / fast-jwt | jwtkit sync / fast-jwt |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...cache.map((row) => {
    const [ours, sync, theirs] = row.results.map((r) => r.ops) as [number, number, number];
    return `| ${row.alg} | ${fmt(ours)} | ${fmt(sync)} | ${fmt(theirs)} | ${(ours / theirs).toFixed(2)}x | ${(sync / theirs).toFixed(2)}x |`;
  }),
].join('\n');
console.log(`\ncache hits, ops/s\n\n${cacheTable}`);

if (write) {
  const file = new URL('../../docs/benchmarks.md', import.meta.url);
  let text = readFileSync(file, 'utf8');
  const cacheBlock = `<!-- bench:cache:start -->\nCommand: \`npm run bench -- --write\` (${new Date().toISOString().slice(0, 10)}; ${machine}). ops/s; the same token verified repeatedly.\n\n${cacheTable}\n<!-- bench:cache:end -->`;
  text = text.includes('<!-- bench:cache:start -->')
    ? text.replace(/<!-- bench:cache:start -->[\s\S]*<!-- bench:cache:end -->/, cacheBlock)
    : text.replace('<!-- bench:jwt:end -->', `<!-- bench:jwt:end -->\n\n## Verified-token cache hits (Node)\n\n${cacheBlock}`);
  const block = `<!-- bench:jwt:start -->\nCommand: \`npm run bench -- --write\` (${new Date().toISOString().slice(0, 10)}; ${machine}). ops/s; "jwtkit" is the async API, "jwtkit (sync)" the \`.sync\` form.\n\n${table}\n<!-- bench:jwt:end -->`;
  writeFileSync(file, text.replace(/<!-- bench:jwt:start -->[\s\S]*<!-- bench:jwt:end -->/, block));
  console.error('docs/benchmarks.md updated');
}
