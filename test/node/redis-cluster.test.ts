// The Redis store on a real Redis Cluster started by the test on 127.0.0.1
// (test/harness/redis-cluster.ts): the suite every store runs and the model-based session suite,
// through ioredis's `Cluster` and node-redis's `createCluster`; the shared key ring; then, on a
// cluster with replicas, a master holding revocations killed mid-run (SIGKILL): the middleware
// answers 503 during the gap and never 200 for a revoked token, and after the failover no
// acknowledged revocation is lost. One cluster at a time: the suites run in order.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { createVerifier, type JWTPayload } from 'jwtkit';
import { createKeyRing, createRevocationList, keysFromText } from 'jwtkit/issuer';
import { withAuth } from 'jwtkit/node-http';
import { createRedisStore } from 'jwtkit/stores';
import { createCluster } from 'redis';
import { ci } from '../harness/redis.js';
import {
  type ClusterNode,
  clusterMissing,
  ownsSlot,
  type RedisCluster,
  startRedisCluster,
  waitUntil,
} from '../harness/redis-cluster.js';
import { rejectsWith } from '../support/errors.js';
import { sessionModelSuite } from '../support/session-model.js';
import { storeSuite } from '../support/store-suite.js';

const missing = clusterMissing();
if (missing !== undefined && ci) throw new Error(`CI must run the Redis Cluster tests: ${missing}`);

/** An ioredis Cluster that gives up quickly while a node is away, as a server that fails closed wants. */
const ioCluster = (cluster: RedisCluster) => {
  const client = new Cluster(cluster.startup, {
    redisOptions: { maxRetriesPerRequest: 1 },
    clusterRetryStrategy: () => 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnFailover: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 500,
  });
  client.on('error', () => undefined);
  return client;
};

const nodeCluster = async (cluster: RedisCluster) => {
  const client = createCluster({ rootNodes: cluster.startup.map(({ port }) => ({ url: `redis://127.0.0.1:${port}` })) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

describe('Redis Cluster: 3 masters', { skip: missing }, () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  });

  // No replicas here: each write is acknowledged by its master alone.
  storeSuite('redis cluster (ioredis Cluster)', async () => {
    const client = ioCluster(cluster);
    return { store: createRedisStore(client, { prefix: 'test:io:', replicas: 0 }), close: async () => void client.disconnect() };
  });

  storeSuite('redis cluster (node-redis createCluster)', async () => {
    const client = await nodeCluster(cluster);
    return { store: createRedisStore(client, { prefix: 'test:nr:', replicas: 0 }), close: () => client.close() };
  });

  let modelClient: Cluster | undefined;
  let modelRun = 0;
  after(() => modelClient?.disconnect());
  sessionModelSuite(
    'redis cluster (ioredis Cluster)',
    async () => {
      modelClient ??= ioCluster(cluster);
      const client = modelClient;
      const prefix = `test:model:${Date.now().toString(36)}:${(modelRun++).toString(36)}:`;
      return {
        store: createRedisStore(client, { prefix, replicas: 0 }),
        async expire(now) {
          for (const node of client.nodes('master')) {
            for (const key of await node.keys(`${prefix}*`)) {
              const at = Number(await client.call('PEXPIRETIME', key));
              assert.ok(at > 0, `${key} has no expiry (${at})`);
              if (at <= now) await client.del(key);
            }
          }
        },
      };
    },
    30,
  );

  let nodeModelClient: Awaited<ReturnType<typeof nodeCluster>> | undefined;
  // destroy, not close: close waits for the cluster's nodes, which must never hold the run.
  after(() => nodeModelClient?.destroy());
  sessionModelSuite(
    'redis cluster (node-redis createCluster)',
    async () => {
      nodeModelClient ??= await nodeCluster(cluster);
      const client = nodeModelClient;
      const prefix = `test:nrmodel:${Date.now().toString(36)}:${(modelRun++).toString(36)}:`;
      return {
        store: createRedisStore(client, { prefix, replicas: 0 }),
        async expire(now) {
          for (const master of client.masters) {
            const node = await client.nodeClient(master);
            for (const key of await node.keys(`${prefix}*`)) {
              const at = Number(await node.sendCommand(['PEXPIRETIME', key]));
              assert.ok(at > 0, `${key} has no expiry (${at})`);
              if (at <= now) await node.del(key);
            }
          }
        },
      };
    },
    20,
  );

  it('checks a token whose jti, sid and sub records live in three slots (one MGET would be CROSSSLOT)', async () => {
    const client = ioCluster(cluster);
    try {
      const payload: JWTPayload = { jti: 'j-1', sid: 's-1', sub: 'u-1', iat: Math.floor(Date.now() / 1000) - 5 };
      const keys = ['jti:j-1', 'sid:s-1', 'sub:u-1'].map((key) => `test:slots:revoked:${key}`);
      const slots = new Set(await Promise.all(keys.map((key) => client.call('CLUSTER', 'KEYSLOT', key))));
      assert.ok(slots.size > 1, 'the keys must hash to different slots for this test to mean anything');
      await assert.rejects(client.call('MGET', ...keys), /CROSSSLOT/, 'positive control: Redis refuses one MGET');
      const store = createRedisStore(client, { prefix: 'test:slots:', replicas: 0 });
      const revocations = createRevocationList(store);
      assert.equal(await revocations.isRevoked(payload), false);
      for (const revoke of [
        () => revocations.revoke({ ...payload, exp: Math.floor(Date.now() / 1000) + 60 }),
        () => revocations.revokeSession('s-1'),
        () => revocations.revokeSubject('u-1'),
      ]) {
        await revoke();
        assert.equal(await revocations.isRevoked(payload), true);
        for (const key of keys) await client.del(key);
      }
    } finally {
      client.disconnect();
    }
  });

  it('refuses to acknowledge a write no replica has (WAIT), when replicas are asked for', async () => {
    const client = ioCluster(cluster);
    try {
      const store = createRedisStore(client, { prefix: 'test:wait:', replicaTimeout: 0.05 });
      await rejectsWith(createRevocationList(store).revokeSession('s-unreplicated'), 'ERR_STORE_UNAVAILABLE');
      const nr = await nodeCluster(cluster);
      try {
        await rejectsWith(
          createRedisStore(nr, { prefix: 'test:wait:', replicaTimeout: 0.05 }).set('x', '1', 1000),
          'ERR_STORE_UNAVAILABLE',
        );
      } finally {
        await nr.close();
      }
    } finally {
      client.disconnect();
    }
  });

  it('keeps a near cache on the cluster, invalidated across nodes (ioredis Cluster and node-redis createCluster)', async () => {
    const a = ioCluster(cluster);
    const b = ioCluster(cluster);
    const bSubscriber = ioCluster(cluster);
    const c = await nodeCluster(cluster);
    const cSubscriber = c.duplicate();
    cSubscriber.on('error', () => undefined);
    await cSubscriber.connect();
    const prefix = `test:near:${Date.now().toString(36)}:`;
    const nearB = createRedisStore(b, { prefix, replicas: 0, nearCache: { subscriber: bSubscriber, maxStaleness: 10 } });
    const nearC = createRedisStore(c, { prefix, replicas: 0, nearCache: { subscriber: cSubscriber, maxStaleness: 10 } });
    try {
      const writer = createRevocationList(createRedisStore(a, { prefix, replicas: 0 }));
      const readers = [createRevocationList(nearB), createRevocationList(nearC)];
      const exp = Math.floor(Date.now() / 1000) + 600;
      // Cached: a record written behind the caches' back stays unseen (the bound here is 10 s).
      for (let attempt = 0; ; attempt++) {
        const probe = { jti: `probe-${attempt}`, exp };
        for (const reader of readers) assert.equal(await reader.isRevoked(probe), false);
        await a.set(`${prefix}revoked:jti:probe-${attempt}`, '1', 'PX', 60_000);
        const answers = await Promise.all(readers.map((reader) => reader.isRevoked(probe)));
        if (answers.every((answer) => !answer)) break;
        assert.ok(attempt < 100, 'the near caches never started answering');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Records in every slot range: a revocation through the store reaches both caches at once.
      for (let i = 0; i < 30; i++) {
        const token = { jti: `spread-${i}`, exp };
        for (const reader of readers) assert.equal(await reader.isRevoked(token), false);
        await writer.revoke(token);
        for (const reader of readers) {
          let waited = 0;
          while (!(await reader.isRevoked(token))) {
            assert.ok(++waited < 200, `spread-${i} not seen within 200 ms`);
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        }
      }
    } finally {
      await nearB.close();
      await nearC.close();
      a.disconnect();
      b.disconnect();
      bSubscriber.disconnect();
      await c.close();
      cSubscriber.destroy();
    }
  });

  it('shares a key ring between processes through the cluster (exported keys swapped in the store)', async () => {
    const a = ioCluster(cluster);
    const b = await nodeCluster(cluster);
    try {
      const storeA = createRedisStore(a, { prefix: 'test:ring:', replicas: 0 });
      const storeB = createRedisStore(b, { prefix: 'test:ring:', replicas: 0 });
      const first = await createKeyRing({ alg: 'ES256' });
      const exported = JSON.stringify(await first.exportPrivate());
      assert.equal(await storeA.add('ring', exported, 60_000), true);
      assert.equal(await storeB.add('ring', 'another', 60_000), false, 'only one process creates the ring');
      const load = async (text: string | undefined) => createKeyRing({ alg: 'ES256', keys: keysFromText(text ?? '') });
      const ringB = await load(await storeB.get('ring'));
      const token = await first.sign({ sub: 'ada' }, { expiresIn: 60 });
      assert.equal((await createVerifier({ key: ringB.resolver, algorithms: ['ES256'] })(token)).payload.sub, 'ada');

      // B rotates with a compare-and-swap; A's swap from the same old state loses and A loads B's ring.
      await ringB.rotate();
      const rotated = JSON.stringify(await ringB.exportPrivate());
      assert.equal(await storeB.swap('ring', exported, rotated, 60_000), true);
      assert.equal(await storeA.swap('ring', exported, 'stale', 60_000), false);
      const ringA = await load(await storeA.get('ring'));
      assert.equal(ringA.currentKid, ringB.currentKid);
      const next = await ringB.sign({ sub: 'bob' }, { expiresIn: 60 });
      assert.equal((await createVerifier({ key: ringA.resolver, algorithms: ['ES256'] })(next)).payload.sub, 'bob');
    } finally {
      a.disconnect();
      await b.close();
    }
  });

  // Last: node:test runs after hooks in the order they were added, and the clients above must go
  // before their nodes do (a node-redis cluster client closing against stopped nodes waited for ever).
  after(async () => cluster?.stop());
});

describe('Redis Cluster failover: 3 masters + 3 replicas, a master killed mid-run', { skip: missing }, () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeout: 1000 });
  });
  after(async () => cluster?.stop());

  it('answers 503 during the gap, never 200 for a revoked token, and loses no acknowledged revocation', async (t) => {
    const client = ioCluster(cluster);
    const servers: Server[] = [];
    try {
      // Every write waits for one replica (the default on a cluster).
      const store = createRedisStore(client, { prefix: 'test:failover:', timeout: 1 });
      const ring = await createKeyRing({ alg: 'ES256', maxTokenLifetime: '1h' });
      const revocations = createRevocationList(store, { maxTokenLifetime: '1h' });
      const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'] });
      const api = createServer(
        withAuth((_req, res) => res.end('ok'), { key: ring.resolver, algorithms: ['ES256'], isRevoked: revocations.isRevoked }),
      );
      servers.push(api);
      await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      const call = async (token: string) => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        return response.status;
      };

      const issued: { token: string; payload: JWTPayload }[] = [];
      const issue = async (i: number) => {
        const token = await ring.sign({ sub: `user-${i}`, jti: `jti-${i}` }, { expiresIn: 600 });
        issued[i] = { token, payload: (await verify(token)).payload };
        return issued[i];
      };
      await issue(0);
      const acknowledged: number[] = [];
      const refused: number[] = [];
      const statuses = new Map<number, number>();
      const seen = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

      // The victim: the master of the first revocation, which is acknowledged before the kill.
      // Before any failure a write waits for its replica; on a loaded machine that can take longer
      // than replicaTimeout once, and the store then says so: retried, as an application would (a
      // revocation written twice is harmless).
      for (let attempt = 1; ; attempt++) {
        try {
          await revocations.revoke(issued[0]?.payload as JWTPayload);
          break;
        } catch (error) {
          if ((error as { code?: string }).code !== 'ERR_STORE_UNAVAILABLE' || attempt === 5) throw error;
        }
      }
      acknowledged.push(0);
      const victim = await cluster.masterOf('test:failover:revoked:jti:jti-0');

      const control = await ring.sign({ sub: 'control', jti: 'control' }, { expiresIn: 600 });
      let revoking = true;
      // Checks run all along: every acknowledged revocation is checked through the middleware.
      const checker = (async () => {
        while (revoking) {
          await Promise.all(
            acknowledged.map(async (i) => {
              const status = await call(issued[i]?.token as string);
              seen(status);
              assert.notEqual(status, 200, `a revoked token (jti-${i}) was accepted`);
            }),
          );
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      // Revocations go on before, during and after the gap, until the replica has served for a while.
      let killedAt = 0;
      let backAt = 0;
      let afterBack = 0;
      for (let i = 1; afterBack < 10; i++) {
        if (i === 10) {
          await victim.kill();
          killedAt = Date.now();
        }
        const { payload } = await issue(i);
        try {
          await revocations.revoke(payload);
          acknowledged.push(i);
        } catch (error) {
          assert.equal((error as { code?: string }).code, 'ERR_STORE_UNAVAILABLE');
          refused.push(i);
        }
        // Back: the victim's slots answer again (jti-0's record is there) and so does the rest.
        if (killedAt > 0 && backAt === 0) {
          const victimStatus = await call(issued[0]?.token as string);
          seen(victimStatus);
          assert.notEqual(victimStatus, 200, 'jti-0, revoked before the kill, was accepted');
          if ((statuses.get(503) ?? 0) > 0 && victimStatus === 401 && (await call(control)) === 200) backAt = Date.now();
        }
        if (backAt > 0) afterBack++;
        assert.ok(killedAt === 0 || Date.now() - killedAt < 15_000, 'the replica did not take over within 15 s');
      }
      revoking = false;
      await checker;

      assert.ok(backAt > 0, 'the replica took over: every slot is served again (the control token is accepted)');
      assert.ok((statuses.get(503) ?? 0) > 0, `no 503 was seen during the gap: ${JSON.stringify([...statuses])}`);
      for (const i of acknowledged) {
        assert.equal(await call(issued[i]?.token as string), 401, `acknowledged revocation jti-${i} lost in the failover`);
        assert.equal(await revocations.isRevoked(issued[i]?.payload as JWTPayload), true);
      }
      t.diagnostic(
        `failover: gap ${backAt - killedAt} ms; ${acknowledged.length} revocations acknowledged, ${refused.length} refused; statuses ${JSON.stringify([...statuses])}`,
      );
      assert.ok(acknowledged.length > 15, `revocations went on being acknowledged: ${acknowledged.length}`);
      assert.ok(refused.length > 0, 'some revocations were refused while the shard had no replica');
    } finally {
      for (const server of servers) server.close();
      client.disconnect();
    }
  });

  // The other side of WAIT: the same failover, with the replica cut off from its master before the
  // writes. A revocation acknowledged without WAIT is lost (the positive control: the danger is
  // real); with WAIT (the default on a cluster) the write that would be lost is refused instead.
  it('loses a revocation acknowledged without WAIT in a failover, and refuses it with WAIT', async (t) => {
    const client = ioCluster(cluster);
    const prefix = 'test:lost:';
    try {
      const withoutWait = createRevocationList(createRedisStore(client, { prefix, replicas: 0, timeout: 1 }));
      const withWait = createRevocationList(createRedisStore(client, { prefix, timeout: 1, replicaTimeout: 0.2 }));
      const keyOf = (jti: string) => `${prefix}revoked:jti:${jti}`;
      // Two records on a master that still has its replica (the test above left one without).
      let master: ClusterNode | undefined;
      let replica: ClusterNode | undefined;
      let first = '';
      for (let i = 0; replica === undefined; i++) {
        assert.ok(i < 50, 'no master with a replica');
        first = `lost-${i}`;
        master = await cluster.masterOf(keyOf(first));
        replica = await cluster.replicaOf(master).catch(() => undefined);
      }
      const own = (await (master as ClusterNode).cli('CLUSTER', 'NODES')).split('\n').find((line) => line.includes('myself'));
      let second = '';
      for (let i = 0; second === ''; i++) {
        assert.ok(i < 200, 'no second key on the same master');
        const slot = Number(await client.call('CLUSTER', 'KEYSLOT', keyOf(`refused-${i}`)));
        if (ownsSlot(own ?? '', slot)) second = `refused-${i}`;
      }
      const victim = master as ClusterNode;
      const heir = replica as ClusterNode;

      // Freeze the replica first, then have the master drop the link: a frozen replica cannot
      // reconnect, so the master sees no replica at once (killing the link from the replica's side
      // raced with its own reconnect).
      heir.pause();
      await victim.cli('CLIENT', 'KILL', 'TYPE', 'replica');
      await waitUntil(
        async () => (await victim.cli('INFO', 'replication')).includes('connected_slaves:0'),
        'could not cut the replica off',
        10_000,
      );
      const exp = Math.floor(Date.now() / 1000) + 600;
      await withoutWait.revoke({ jti: first, exp });
      await rejectsWith(withWait.revoke({ jti: second, exp }), 'ERR_STORE_UNAVAILABLE');
      assert.equal(await withoutWait.isRevoked({ jti: first, exp }), true, 'the master has it');

      await victim.kill();
      heir.resume();
      const started = Date.now();
      await waitUntil(async () => (await heir.cli('INFO', 'replication')).includes('role:master'), 'the replica took over');
      let answer: boolean | undefined;
      await waitUntil(async () => {
        answer = await withoutWait.isRevoked({ jti: first, exp });
        return true;
      }, 'the slots answer again');
      assert.equal(answer, false, 'positive control: the revocation acknowledged without WAIT is gone');
      t.diagnostic(`failover after the cut: ${Date.now() - started} ms`);
    } finally {
      client.disconnect();
    }
  });
});
