// `npm run bench:dpop`: requests/s of a DPoP-protected route against a Bearer-protected one on
// node:http (jwtkit/node-http), in one run against one server process (bench/dpop-server.ts). Each
// DPoP request carries a fresh proof (ES256, its own jti, ath of the token): the proofs of a burst
// are made before it starts, so the client's signing is not measured. The routes take turns in
// bursts over several rounds, the order rotating; each figure is the median of its bursts.
// `--write` records the table in docs/benchmarks.md; `--quick` is rougher. The machine may be
// shared: run it with `nice`, and read the figures as a ratio within one run.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { createDPoPProof, generateKeyPair, importKey, jwkThumbprint, type Key, signJWT } from 'jwtkit';
import { recordSection } from './doc-section.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const REQUESTS = quick ? 3_000 : 8_000;
const CONNECTIONS = 10;
const ROUTES = ['bearer', 'dpop', 'dpop-required'] as const;

const secretHex = randomBytes(32).toString('hex');
const secret = await importKey(Buffer.from(secretHex, 'hex'), { alg: 'HS256' });
const keyPair = await generateKeyPair('ES256');
const jkt = await jwkThumbprint(keyPair.publicKey as Key);
const bearerToken = await signJWT({ sub: 'bench', aud: 'api' }, secret, { expiresIn: '1h' });
const boundToken = await signJWT({ sub: 'bench', aud: 'api', cnf: { jkt } }, secret, { expiresIn: '1h' });

function start(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [new URL('./dpop-server.js', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, JWTKIT_BENCH_SECRET: secretHex },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) resolve({ ...JSON.parse(output.split('\n')[0] as string), child });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** The headers of each request of a burst: the bearer token, or the bound token and a fresh proof. */
async function headersFor(route: string, amount: number): Promise<Record<string, string>[]> {
  if (route === 'bearer') return Array.from({ length: amount }, () => ({ authorization: `Bearer ${bearerToken}` }));
  const htu = `https://bench.example/${route}`;
  const list: Record<string, string>[] = [];
  for (let i = 0; i < amount; i++) {
    const proof = await createDPoPProof(keyPair, { htm: 'GET', htu, accessToken: boundToken });
    list.push({ authorization: `DPoP ${boundToken}`, dpop: proof });
  }
  return list;
}

async function burst(url: string, route: string, amount: number): Promise<number> {
  const headers = await headersFor(route, amount);
  let next = 0;
  let answered = 0;
  let last = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/${route}`,
        connections: CONNECTIONS,
        amount,
        requests: [{ setupRequest: (request) => ({ ...request, headers: headers[next++ % amount] }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon ends a run on its one-second tick: the time of the last answer is the burst's end.
    instance.on('response', () => {
      answered++;
      last = performance.now();
    });
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${route}: ${result.errors} errors, ${result.non2xx} non-2xx answers`);
  return answered / ((last - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
const samples: Record<string, number[]> = {};
const running = await start();
try {
  for (const route of ROUTES) await burst(running.url, route, Math.min(REQUESTS, 2_000));
  for (let round = 0; round < ROUNDS; round++) {
    const order = ROUTES.map((_, i) => ROUTES[(i + round) % ROUTES.length] as string);
    for (const route of order) samples[route] = [...(samples[route] ?? []), await burst(running.url, route, REQUESTS)];
    console.error(
      `round ${round + 1}/${ROUNDS}: ${ROUTES.map((r) => `${r} ${Math.round(samples[r]?.at(-1) ?? 0)}/s`).join(', ')}`,
    );
  }
} finally {
  running.child.kill();
}

const bearer = median(samples.bearer ?? []);
const LABELS: Record<string, string> = {
  bearer: 'Bearer (HS256 token)',
  dpop: 'DPoP (same token bound with cnf.jkt, ES256 proof; Bearer also accepted)',
  'dpop-required': 'DPoP only (`required: true`)',
};
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'} (shared machine, under \`nice\`), ${ROUNDS} rounds of ${REQUESTS} requests, ${CONNECTIONS} connections; command: \`nice npm run bench:dpop -- --write\`.`,
  '',
  '| route on node:http (`jwtkit/node-http`) | requests/s (median) | vs Bearer |',
  '| --- | ---: | ---: |',
  ...ROUTES.map((route) => {
    const rps = median(samples[route] ?? []);
    return `| ${LABELS[route]} | ${Math.round(rps).toLocaleString('en')} | ${((rps / bearer) * 100).toFixed(0)}% |`;
  }),
];
console.log(lines.join('\n'));
if (argv.includes('--write')) recordSection('dpop', 'DPoP against Bearer on node:http', lines);
