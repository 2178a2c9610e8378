// DPoP replay protection on a shared store: two verifiers, each with its own Redis connection (as
// two server processes have), on one Redis and on a Redis Cluster. Each proof is sent to both at
// the same moment: exactly one accepts it, the other refuses it as a replay. What must never
// happen: both accept (a replay across processes), or neither does (a genuine proof lost).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { createDPoPProof, DPoPProofInvalidError, generateKeyPair, jwkThumbprint, type Key, verifyDPoPProof } from 'jwtkit';
import { createRedisStore, type Store } from 'jwtkit/stores';
import { ci, type RedisServer, redisMissing, startRedis } from '../harness/redis.js';
import { clusterMissing, type RedisCluster, startRedisCluster } from '../harness/redis-cluster.js';

const HTU = 'https://api.example.com/orders';

async function exactlyOneAccepts(stores: readonly [Store, Store]): Promise<void> {
  const keyPair = await generateKeyPair('ES256');
  const jkt = await jwkThumbprint(keyPair.publicKey as Key);
  for (let i = 0; i < 25; i++) {
    const proof = await createDPoPProof(keyPair, { htm: 'GET', htu: HTU, accessToken: 'at' });
    const outcomes = await Promise.allSettled(
      stores.map((replay) => verifyDPoPProof(proof, { htm: 'GET', htu: HTU, accessToken: 'at', jkt, replay })),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    assert.equal(
      accepted.length,
      1,
      `proof ${i}: ${accepted.length} verifiers accepted it (${outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok')).join('; ')})`,
    );
    const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof DPoPProofInvalidError && refused.reason.reason === 'replay', String(refused.reason));
  }
}

describe('DPoP replay on one Redis, two connections', { skip: redisMissing() }, () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await redis?.stop();
  });

  it('each proof is accepted by exactly one of two verifiers sharing the store', async () => {
    for (let i = 0; i < 2; i++) clients.push(new Redis(redis.url, { maxRetriesPerRequest: 1 }));
    await exactlyOneAccepts([createRedisStore(clients[0] as Redis), createRedisStore(clients[1] as Redis)]);
  });
});

const clusterSkip = clusterMissing();
if (clusterSkip !== undefined && ci) throw new Error(`CI must run the Redis Cluster tests: ${clusterSkip}`);

describe('DPoP replay on a Redis Cluster, two connections', { skip: clusterSkip }, () => {
  let cluster: RedisCluster;
  const clients: Cluster[] = [];
  before(async () => {
    cluster = await startRedisCluster({ masters: 3 });
  });
  after(async () => {
    for (const client of clients) client.disconnect();
    await cluster?.stop();
  });

  it('each proof is accepted by exactly one of two verifiers sharing the cluster (records spread over its slots)', async () => {
    for (let i = 0; i < 2; i++) {
      const client = new Cluster(cluster.startup, { redisOptions: { maxRetriesPerRequest: 1 } });
      client.on('error', () => undefined);
      clients.push(client);
    }
    // No replicas in this cluster: each write is acknowledged by its master alone.
    const store = (client: Cluster) => createRedisStore(client, { replicas: 0 });
    await exactlyOneAccepts([store(clients[0] as Cluster), store(clients[1] as Cluster)]);
  });
});
