// `npm run bench:revocation`: the load run of issue 7, bounded and on loopback only. On the memory
// store and on a real redis-server started for the run (127.0.0.1, a free port): 10,000 revocations,
// then 100,000 verifications of distinct tokens each followed by its revocation check (a tenth of
// them revoked), with throughput and the store's memory. `--write` records docs/benchmarks.md.
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { createVerifier, type JWTPayload } from 'jwtkit';
import { createKeyRing, createRevocationList } from 'jwtkit/issuer';
import { createMemoryStore, createRedisStore, type Store } from 'jwtkit/stores';
import { redisMissing, startRedis } from '../test/harness/redis.js';
import { recordSection } from './doc-section.js';

const REVOCATIONS = 10_000;
const VERIFICATIONS = 100_000;
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
  revokedSeen: number;
  memory: string;
}

async function run(name: string, store: Store, memory: () => Promise<string>): Promise<Row> {
  const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
  const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'], cache: { max: TOKENS, ttl: '5m' } });
  const revocationsPerSecond = await throughput(REVOCATIONS, (i) => revocations.revoke(revokedPayloads[i] as JWTPayload));
  let revokedSeen = 0;
  const verificationsPerSecond = await throughput(VERIFICATIONS, async (i) => {
    const { payload } = await verify(tokens[i % TOKENS] as string);
    if (await revocations.isRevoked(payload)) revokedSeen++;
  });
  return { store: name, revocationsPerSecond, verificationsPerSecond, revokedSeen, memory: await memory() };
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
if (missing !== undefined) console.error(`skipping Redis: ${missing}`);
else {
  const redis = await startRedis();
  const client = new Redis(redis.url);
  try {
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? Number.NaN);
    const base = await usedMemory();
    rows.push(
      await run('Redis (ioredis, loopback)', createRedisStore(client), async () => {
        const keys = await client.dbsize();
        return `${(((await usedMemory()) - base) / 2 ** 20).toFixed(1)} MiB for ${keys} keys (used_memory)`;
      }),
    );
  } finally {
    client.disconnect();
    await redis.stop();
  }
}

const fmt = (value: number) => `${Math.round(value).toLocaleString('en')}`;
const table = [
  '| store | revocations/s | verifications + revocation check/s | revoked tokens seen | store memory after the run |',
  '| --- | ---: | ---: | ---: | --- |',
  ...rows.map(
    (row) =>
      `| ${row.store} | ${fmt(row.revocationsPerSecond)} | ${fmt(row.verificationsPerSecond)} | ${fmt(row.revokedSeen)} | ${row.memory} |`,
  ),
].join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  recordSection('revocation', 'Revocation: load run on memory and Redis (issue 7)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, with \`npm run bench:revocation\`:`,
    `${fmt(REVOCATIONS)} revocations, then ${fmt(VERIFICATIONS)} verifications of ${fmt(TOKENS)} distinct ES256 tokens (verifier with its cache),`,
    `each followed by its revocation check (jti, subject cut-off: one \`MGET\` on Redis); ${CONCURRENCY} operations in flight.`,
    'Redis is a `redis-server` started for the run on 127.0.0.1, sharing the two cores with the benchmark.',
    '',
    table,
  ]);
}
