// DPoP replay protection across server processes: two node:http processes (jwtkit/node-http with
// the dpop option) share one Redis, or one Redis Cluster, as their replay store. Each proof is sent
// to both at the same moment: exactly one answers 200, the other 401 invalid_dpop_proof. What must
// never happen: both accept (a replay across processes), or neither does (a genuine proof lost).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jwkThumbprint, signJWT } from 'jwtkit';
import { ci, type RedisServer, redisMissing, startRedis } from '../harness/redis.js';
import { clusterMissing, type RedisCluster, startRedisCluster } from '../harness/redis-cluster.js';
import { PUBLIC_BASE } from '../http/apps/dpop-routes.js';
import { ISSUER, SECRET } from '../http/apps/routes.js';
import { attackerES256, b64u, es256Token } from '../support/craft.js';

const SERVER = fileURLToPath(new URL('../http/apps/dpop-redis-server.js', import.meta.url));

interface Process {
  url: string;
  stop(): void;
}

/** Starts one server process on the store `target`; resolves once it listens (10 s at most). */
function startServer(target: string): Promise<Process> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: { ...process.env, JWTKIT_REDIS: target },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the server process did not start within 10 s'));
    }, 10_000);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${port}/v1/dpop`,
        stop: () => {
          child.stdin?.end();
          setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process ended (${code}) before listening`));
    });
  });
}

async function exactlyOneAccepts(servers: readonly Process[]): Promise<void> {
  const client = await attackerES256();
  const jkt = await jwkThumbprint(client.publicJwk as never);
  const now = Math.floor(Date.now() / 1000);
  const token = await signJWT({ sub: 'ada', iss: ISSUER, aud: 'api', exp: now + 600, cnf: { jkt } }, SECRET, { alg: 'HS256' });
  const ath = b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
  for (let i = 0; i < 20; i++) {
    const proof = await es256Token(
      { typ: 'dpop+jwt', alg: 'ES256', jwk: client.publicJwk },
      { jti: crypto.randomUUID(), htm: 'GET', htu: `${PUBLIC_BASE}/v1/dpop`, iat: Math.floor(Date.now() / 1000), ath },
      client.privateKey,
    );
    const responses = await Promise.all(
      servers.map((server) =>
        fetch(server.url, { headers: { authorization: `DPoP ${token}`, dpop: proof }, signal: AbortSignal.timeout(10_000) }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    const bodies = await Promise.all(responses.map((response) => response.text()));
    assert.deepEqual(statuses, [200, 401], `proof ${i}: ${bodies.join(' | ')}`);
    const refusal = responses.find((response) => response.status === 401);
    assert.match(
      refusal?.headers.get('www-authenticate') ?? '',
      /error="invalid_dpop_proof", error_description="the proof was already used/,
    );
  }
}

describe('DPoP replay across two node:http processes on one Redis', { skip: redisMissing() }, () => {
  let redis: RedisServer;
  const servers: Process[] = [];
  before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) servers.push(await startServer(redis.url));
  });
  after(async () => {
    for (const server of servers) server.stop();
    await redis?.stop();
  });
  it('each proof sent to both processes is accepted by exactly one', async () => {
    await exactlyOneAccepts(servers);
  });
});

const clusterSkip = clusterMissing();
if (clusterSkip !== undefined && ci) throw new Error(`CI must run the Redis Cluster tests: ${clusterSkip}`);

describe('DPoP replay across two node:http processes on a Redis Cluster', { skip: clusterSkip }, () => {
  let cluster: RedisCluster;
  const servers: Process[] = [];
  before(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    for (let i = 0; i < 2; i++) servers.push(await startServer(JSON.stringify(cluster.startup)));
  });
  after(async () => {
    for (const server of servers) server.stop();
    await cluster?.stop();
  });
  it('each proof sent to both processes is accepted by exactly one (records spread over the slots)', async () => {
    await exactlyOneAccepts(servers);
  });
});
