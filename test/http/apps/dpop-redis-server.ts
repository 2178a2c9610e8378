// One server process of the cross-process replay test: a node:http server with jwtkit/node-http's
// DPoP on a shared Redis store. JWTKIT_REDIS is a redis:// URL, or JSON start-up nodes of a
// cluster. It prints "listening <port>" once it accepts requests, and stops when stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { withAuth } from 'jwtkit/node-http';
import { createRedisStore } from 'jwtkit/stores';
import { DPOP_ROUTES, dpopAnswer } from './dpop-routes.js';

const target = process.env.JWTKIT_REDIS ?? '';
const clustered = target.startsWith('[');
const client = clustered
  ? new Cluster(JSON.parse(target), { redisOptions: { maxRetriesPerRequest: 1 } })
  : new Redis(target, { maxRetriesPerRequest: 1 });
client.on('error', () => undefined);
// A cluster without replicas (the test's) acknowledges each record on its master alone.
const replay = clustered ? createRedisStore(client, { replicas: 0 }) : createRedisStore(client);

const handler = withAuth(
  (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(dpopAnswer(req.auth)));
  },
  { ...DPOP_ROUTES.dpop, dpop: { ...DPOP_ROUTES.dpop.dpop, replay } },
);
const server = createServer((req, res) => void handler(req, res));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close();
  client.disconnect();
});
