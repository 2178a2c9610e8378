// `npm run bench:http`: requests/s of a hello-world route on node:http and on Fastify, without
// authentication and behind jwtkit with HS256 and ES256, measured with autocannon against a server
// in its own process. Every configuration of a framework lives in that one server on its own path;
// they take turns in bursts of a fixed number of requests over many rounds (the order rotating each
// round), and each figure is the median of its bursts: a drift of the machine during the run then
// touches every configuration alike instead of whichever ran at the time.
// `--write` records docs/bench/http.json and the table in docs/benchmarks.md; `--quick` is rougher.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { recordSection } from './doc-section.js';
import { pinned, startServer } from './server-process.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ROUNDS = quick ? 3 : 15;
const REQUESTS = quick ? 5_000 : 20_000;
const CONNECTIONS = 10;
const listArg = (name: string) =>
  argv
    .find((arg) => arg.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',');
const FRAMEWORKS = (listArg('frameworks') ?? ['node', 'fastify']) as readonly ('node' | 'fastify')[];
const AUTH = ['none', 'HS256', 'HS256+cache', 'ES256', 'ES256+cache'] as const;
/**
 * References on node:http only: the same HS256 check made by node:crypto called directly (the
 * floor: no library can verify for less) and by fast-jwt. They show what the target asks of any
 * verifier on this machine.
 */
const REFERENCES = ['HS256-floor', 'HS256-floor+cache', 'HS256-fast-jwt'] as const;
/** `--auths=none,HS256+cache` measures only those (ad hoc runs); `none` always comes first, the baseline. */
const only = listArg('auths');
const authsOf = (framework: string): readonly string[] =>
  (framework === 'node' ? [...AUTH, ...REFERENCES] : AUTH).filter((auth) => auth === 'none' || !only || only.includes(auth));
const server = new URL('./http-server.js', import.meta.url).pathname;
interface Running {
  url: string;
  tokens: Record<string, string>;
  child: ChildProcess;
}

function start(framework: string, auths: readonly string[]): Promise<Running> {
  return startServer<Running>(framework, [server, framework, auths.join(',')]);
}

async function serverCPU(running: Running): Promise<number> {
  const { user, system } = (await (await fetch(`${running.url}/__cpu`)).json()) as { user: number; system: number };
  return user + system;
}

/** One burst on one path: requests/s as measured, and the server's CPU time per request (µs), which the client's share of the cores does not blur. */
async function burst(running: Running, auth: string, amount: number): Promise<{ rps: number; cpu: number }> {
  const options = {
    url: `${running.url}/${auth}`,
    connections: CONNECTIONS,
    amount,
    headers: { authorization: `Bearer ${running.tokens[auth]}` },
  };
  const before = await serverCPU(running);
  const result = await autocannon(options);
  const cpu = ((await serverCPU(running)) - before) / result.requests.total;
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${auth}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  // A burst is about as short as autocannon's one-second sampling: requests over elapsed time.
  return { rps: result.requests.total / result.duration, cpu };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

const samples: Record<string, number[]> = {};
const cpuSamples: Record<string, number[]> = {};
for (const framework of FRAMEWORKS) {
  const auths = authsOf(framework);
  const running = await start(framework, auths);
  try {
    // A warm-up burst per path so that the JIT has compiled every route before any is measured.
    for (const auth of auths) await burst(running, auth, REQUESTS);
    for (let round = 0; round < ROUNDS; round++) {
      const order = auths.map((_, i) => auths[(i + round) % auths.length] as string);
      for (const auth of order) {
        const { rps, cpu } = await burst(running, auth, REQUESTS);
        samples[`${framework}/${auth}`] = [...(samples[`${framework}/${auth}`] ?? []), rps];
        cpuSamples[`${framework}/${auth}`] = [...(cpuSamples[`${framework}/${auth}`] ?? []), cpu];
      }
      console.error(
        `round ${round + 1}/${ROUNDS}, ${framework}: ${auths.map((auth) => `${auth} ${cpuSamples[`${framework}/${auth}`]?.at(-1)?.toFixed(1)} µs`).join(', ')}`,
      );
    }
  } finally {
    running.child.kill();
  }
}

// The cost of auth is the share of server CPU it adds: 1 - (CPU per request without) / (CPU per request with),
// that is, the throughput lost once the server, not the client, is the limit. It is taken round by
// round (the two bursts of a round ran moments apart) and the median of the rounds is reported.
const rows = FRAMEWORKS.map((framework) => {
  const cpuOf = (auth: string) => median(cpuSamples[`${framework}/${auth}`] ?? []);
  const costOf = (auth: string) => {
    const without = cpuSamples[`${framework}/none`] ?? [];
    return median((cpuSamples[`${framework}/${auth}`] ?? []).map((cpu, round) => 1 - (without[round] ?? Number.NaN) / cpu));
  };
  return {
    framework,
    results: Object.fromEntries(authsOf(framework).map((auth) => [auth, median(samples[`${framework}/${auth}`] ?? [])])),
    cpu: Object.fromEntries(authsOf(framework).map((auth) => [auth, cpuOf(auth)])),
    cost: Object.fromEntries(
      authsOf(framework)
        .slice(1)
        .map((auth) => [auth, costOf(auth)]),
    ),
  };
});
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  pinned,
  command: 'npm run bench:http',
  rounds: ROUNDS,
  requests: REQUESTS,
  connections: CONNECTIONS,
  rows,
};

const percent = (value: number | undefined) => (value === undefined ? '-' : `${(value * 100).toFixed(1)}%`);
const NAMES = { node: 'node:http (`jwtkit/node-http`)', fastify: 'Fastify 5 (`jwtkit/fastify`)' };
const LABELS: Record<string, string> = {
  none: 'no auth',
  HS256: 'HS256',
  'HS256+cache': 'HS256, cache hit',
  ES256: 'ES256',
  'ES256+cache': 'ES256, cache hit',
  'HS256-floor': 'HS256 by node:crypto directly (floor, not jwtkit)',
  'HS256-floor+cache': 'HS256 cache hit, floor: a Map lookup and the exp and aud checks (not jwtkit)',
  'HS256-fast-jwt': 'HS256 by fast-jwt (reference, not jwtkit)',
};
const table = [
  '| server | auth | req/s measured | server CPU per request | server-bound req/s | cost of auth |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
  ...rows.flatMap((row) =>
    authsOf(row.framework).map(
      (auth) =>
        `| ${NAMES[row.framework]} | ${LABELS[auth]} | ${Math.round(row.results[auth] ?? 0)} | ${(row.cpu[auth] ?? 0).toFixed(1)} µs | ${Math.round(1e6 / (row.cpu[auth] ?? 1))} | ${auth === 'none' ? '' : percent(row.cost[auth])} |`,
    ),
  ),
].join('\n');
const node = rows.find((row) => row.framework === 'node');
const costOf = (auth: string) => node?.cost[auth] ?? Number.NaN;
const [uncached, hit, floor, floorHit, fast] = ['HS256', 'HS256+cache', 'HS256-floor', 'HS256-floor+cache', 'HS256-fast-jwt'].map(
  costOf,
) as [number, number, number, number, number];
const verdict = [
  'Target (issue 6): HS256 auth costs under 10% of the unauthenticated throughput on node:http.',
  `With the verified-token cache (a client sending its token again, the usual case): ${percent(hit)}, ${hit < 0.1 ? 'met' : 'NOT met'}`,
  `(a bare Map lookup with the exp and aud checks, the floor of any cache hit, costs ${percent(floorHit)}).`,
  `Verifying every request afresh: ${percent(uncached)}, ${uncached < 0.1 ? 'met' : 'NOT met'};`,
  `the same check by node:crypto called directly costs ${percent(floor)} and by fast-jwt ${percent(fast)},`,
  `so afresh the target is ${floor < 0.1 ? 'within reach of a verifier on this machine' : 'out of reach of any verifier on this machine, the floor included'}.`,
].join(' ');
console.log(`\n${table}\n\n${verdict}`);

if (argv.includes('--write')) {
  mkdirSync('docs/bench', { recursive: true });
  writeFileSync('docs/bench/http.json', `${JSON.stringify(result, null, 2)}\n`);
  recordSection('http', 'HTTP: the cost of authentication per request (issue 6)', [
    `Measured ${result.date.slice(0, 10)} on Node ${result.node}, ${result.cpus}, with \`${result.command}\`: autocannon,`,
    `${CONNECTIONS} connections. Every configuration of a framework is served by one process on its own path; they take`,
    `turns in bursts of ${REQUESTS.toLocaleString('en')} requests over ${ROUNDS} rounds (the order rotating each round), after a warm-up burst each.`,
    'Each figure is the median of its bursts.',
    `The server runs in its own process${pinned ? ' pinned to CPU 0, the load generator on CPU 1 (taskset)' : ''}; the two share the machine, so absolute`,
    'figures are low and the ratios are what carry over. Every run sends the same request, with an',
    '`Authorization: Bearer` header the unauthenticated server ignores, so the client does the same work.',
    'Measured req/s are bounded by the client here (the server sits idle part of the time), so the',
    "cost of auth is taken from the server's CPU time per request (user + system, `process.cpuUsage()`):",
    '`1 - CPU(no auth) / CPU(auth)`, the throughput lost once the server is the limit, taken per round (median of the rounds).',
    '',
    table,
    '',
    verdict,
  ]);
}
