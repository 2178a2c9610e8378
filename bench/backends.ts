// `npm run bench:backends`: the node:crypto and WebCrypto backends side by side on this runtime, per
// algorithm family, through the same backend interface jwtkit uses. Run on Node, Deno and Bun; the
// faster backend per family is what src/backend/select.node.ts prefers. `--write` records the table.
import { readFileSync, writeFileSync } from 'node:fs';
import { do_not_optimize, measure } from 'mitata';
import { signatureAlgorithm } from '../src/algorithms/index.js';
import { nodeBackend } from '../src/backend/node.js';
import { buildInfo } from '../src/backend/select.node.js';
import type { Backend, NativeKey } from '../src/backend/types.js';
import { webBackend } from '../src/backend/web.js';
import { BENCH_SECRET, benchKeys } from './contenders.js';

const ALGS = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'] as const;
const input = `${'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9'}.${'eyJzdWIiOiJ1c2VyLTEyMzQiLCJzY29wZSI6InJlYWQgd3JpdGUiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0'}`;

function material(alg: (typeof ALGS)[number]): { pkcs8: Uint8Array; spki: Uint8Array } | Uint8Array {
  if (alg === 'HS256') return new TextEncoder().encode(BENCH_SECRET);
  const keys = benchKeys(alg);
  return {
    pkcs8: new Uint8Array(keys.signingObject.export({ format: 'der', type: 'pkcs8' })),
    spki: new Uint8Array(keys.verifyingObject.export({ format: 'der', type: 'spki' })),
  };
}

async function opsPerSecond(fn: () => unknown): Promise<number> {
  const stats = await measure(async () => do_not_optimize(await fn()), { min_cpu_time: 300e6 });
  return 1e9 / stats.avg;
}

async function measureBackend(backend: Backend, alg: (typeof ALGS)[number], keys: ReturnType<typeof material>) {
  const algorithm = signatureAlgorithm(alg);
  if (algorithm === undefined) throw new Error(alg);
  let signing: NativeKey;
  let verifying: NativeKey;
  if (keys instanceof Uint8Array) {
    signing = await backend.importSecret(keys, algorithm, false);
    verifying = signing;
  } else {
    signing = await backend.importDER(keys.pkcs8, 'pkcs8', algorithm, false, algorithm.crv);
    verifying = await backend.importDER(keys.spki, 'spki', algorithm, false, algorithm.crv);
  }
  const sign = backend.signer(signing, algorithm);
  const verify = backend.verifier(verifying, algorithm);
  const signature = await sign(input);
  if (!(await verify(input, signature))) throw new Error(`${backend.name} ${alg} does not verify its own signature`);
  return { sign: await opsPerSecond(() => sign(input)), verify: await opsPerSecond(() => verify(input, signature)) };
}

const fmt = (ops: number) => (ops >= 1000 ? `${(ops / 1000).toFixed(1)}k` : ops.toFixed(0));
const lines = [
  '| family (alg) | node sign | web sign | node verify | web verify | faster |',
  '| --- | ---: | ---: | ---: | ---: | --- |',
];
for (const alg of ALGS) {
  const keys = material(alg);
  const node = await measureBackend(nodeBackend, alg, keys);
  const web = await measureBackend(webBackend, alg, keys);
  const faster = node.sign + node.verify >= web.sign + web.verify ? 'node' : 'web';
  lines.push(`| ${alg} | ${fmt(node.sign)} | ${fmt(web.sign)} | ${fmt(node.verify)} | ${fmt(web.verify)} | ${faster} |`);
  console.error(lines.at(-1));
}
const table = lines.join('\n');
const runtime = buildInfo.runtime;
console.log(`\nbackends on ${runtime}\n\n${table}`);

if (process.argv.includes('--write') || (globalThis as { Deno?: { args: string[] } }).Deno?.args.includes('--write')) {
  const file = new URL('../../docs/benchmarks.md', import.meta.url);
  const marker = `bench:backends:${runtime}`;
  const block = `<!-- ${marker}:start -->\n${runtime} (${new Date().toISOString().slice(0, 10)}):\n\n${table}\n<!-- ${marker}:end -->`;
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(new RegExp(`<!-- ${marker}:start -->[\\s\\S]*<!-- ${marker}:end -->`), block));
}
