// `npm run bench:http`: requests/s of a hello-world route on node:http and on Fastify, without
// authentication and behind jwtkit with HS256 and ES256, measured with autocannon against a server
// in its own process. Configurations take turns over several rounds; each figure is the median.
// `--write` records docs/bench/http.json and the table in docs/benchmarks.md; `--quick` is rougher.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { recordSection } from './doc-section.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const SECONDS = quick ? 2 : 5;
const CONNECTIONS = 10;
const FRAMEWORKS = ['node', 'fastify'] as const;
const AUTH = ['none', 'HS256', 'HS256+cache', 'ES256', 'ES256+cache'] as const;
/**
 * References on node:http only: the same HS256 check made by node:crypto called directly (the
 * floor: no library can verify for less) and by fast-jwt. They show what the target asks of any
 * verifier on this machine.
 */
const REFERENCES = ['HS256-floor', 'HS256-fast-jwt'] as const;
const authsOf = (framework: string): readonly string[] => (framework === 'node' ? [...AUTH, ...REFERENCES] : AUTH);
const server = new URL('./http-server.js', import.meta.url).pathname;
// Server on CPU 0, load generator (this process) on CPU 1, where taskset and two CPUs exist: the two
// then stop trading places on the cores, which narrows the spread between identical runs.
const pinned =
  cpus().length >= 2 && spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' }).status === 0;

interface Running {
  url: string;
  token: string;
  child: ChildProcess;
}

function start(framework: string, auth: string): Promise<Running> {
  const [command, args] = pinned
    ? ['taskset', ['-c', '0', process.execPath, server, framework, auth]]
    : [process.execPath, [server, framework, auth]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve({ ...JSON.parse(line), child });
    });
    child.on('exit', (code) => reject(new Error(`server ${framework}/${auth} exited with ${code}`)));
  });
}

async function serverCPU(running: Running): Promise<number> {
  const { user, system } = (await (await fetch(`${running.url}/__cpu`)).json()) as { user: number; system: number };
  return user + system;
}

/** Requests/s as measured, and the server's CPU time per request (µs), which the client's share of the cores does not blur. */
async function load(running: Running): Promise<{ rps: number; cpu: number; errors: number; non2xx: number }> {
  const headers = { authorization: `Bearer ${running.token}` };
  const before = await serverCPU(running);
  const result = await autocannon({ url: running.url, connections: CONNECTIONS, duration: SECONDS, headers });
  const cpu = ((await serverCPU(running)) - before) / result.requests.total;
  return { rps: result.requests.average, cpu, errors: result.errors, non2xx: result.non2xx };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

const samples: Record<string, number[]> = {};
const cpuSamples: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const framework of FRAMEWORKS) {
    for (const auth of authsOf(framework)) {
      const running = await start(framework, auth);
      try {
        // A short warm-up so that the JIT has compiled the route before it is measured.
        await autocannon({
          url: running.url,
          connections: CONNECTIONS,
          duration: 1,
          headers: running.token ? { authorization: `Bearer ${running.token}` } : {},
        });
        const { rps, cpu, errors, non2xx } = await load(running);
        if (errors > 0 || non2xx > 0) throw new Error(`${framework}/${auth}: ${errors} errors, ${non2xx} non-2xx answers`);
        samples[`${framework}/${auth}`] = [...(samples[`${framework}/${auth}`] ?? []), rps];
        cpuSamples[`${framework}/${auth}`] = [...(cpuSamples[`${framework}/${auth}`] ?? []), cpu];
        console.error(
          `round ${round + 1}: ${framework} ${auth}: ${Math.round(rps)} req/s, ${cpu.toFixed(1)} µs server CPU per request`,
        );
      } finally {
        running.child.kill();
      }
    }
  }
}

// The cost of auth is the share of server CPU it adds: 1 - (CPU per request without) / (CPU per request with),
// that is, the throughput lost once the server, not the client, is the limit.
const rows = FRAMEWORKS.map((framework) => {
  const cpuOf = (auth: string) => median(cpuSamples[`${framework}/${auth}`] ?? []);
  return {
    framework,
    results: Object.fromEntries(authsOf(framework).map((auth) => [auth, median(samples[`${framework}/${auth}`] ?? [])])),
    cpu: Object.fromEntries(authsOf(framework).map((auth) => [auth, cpuOf(auth)])),
    cost: Object.fromEntries(
      authsOf(framework)
        .slice(1)
        .map((auth) => [auth, 1 - cpuOf('none') / cpuOf(auth)]),
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
  seconds: SECONDS,
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
const uncached = rows[0]?.cost.HS256 ?? Number.NaN;
const hit = rows[0]?.cost['HS256+cache'] ?? Number.NaN;
const floor = rows[0]?.cost['HS256-floor'] ?? Number.NaN;
const fast = rows[0]?.cost['HS256-fast-jwt'] ?? Number.NaN;
const verdict = [
  'Target (issue 6): HS256 auth costs under 10% of the unauthenticated throughput on node:http.',
  `With the verified-token cache (a client sending its token again, the usual case): ${percent(hit)}, ${hit < 0.1 ? 'met' : 'NOT met'}.`,
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
    `${CONNECTIONS} connections, ${SECONDS} s per run after a 1 s warm-up, ${ROUNDS} rounds in turn, median requests/s.`,
    `The server runs in its own process${pinned ? ' pinned to CPU 0, the load generator on CPU 1 (taskset)' : ''}; the two share the machine, so absolute`,
    'figures are low and the ratios are what carry over. Every run sends the same request, with an',
    '`Authorization: Bearer` header the unauthenticated server ignores, so the client does the same work.',
    'Measured req/s are bounded by the client here (the server sits idle part of the time), so the',
    "cost of auth is taken from the server's CPU time per request (user + system, `process.cpuUsage()`):",
    '`1 - CPU(no auth) / CPU(auth)`, the throughput lost once the server is the limit.',
    '',
    table,
    '',
    verdict,
  ]);
}
