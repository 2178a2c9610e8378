// The near cache of the Redis store (src/stores/near-cache.ts) against a real redis-server: two
// "processes" (two stores on their own connections) in one test process, A revoking and B checking.
// What must never happen: after A's revoke() resolved, B answers "not revoked" later than
// `maxStaleness`, whatever happens to the invalidations (a writer that publishes none, the
// subscriber's connection killed). Random interleavings of revocations, checks, pauses and
// subscriber kills (fast-check) hold B to it; positive controls show the cache does answer
// (a revocation written behind its back stays unseen until the bound) and the ordinary path
// propagates at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import type { JWTPayload } from 'jwtkit';
import { createRevocationList, type RevocationList } from 'jwtkit/issuer';
import { createRedisStore, type RedisStore } from 'jwtkit/stores';
import { createClient } from 'redis';
import { ci, type RedisServer, redisMissing, startRedis } from '../harness/redis.js';

const missing = redisMissing();
if (missing !== undefined && ci) throw new Error(`CI must run the Redis tests: ${missing}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ioredis = (url: string) => {
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  return client;
};
let unique = 0;
const token = (): JWTPayload => {
  const id = `${Date.now().toString(36)}-${(unique++).toString(36)}`;
  return {
    jti: `jti-${id}`,
    sub: `user-${id}`,
    iat: Math.floor(Date.now() / 1000) - 5,
    exp: Math.floor(Date.now() / 1000) + 600,
  };
};

interface Side {
  store: RedisStore;
  revocations: RevocationList;
  close(): Promise<void>;
}

describe('Redis near cache', { skip: missing }, () => {
  let redis: RedisServer;
  let raw: Redis;
  before(async () => {
    redis = await startRedis();
    raw = ioredis(redis.url);
  });
  after(async () => {
    raw?.disconnect();
    await redis?.stop();
  });

  const prefix = () => `test:near:${(unique++).toString(36)}:`;
  /** A revocation written by a writer that publishes nothing (another tool, an older version): only the bound protects. */
  const revokeBehindItsBack = (p: string, payload: JWTPayload) => raw.set(`${p}revoked:jti:${payload.jti}`, '1', 'PX', 600_000);

  const side = async (p: string, kind: 'ioredis' | 'node-redis', maxStaleness?: number): Promise<Side> => {
    if (kind === 'ioredis') {
      const client = ioredis(redis.url);
      const subscriber = ioredis(redis.url);
      const store = createRedisStore(client, {
        prefix: p,
        nearCache: maxStaleness === undefined ? undefined : { subscriber, maxStaleness: maxStaleness / 1000 },
      });
      return {
        store,
        revocations: createRevocationList(store, { maxTokenLifetime: '1h' }),
        async close() {
          await store.close();
          client.disconnect();
          subscriber.disconnect();
        },
      };
    }
    const client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    const store = createRedisStore(client, {
      prefix: p,
      nearCache: maxStaleness === undefined ? undefined : { subscriber, maxStaleness: maxStaleness / 1000 },
    });
    return {
      store,
      revocations: createRevocationList(store, { maxTokenLifetime: '1h' }),
      async close() {
        await store.close();
        client.destroy();
        subscriber.destroy();
      },
    };
  };

  /** Waits until B's cache answers: a token checked, revoked behind its back, and still "not revoked". */
  const untilCaching = async (p: string, b: Side) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const probe = token();
      assert.equal(await b.revocations.isRevoked(probe), false);
      await revokeBehindItsBack(p, probe);
      if (!(await b.revocations.isRevoked(probe))) return;
      await sleep(20);
    }
    assert.fail('the near cache never started answering');
  };

  for (const kind of ['ioredis', 'node-redis'] as const) {
    it(`answers from the cache, yet refuses a revoked token at once when A publishes, and within the bound when nobody does (${kind})`, async () => {
      const p = prefix();
      const a = await side(p, kind);
      const b = await side(p, kind, 400);
      try {
        await untilCaching(p, b);
        const quiet = token();
        assert.equal(await b.revocations.isRevoked(quiet), false);
        await revokeBehindItsBack(p, quiet);
        const seenAt = Date.now();
        assert.equal(await b.revocations.isRevoked(quiet), false, 'positive control: the cache answered');
        while (!(await b.revocations.isRevoked(quiet))) await sleep(10);
        assert.ok(Date.now() - seenAt <= 400 + 50, 'seen within the bound');

        const loud = token();
        assert.equal(await b.revocations.isRevoked(loud), false);
        await a.revocations.revoke(loud);
        let waited = 0;
        while (!(await b.revocations.isRevoked(loud))) {
          await sleep(1);
          waited++;
        }
        assert.ok(waited < 100, `an invalidation took ${waited} ms`);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it(`stops answering when the invalidation channel drops (CLIENT KILL TYPE pubsub), and starts again (${kind})`, async () => {
      const p = prefix();
      const b = await side(p, kind, 10_000);
      try {
        await untilCaching(p, b);
        const warm = token();
        assert.equal(await b.revocations.isRevoked(warm), false);
        await raw.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        await sleep(50);
        await revokeBehindItsBack(p, warm);
        assert.equal(await b.revocations.isRevoked(warm), true, 'a cache without its channel does not answer');
        await untilCaching(p, b);
      } finally {
        await b.close();
      }
    });
  }

  it('holds the bound when the wall clock steps back while the revocation is not published (NTP step, resumed VM)', async () => {
    const p = prefix();
    const b = await side(p, 'ioredis', 400);
    const realNow = Date.now;
    try {
      await untilCaching(p, b);
      const quiet = token();
      assert.equal(await b.revocations.isRevoked(quiet), false);
      Date.now = () => realNow() - 5000;
      await revokeBehindItsBack(p, quiet);
      const revokedAt = performance.now();
      assert.equal(await b.revocations.isRevoked(quiet), false, 'positive control: the cache answered');
      while (!(await b.revocations.isRevoked(quiet))) await sleep(10);
      const after = performance.now() - revokedAt;
      assert.ok(after <= 400 + 50, `refused ${after.toFixed(0)} ms after the revocation, over the 400 ms bound`);
    } finally {
      Date.now = realNow;
      await b.close();
    }
  });

  it('refreshes a record checked continuously ahead of its expiry: no check waits for Redis once it is cached', async () => {
    // What must never happen: a hot record expiring in a request's path every maxStaleness (the
    // cost refresh ahead removes), or refresh ahead serving past the bound (the property below).
    const p = prefix();
    const client = ioredis(redis.url);
    const subscriber = ioredis(redis.url);
    let reads = 0;
    const counting = {
      call(command: string, ...args: (string | number)[]) {
        if (command === 'GET' || command === 'MGET') reads++;
        return client.call(command, ...args);
      },
    };
    const store = createRedisStore(counting, { prefix: p, nearCache: { subscriber, maxStaleness: 1 } });
    const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
    try {
      const hot = Array.from({ length: 5 }, token);
      /** Checks every token once; how many of the checks read Redis in the request's path. A cached
       * answer resolves in microtasks, before any timer (the refresh) can run, so a read counted
       * during a check is the check's own. */
      const round = async () => {
        let waited = 0;
        for (const payload of hot) {
          const before = reads;
          assert.equal(await revocations.isRevoked(payload), false);
          if (reads > before) waited++;
        }
        return waited;
      };
      for (let attempt = 0; (await round()) > 0; attempt++) {
        assert.ok(attempt < 100, 'the near cache never started answering');
        await sleep(10);
      }
      // Over three bounds' worth of continuous checks, without refresh ahead each token would be
      // read in a check at least three times (15); with it, none (one allowed for a late timer on
      // a loaded machine).
      let waited = 0;
      let rounds = 0;
      const readsBefore = reads;
      const started = Date.now();
      while (Date.now() - started < 3200) {
        waited += await round();
        rounds++;
        await sleep(5);
      }
      assert.ok(rounds > 100, `only ${rounds} rounds`);
      assert.ok(waited <= 1, `${waited} checks read Redis in the request path`);
      assert.ok(reads - readsBefore >= 3, `positive control: the records were re-read ahead (${reads - readsBefore} reads)`);
    } finally {
      await store.close();
      client.disconnect();
      subscriber.disconnect();
    }
  });

  it('never answers "not revoked" later than maxStaleness after revoke() resolved (random interleavings)', async () => {
    const BOUND = 150;
    const command = fc.oneof(
      fc.record({ op: fc.constant('revoke' as const), i: fc.nat(5) }),
      fc.record({ op: fc.constant('revokeQuietly' as const), i: fc.nat(5) }),
      fc.record({ op: fc.constant('check' as const), i: fc.nat(5) }),
      fc.record({ op: fc.constant('checkMany' as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ op: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 2 * BOUND }) }),
      fc.record({ op: fc.constant('killSubscriber' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        const p = prefix();
        const a = await side(p, 'ioredis');
        const b = await side(p, 'ioredis', BOUND);
        try {
          const tokens = Array.from({ length: 6 }, token);
          /** When each token's revocation resolved (ms), once it has. */
          const revokedAt = new Map<number, number>();
          const check = async (i: number) => {
            const started = Date.now();
            const answer = await b.revocations.isRevoked(tokens[i] as JWTPayload);
            const since = revokedAt.get(i);
            if (!answer && since !== undefined)
              assert.ok(started - since <= BOUND, `jti ${i}: "not revoked" ${started - since} ms after its revocation`);
            if (answer) assert.ok(since !== undefined, `jti ${i} refused though nothing revoked it`);
          };
          for (const step of commands) {
            if (step.op === 'revoke') {
              await a.revocations.revoke(tokens[step.i] as JWTPayload);
              if (!revokedAt.has(step.i)) revokedAt.set(step.i, Date.now());
            } else if (step.op === 'revokeQuietly') {
              await revokeBehindItsBack(p, tokens[step.i] as JWTPayload);
              if (!revokedAt.has(step.i)) revokedAt.set(step.i, Date.now());
            } else if (step.op === 'check') await check(step.i);
            else if (step.op === 'checkMany') await Promise.all(Array.from({ length: step.n }, (_, k) => check(k % 6)));
            else if (step.op === 'sleep') await sleep(step.ms);
            else await raw.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
          }
        } finally {
          await a.close();
          await b.close();
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe('Redis store options (issue 27)', () => {
  const client = { call: async () => null };
  const cluster = { call: async () => null, isCluster: true };
  const subscriber = { subscribe: async () => undefined };
  it('refuses replica counts, replica timeouts and near-cache settings that cannot work', () => {
    const bad: [Parameters<typeof createRedisStore>[1], string][] = [
      [{ replicas: -1 }, 'replicas'],
      [{ replicas: 1.5 }, 'replicas'],
      [{ replicaTimeout: 0 }, 'replicaTimeout'],
      [{ replicaTimeout: 2 }, 'replicaTimeout'],
      [{ timeout: 1, replicaTimeout: 1 }, 'replicaTimeout'],
      [{ nearCache: { subscriber: {} as never } }, 'nearCache.subscriber'],
      [{ nearCache: { subscriber, maxStaleness: 0 } }, 'nearCache.maxStaleness'],
      [{ nearCache: { subscriber, max: 0 } }, 'nearCache.max'],
    ];
    for (const [options, option] of bad) {
      assert.throws(() => createRedisStore(client, options), { code: 'ERR_INVALID_OPTION', option }, JSON.stringify(options));
    }
    assert.throws(() => createRedisStore({} as never), { code: 'ERR_INVALID_OPTION' });
    // Controls: the defaults, and a cluster client without replicas told so.
    createRedisStore(client);
    createRedisStore(cluster, { replicas: 0 });
  });
});
