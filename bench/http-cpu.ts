// `npm run bench:http-cpu` (issue 32, item 4): what authentication costs the server, in CPU time
// per request, rather than what a load generator sharing the machine manages to push. The server
// (bench/http-cpu-server.ts) runs in its own process; this process is the client: keep-alive
// connections on 127.0.0.1, a bounded number of requests per block. Around each block it reads the
// server's `process.cpuUsage()` (GET /__cpu), so the figure is the server's user + system CPU time
// over a fixed number of requests, whatever the client's share of the cores.
//
// Blocks alternate: hello-world, a configuration, hello-world, the next configuration, ... (the
// order of the configurations rotating each round), and each configuration's block is set against
// the mean of the two hello-world blocks around it, so a drift of the machine hits both sides of a
// ratio. A figure is the median over the rounds. `--write` records docs/bench/http-cpu.json and a
// section at the end of docs/benchmarks.md; `--quick` is rougher.
import type { ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync, sign as nodeSign, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { recordSection } from './doc-section.js';
import { pinned, startServer } from './server-process.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ROUNDS = quick ? 3 : 12;
const BLOCK = quick ? 1_000 : 4_000;
const CONNECTIONS = 8;
const FRAMEWORKS = ['node', 'fastify'] as const;
type Framework = (typeof FRAMEWORKS)[number];
/** Every configuration but the baseline; `-hit` sends one token again and again, `-fresh` a new token per request. */
const PATHS = ['HS256-hit', 'HS256-fresh', 'ES256-hit', 'ES256-fresh', 'floor-HS256', 'floor-ES256'] as const;
type Path = (typeof PATHS)[number];
const LABELS: Record<Path | 'none', string> = {
  none: 'hello world, no auth (baseline)',
  'HS256-hit': 'jwtkit HS256, cache hit (same token)',
  'HS256-fresh': 'jwtkit HS256, afresh (a new token per request, cache miss)',
  'ES256-hit': 'jwtkit ES256, cache hit (same token)',
  'ES256-fresh': 'jwtkit ES256, afresh (a new token per request, cache miss)',
  'floor-HS256': 'raw node:crypto HS256, afresh (floor, not jwtkit)',
  'floor-ES256': 'raw node:crypto ES256, afresh (floor, not jwtkit)',
};
const NAMES: Record<Framework, string> = { node: 'node:http (`jwtkit/node-http`)', fastify: 'Fastify 5 (`jwtkit/fastify`)' };

// The client holds the signing keys and signs every token itself; the server gets only what
// verifies (the secret, the public JWK).
const secret = randomBytes(32);
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const keysEnv = JSON.stringify({ secret: secret.toString('base64url'), jwk: pair.publicKey.export({ format: 'jwk' }) });
const HEADERS = {
  HS256: Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
  ES256: Buffer.from('{"alg":"ES256","typ":"JWT"}').toString('base64url'),
};
let serial = 0;
/** A token no earlier request carried (its `jti` is new), signed the way any issuer would. */
function mint(alg: 'HS256' | 'ES256'): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'user-1234', scope: 'read write', aud: 'api', iat: now, exp: now + 3600, jti: `t${++serial}` };
  const input = `${HEADERS[alg]}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature =
    alg === 'HS256'
      ? createHmac('sha256', secret).update(input).digest()
      : nodeSign('sha256', Buffer.from(input), { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
const algOf = (path: Path | 'none') => (path.includes('ES256') ? 'ES256' : 'HS256');
// One token per algorithm for the hit paths; the hello-world route is sent the HS256 one, which it
// ignores, so its requests are the same bytes as the authenticated ones.
const sameToken = { HS256: mint('HS256'), ES256: mint('ES256') };

const serverScript = new URL('./http-cpu-server.js', import.meta.url).pathname;

function start(framework: Framework): Promise<{ url: string; child: ChildProcess }> {
  // `--gc-between`: a full collection between blocks, outside every measured window (the server
  // needs --expose-gc), to see how much collection one block leaves to the next (hostile review).
  const gcBetween = argv.includes('--gc-between');
  const args = [...(gcBetween ? ['--expose-gc'] : []), serverScript, framework, ['none', ...PATHS].join(',')];
  return startServer<{ url: string }>(framework, args, { ...process.env, JWTKIT_BENCH_KEYS: keysEnv });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function get(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url} in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

async function serverCPU(url: string, end = false): Promise<number> {
  const { user, system } = JSON.parse((await get(`${url}/${end ? '__cpu-end' : '__cpu'}`, '')).body) as {
    user: number;
    system: number;
  };
  return user + system;
}

/** One block: BLOCK requests over CONNECTIONS connections; the server's CPU time per request, µs. */
async function block(url: string, path: Path | 'none'): Promise<number> {
  // Fresh tokens are signed before the block starts: the server is idle meanwhile, and idle costs it nothing.
  const tokens = path.endsWith('fresh') ? Array.from({ length: BLOCK }, () => mint(algOf(path))) : undefined;
  const token = sameToken[algOf(path)];
  let next = 0;
  const worker = async () => {
    while (next < BLOCK) {
      const i = next++;
      const { status } = await get(`${url}/${path}`, tokens?.[i] ?? token);
      if (status !== 200) throw new Error(`${path}: answered ${status}`);
    }
  };
  const before = await serverCPU(url);
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return ((await serverCPU(url, true)) - before) / BLOCK;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const quartiles = (values: number[]): [number, number] => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return [at(0.25), at(0.75)];
};

interface Row {
  path: Path | 'none';
  /** Median server CPU per request, µs. */
  cpu: number;
  /** Median over the rounds of (this block - mean of the hello-world blocks around it), µs. */
  added: number;
  /** Median over the rounds of added / hello-world, the figure the target is stated in. */
  share: number;
  /** The quartiles of that share over the rounds: how far a single round may stray. */
  spread: [number, number];
}

async function measure(framework: Framework): Promise<Row[]> {
  const server = await start(framework);
  try {
    // Warm-up: every path twice, so the JIT has compiled each route before any is measured.
    for (let i = 0; i < 2; i++) for (const path of ['none', ...PATHS] as const) await block(server.url, path);
    const hello: number[] = [];
    const samples = new Map<Path, { cpu: number; added: number; share: number }[]>();
    for (let round = 0; round < ROUNDS; round++) {
      let before = await block(server.url, 'none');
      hello.push(before);
      for (let i = 0; i < PATHS.length; i++) {
        const path = PATHS[(i + round) % PATHS.length] as Path;
        const cpu = await block(server.url, path);
        const after = await block(server.url, 'none');
        hello.push(after);
        const baseline = (before + after) / 2;
        samples.set(path, [...(samples.get(path) ?? []), { cpu, added: cpu - baseline, share: (cpu - baseline) / baseline }]);
        before = after;
      }
      console.error(
        `round ${round + 1}/${ROUNDS}, ${framework}: hello ${before.toFixed(1)} µs, ${PATHS.map((path) => `${path} ${samples.get(path)?.at(-1)?.cpu.toFixed(1)}`).join(', ')}`,
      );
    }
    const helloMedian = median(hello);
    return [
      { path: 'none', cpu: helloMedian, added: 0, share: 0, spread: [0, 0] },
      ...PATHS.map((path) => {
        const list = samples.get(path) ?? [];
        return {
          path,
          cpu: median(list.map((s) => s.cpu)),
          added: median(list.map((s) => s.added)),
          share: median(list.map((s) => s.share)),
          spread: quartiles(list.map((s) => s.share)),
        };
      }),
    ];
  } finally {
    server.child.kill();
  }
}

const results: Record<string, Row[]> = {};
for (const framework of FRAMEWORKS) results[framework] = await measure(framework);
agent.destroy();

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const table = [
  '| server | request | server CPU per request | added by auth | added, % of hello world | quartiles over the rounds |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
  ...FRAMEWORKS.flatMap((framework) =>
    (results[framework] ?? []).map(
      (row) =>
        `| ${NAMES[framework]} | ${LABELS[row.path]} | ${row.cpu.toFixed(1)} µs | ${row.path === 'none' ? '' : `${row.added.toFixed(1)} µs`} | ${row.path === 'none' ? '' : percent(row.share)} | ${row.path === 'none' ? '' : `${percent(row.spread[0])} to ${percent(row.spread[1])}`} |`,
    ),
  ),
].join('\n');
const of = (framework: Framework, path: Path) => results[framework]?.find((row) => row.path === path) as Row;
const verdicts = FRAMEWORKS.map((framework) => {
  const hit = of(framework, 'HS256-hit');
  const fresh = of(framework, 'HS256-fresh');
  const floor = of(framework, 'floor-HS256');
  const esFresh = of(framework, 'ES256-fresh');
  const esFloor = of(framework, 'floor-ES256');
  return [
    `${NAMES[framework]}: an HS256 cache hit adds ${hit.added.toFixed(1)} µs, ${percent(hit.share)} of a hello-world request (target under 10%: ${hit.share < 0.1 ? 'met' : 'NOT met'}).`,
    `Afresh, HS256 adds ${fresh.added.toFixed(1)} µs against ${floor.added.toFixed(1)} µs for the raw node:crypto verification (${(fresh.added / floor.added).toFixed(2)}x the floor's added cost),`,
    `ES256 ${esFresh.added.toFixed(1)} µs against ${esFloor.added.toFixed(1)} µs (${(esFresh.added / esFloor.added).toFixed(2)}x).`,
  ].join(' ');
});
console.log(`\n${table}\n\n${verdicts.join('\n\n')}`);

if (argv.includes('--write')) {
  const date = new Date().toISOString();
  const cpuName = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`;
  mkdirSync('docs/bench', { recursive: true });
  writeFileSync(
    'docs/bench/http-cpu.json',
    `${JSON.stringify({ date, node: process.version, cpus: cpuName, pinned, rounds: ROUNDS, block: BLOCK, connections: CONNECTIONS, results }, null, 2)}\n`,
  );
  recordSection('http-cpu', 'HTTP: server CPU time per request (issue 32)', [
    `Measured ${date.slice(0, 10)} on Node ${process.version}, ${cpuName}, with \`npm run bench:http-cpu\`.`,
    "What authentication costs the server process, whatever the load generator's share of the cores:",
    "the server's CPU time (user + system, `process.cpuUsage()`, GC and helper threads included) over a",
    `fixed block of ${BLOCK.toLocaleString('en')} requests, read before and after each block. The server runs alone in its process${pinned ? ' (pinned to CPU 0, the client to CPU 1)' : ''};`,
    `the client is a separate Node process with ${CONNECTIONS} keep-alive connections on 127.0.0.1. Every request carries`,
    'an `Authorization: Bearer` header (the hello-world route ignores it). Blocks alternate: hello world,',
    `a configuration, hello world, the next, ... over ${ROUNDS} rounds (the order rotating each round), after two`,
    'warm-up blocks per path; each block is set against the mean of the two hello-world blocks around it,',
    'and each figure is the median over the rounds (the last column: the quartiles of the rounds, the spread',
    'a single round shows). "Added" is authenticated minus hello world; the',
    'target is stated in "% of hello world" (added / hello world). jwtkit\'s verifier has the verified-token',
    'cache on (`max: 10_000`) in both rows: a hit is the same token again, afresh is a new token per request',
    '(signed by the client before the block), so verification plus the cache insert and eviction. The floor is',
    'node:crypto called in the route (signature, base64url, `JSON.parse`, exp and aud), the style of',
    'bench/contenders.ts. Instruction counts were not taken: `perf stat -e instructions` reports the',
    'counter as not supported in this virtual machine.',
    '',
    table,
    '',
    ...verdicts.flatMap((verdict) => [verdict, '']),
  ]);
}
