// `npm run bench:revocation`: the load run of issue 7, bounded and on loopback only. On the memory
// store and on a real redis-server started for the run (127.0.0.1, a free port): 10,000 revocations,
// then 3 s of continuous verifications of distinct tokens each followed by its revocation check (a tenth of
// them revoked), with throughput and the store's memory; the same with the near cache, and with
// each write waiting for a replica (WAIT 1). Then issue 27's propagation run: three processes on
// one Redis, the time from revoke() in this one to refusal in the two others (near caches), over
// 1,000 revocations. `--write` records docs/benchmarks.md.
import { fork } from 'node:child_process';
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { createVerifier, type JWTPayload } from 'jwtkit';
import { createKeyRing, createRevocationList } from 'jwtkit/issuer';
import { createMemoryStore, createRedisStore, type RedisStore, type Store } from 'jwtkit/stores';
import { redisMissing, startRedis } from '../test/harness/redis.js';
import { recordSection } from './doc-section.js';

const REVOCATIONS = 10_000;
const TOKENS = 10_000; // distinct tokens, each verified ten times over the run
const CONCURRENCY = 64; // requests in flight, as a server under load has

const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h', sign: { expiresIn: '1h' } });
const tokens = await Promise.all(
  Array.from({ length: TOKENS }, (_, i) => ring.sign({ sub: `user-${i % 1000}`, jti: `jti-${i}` })),
);
const revokedPayloads: JWTPayload[] = Array.from({ length: REVOCATIONS }, (_, i) => ({
  jti: i % 10 === 0 ? `jti-${i}` : `other-${i}`,
  exp: Math.floor(Date.now() / 1000) + 3600,
}));

/**
 * Runs `work` continuously for SUSTAIN_MS with CONCURRENCY in flight, as a server under steady load;
 * returns the rate over the first COLD_MS (a near cache starts cold) and over the last STEADY_MS
 * (every record read at the start has gone past its `maxStaleness` of 1 s by then at least once).
 */
const SUSTAIN_MS = 3000;
const COLD_MS = 250;
const STEADY_MS = 1500;
async function sustained(work: (i: number) => Promise<unknown>): Promise<{ cold: number; steady: number }> {
  let next = 0;
  let cold = 0;
  let steady = 0;
  const started = performance.now();
  const end = started + SUSTAIN_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await work(next++);
        const at = performance.now() - started;
        if (at < COLD_MS) cold++;
        else if (at >= SUSTAIN_MS - STEADY_MS && at < SUSTAIN_MS) steady++;
      }
    }),
  );
  return { cold: cold / (COLD_MS / 1000), steady: steady / (STEADY_MS / 1000) };
}

/** Runs `total` calls of `work` with CONCURRENCY in flight; returns operations per second. */
async function throughput(total: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await work(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

interface Row {
  store: string;
  revocationsPerSecond: number;
  verificationsPerSecond: number;
  coldPerSecond: number;
  revokedShare: number;
  memory: string;
}

const ROUNDS = 3; // verification passes per store, interleaved; the best counts (the cores are shared)
const passes: (() => Promise<void>)[] = [];

async function run(name: string, store: Store, memory: () => Promise<string>): Promise<Row> {
  const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
  const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'], cache: { max: TOKENS, ttl: '5m' } });
  const revocationsPerSecond = await throughput(REVOCATIONS, (i) => revocations.revoke(revokedPayloads[i] as JWTPayload));
  const row: Row = {
    store: name,
    revocationsPerSecond,
    verificationsPerSecond: 0,
    coldPerSecond: 0,
    revokedShare: 0,
    memory: '',
  };
  const pass = async () => {
    let revoked = 0;
    let checked = 0;
    const rate = await sustained(async (i) => {
      const { payload } = await verify(tokens[i % TOKENS] as string);
      // Every tenth token is revoked (jti-0, jti-10, ...): a wrong answer shows as a share other than 10 %.
      if ((await revocations.isRevoked(payload)) !== (i % 10 === 0)) throw new Error(`wrong answer for token ${i % TOKENS}`);
      if (i % 10 === 0) revoked++;
      checked++;
    });
    row.verificationsPerSecond = Math.max(row.verificationsPerSecond, rate.steady);
    row.coldPerSecond = Math.max(row.coldPerSecond, rate.cold);
    row.revokedShare = revoked / checked;
  };
  await pass();
  passes.push(pass);
  row.memory = await memory();
  return row;
}

/** The other passes of every store so far, one store after the other, round after round. */
async function rounds(): Promise<void> {
  for (let round = 1; round < ROUNDS; round++) for (const pass of passes) await pass();
  passes.length = 0;
}

const rows: Row[] = [];
const heapBefore = process.memoryUsage().heapUsed;
rows.push(
  await run(
    'memory',
    createMemoryStore(),
    async () =>
      `${((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(1)} MiB of heap (whole process, tokens included)`,
  ),
);

const missing = redisMissing();
const PROPAGATIONS = 1000;
let propagation: { p50: number; p99: number; max: number } | undefined;
if (missing !== undefined) {
  console.error(`skipping Redis: ${missing}`);
  await rounds();
} else {
  const redis = await startRedis();
  const replica = await startRedis();
  const client = new Redis(redis.url);
  const subscriber = new Redis(redis.url);
  const replicaClient = new Redis(replica.url);
  const stores: RedisStore[] = [];
  try {
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? Number.NaN);
    const inRedis = (prefix: string) => async () => {
      const keys = (await client.keys(`${prefix}*`)).length;
      return `${((await usedMemory()) / 2 ** 20).toFixed(1)} MiB in all, ${keys} keys of this row (used_memory)`;
    };
    const plain = createRedisStore(client, { prefix: 'plain:' });
    rows.push(await run('Redis (ioredis, loopback)', plain, inRedis('plain:')));
    const near = createRedisStore(client, { prefix: 'near:', nearCache: { subscriber, maxStaleness: '1s' } });
    stores.push(near);
    await new Promise((resolve) => setTimeout(resolve, 100)); // its first beat
    rows.push(await run('Redis + near cache (maxStaleness 1 s)', near, inRedis('near:')));
    const lazier = createRedisStore(client, { prefix: 'near5:', nearCache: { subscriber, maxStaleness: '5s' } });
    stores.push(lazier);
    await new Promise((resolve) => setTimeout(resolve, 100));
    rows.push(await run('Redis + near cache (maxStaleness 5 s)', lazier, inRedis('near5:')));
    await replicaClient.call('REPLICAOF', '127.0.0.1', String(redis.port));
    while (!/master_link_status:up/.test(await replicaClient.info('replication')))
      await new Promise((resolve) => setTimeout(resolve, 50));
    const waited = createRedisStore(client, { prefix: 'wait:', replicas: 1 });
    rows.push(await run('Redis, each write after WAIT 1 (one replica)', waited, inRedis('wait:')));
    await rounds();
    propagation = await propagate(redis.url);
  } finally {
    for (const store of stores) await store.close();
    client.disconnect();
    subscriber.disconnect();
    replicaClient.disconnect();
    await replica.stop();
    await redis.stop();
  }
}

/** Three processes on one Redis: revoke() here, refusal in the two peers (bench/revocation-peer.ts). */
async function propagate(url: string): Promise<{ p50: number; p99: number; max: number }> {
  const peers = [0, 1].map(() => fork(new URL('./revocation-peer.js', import.meta.url), [url], { stdio: 'inherit' }));
  // Bounded: a peer that never answers ends the run with an error instead of holding it.
  const next = (peer: (typeof peers)[number], key: string) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`a peer sent no ${key} within 10 s`)), 10_000);
      const listener = (message: Record<string, number>) => {
        if (key in message) {
          clearTimeout(timer);
          peer.off('message', listener);
          resolve(message);
        }
      };
      peer.on('message', listener);
    });
  const client = new Redis(url);
  const revocations = createRevocationList(createRedisStore(client, { prefix: 'bench:propagation:' }), {
    maxTokenLifetime: '1h',
  });
  const delays: number[] = [];
  try {
    await Promise.all(peers.map((peer) => next(peer, 'up')));
    for (let i = 0; i < PROPAGATIONS; i++) {
      const jti = `propagation-${Date.now().toString(36)}-${i}`;
      const ready = peers.map((peer) => next(peer, 'ready'));
      for (const peer of peers) peer.send({ jti });
      await Promise.all(ready);
      const refused = peers.map((peer) => next(peer, 'refusedAt'));
      const started = performance.timeOrigin + performance.now();
      await revocations.revoke({ jti, exp: Math.floor(Date.now() / 1000) + 3600 });
      for (const { refusedAt } of await Promise.all(refused)) delays.push((refusedAt as number) - started);
    }
  } finally {
    const exited = peers.map((peer) => new Promise((resolve) => peer.once('exit', resolve)));
    for (const peer of peers) peer.send({ stop: true });
    client.disconnect();
    await Promise.all(exited);
  }
  delays.sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] as number;
  return { p50: at(0.5), p99: at(0.99), max: delays[delays.length - 1] as number };
}

const fmt = (value: number) => `${Math.round(value).toLocaleString('en')}`;
const table = [
  '| store | revocations/s | verifications + revocation check/s, steady | the same, first 0.25 s | revoked share | store memory after the run |',
  '| --- | ---: | ---: | ---: | ---: | --- |',
  ...rows.map(
    (row) =>
      `| ${row.store} | ${fmt(row.revocationsPerSecond)} | ${fmt(row.verificationsPerSecond)} | ${fmt(row.coldPerSecond)} | ${(row.revokedShare * 100).toFixed(0)} % | ${row.memory} |`,
  ),
].join('\n');
console.log(table);
const spread =
  propagation &&
  `p50 ${propagation.p50.toFixed(1)} ms, p99 ${propagation.p99.toFixed(1)} ms, max ${propagation.max.toFixed(1)} ms`;
if (spread) console.log(`propagation (revoke() here to refusal in 2 other processes, ${PROPAGATIONS} revocations): ${spread}`);
const memoryRate = rows[0]?.verificationsPerSecond ?? Number.NaN;
const shareOf = (label: string) => {
  const rate = rows.find((row) => row.store.includes(label))?.verificationsPerSecond;
  return rate === undefined ? 'n/a' : `${((rate / memoryRate) * 100).toFixed(0)} %`;
};
const waitCost = () => {
  const plain = rows.find((row) => row.store.includes('ioredis, loopback'))?.revocationsPerSecond;
  const waited = rows.find((row) => row.store.includes('WAIT'))?.revocationsPerSecond;
  return plain === undefined || waited === undefined ? 'n/a' : `${((1 - waited / plain) * 100).toFixed(0)} %`;
};

if (process.argv.includes('--write')) {
  recordSection('revocation', 'Revocation: load run on memory and Redis (issues 7 and 27)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, with \`npm run bench:revocation\`:`,
    `${fmt(REVOCATIONS)} revocations, then verifications of ${fmt(TOKENS)} distinct ES256 tokens (verifier with its cache), each followed by its`,
    `revocation check (jti, subject cut-off: one \`MGET\` on Redis; every answer checked, a tenth revoked), under continuous load for`,
    `${SUSTAIN_MS / 1000} s with ${CONCURRENCY} operations in flight. "Steady" is the rate over the last ${STEADY_MS / 1000} s of the run (every record read`,
    `at the start has passed a 1 s \`maxStaleness\` by then), "first 0.25 s" the start of the run (a near cache starts cold);`,
    `best of ${ROUNDS} runs per store, interleaved across stores (the cores are shared). Redis is a \`redis-server\` started for the`,
    'run on 127.0.0.1, sharing the two cores with the benchmark; the WAIT row adds a second one as its replica. Each of the',
    '20,000 records the checks read is read again once per `maxStaleness`; the near cache does it ahead of time, in batches',
    `(refresh ahead), so at steady state verification with revocation runs at ${shareOf('maxStaleness 1 s')} of the memory store's rate with the`,
    `default 1 s bound, ${shareOf('maxStaleness 5 s')} with 5 s (plain Redis: ${shareOf('ioredis, loopback')}). Waiting for a replica (\`WAIT 1\`) costs ${waitCost()}`,
    'of the revocation rate: one more replication round trip per write.',
    '',
    table,
    '',
    `**Propagation** (issue 27): three processes on one Redis, two of them with a near cache (maxStaleness 1 s) checking a`,
    `token every millisecond; the time from the call to \`revoke()\` in the third to the refusal in each of the two others,`,
    `over ${fmt(PROPAGATIONS)} revocations (${fmt(2 * PROPAGATIONS)} refusals): ${spread ?? 'not measured (no redis-server)'}.`,
  ]);
}
