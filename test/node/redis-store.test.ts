// The Redis store against a real redis-server on 127.0.0.1 (test/harness/redis.ts): the suite every
// store runs, through ioredis and through node-redis; then the faults: Redis killed mid-run (fail
// closed, 503 through the middleware), and back after a restart with no revocation lost
// (appendonly yes); keys that expire with their tokens.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createVerifier } from 'jwtkit';
import { createKeyRing, createRevocationList, createTokenIssuer } from 'jwtkit/issuer';
import { withAuth } from 'jwtkit/node-http';
import { createRedisStore } from 'jwtkit/stores';
import { createClient } from 'redis';
import { ci, type RedisServer, redisMissing, startRedis } from '../harness/redis.js';
import { rejectsWith } from '../support/errors.js';
import { sessionModelSuite } from '../support/session-model.js';
import { storeSuite } from '../support/store-suite.js';

const missing = redisMissing();
if (missing !== undefined && ci) throw new Error(`CI must run the Redis tests: ${missing}`);

/** An ioredis client that gives up quickly while Redis is away, as a server that fails closed wants. */
const ioredis = (url: string) => new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 100, lazyConnect: false });

describe('Redis store', { skip: missing }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis({ appendonly: true });
  });
  after(async () => redis?.stop());

  storeSuite('redis (ioredis)', async () => {
    const client = ioredis(redis.url);
    return { store: createRedisStore(client, { prefix: 'test:io:' }), close: async () => void client.disconnect() };
  });

  storeSuite('redis (node-redis)', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => undefined);
    await client.connect();
    return { store: createRedisStore(client, { prefix: 'test:nr:' }), close: async () => void (await client.quit()) };
  });

  // The near cache must not change what the store promises, this process's own writes included.
  storeSuite('redis (ioredis, near cache)', async () => {
    const client = ioredis(redis.url);
    const subscriber = ioredis(redis.url);
    const store = createRedisStore(client, { prefix: 'test:near:', nearCache: { subscriber, maxStaleness: 5 } });
    return {
      store,
      async close() {
        await store.close();
        client.disconnect();
        subscriber.disconnect();
      },
    };
  });

  // The session model on Redis, its clock the test's: the store writes PXAT from it, and `expire`
  // stands in for Redis's own expiry at that clock (which the test's, a day ahead, never meets).
  let modelClient: Redis | undefined;
  let modelRun = 0;
  after(() => modelClient?.disconnect());
  sessionModelSuite(
    'redis (ioredis)',
    async () => {
      modelClient ??= ioredis(redis.url);
      const client = modelClient;
      const prefix = `test:model:${Date.now().toString(36)}:${(modelRun++).toString(36)}:`;
      return {
        store: createRedisStore(client, { prefix }),
        async expire(now) {
          const keys = (await client.keys(`${prefix}*`)) as string[];
          for (const key of keys) {
            const at = Number(await client.call('PEXPIRETIME', key));
            assert.ok(at > 0, `${key} has no expiry (${at})`);
            if (at <= now) await client.del(key);
          }
        },
      };
    },
    60,
  );

  it('expires revocation entries with their tokens', async () => {
    const client = ioredis(redis.url);
    try {
      const revocations = createRevocationList(createRedisStore(client, { prefix: 'test:ttl:' }), { clockTolerance: 0 });
      const exp = Math.floor(Date.now() / 1000) + 120;
      await revocations.revoke({ jti: 'short-lived', exp });
      const ttl = Number(await client.pttl('test:ttl:revoked:jti:short-lived'));
      assert.ok(ttl > 115_000 && ttl <= 120_000, `PTTL ${ttl}`);
    } finally {
      client.disconnect();
    }
  });

  it('fails closed while Redis is down (503 through the middleware), and loses no revocation across a restart', async () => {
    const client = ioredis(redis.url);
    client.on('error', () => undefined);
    const servers: Server[] = [];
    try {
      const store = createRedisStore(client, { prefix: 'test:fault:', timeout: 1 });
      const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
      const tokens = createTokenIssuer({ ring, store });
      const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'] });
      const revoked = await tokens.issueTokenPair({ sub: 'ada' });
      const kept = await tokens.issueTokenPair({ sub: 'bob' });
      await tokens.logout({ accessToken: (await verify(revoked.accessToken)).payload });

      const api = createServer(
        withAuth((_req, res) => res.end('ok'), {
          key: ring.resolver,
          algorithms: ['ES256'],
          isRevoked: tokens.revocations.isRevoked,
        }),
      );
      servers.push(api);
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const call = async (token: string) => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        return response.status;
      };
      assert.deepEqual([await call(kept.accessToken), await call(revoked.accessToken)], [200, 401]);

      await redis.kill();
      await rejectsWith(tokens.revocations.isRevoked((await verify(kept.accessToken)).payload), 'ERR_STORE_UNAVAILABLE');
      assert.equal(await call(kept.accessToken), 503);
      await rejectsWith(tokens.refresh(kept.refreshToken), 'ERR_STORE_UNAVAILABLE');

      await redis.restart();
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = await call(kept.accessToken);
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(status, 200, 'recovers once Redis is back');
      assert.equal(await call(revoked.accessToken), 401, 'the revocation survived the restart');
      assert.ok(await tokens.refresh(kept.refreshToken));
    } finally {
      for (const server of servers) server.close();
      client.disconnect();
    }
  });
});
