// The server of bench/dpop.ts, in its own process: one node:http server with a Bearer-protected
// route (`/bearer`) and a DPoP-protected one (`/dpop`, the token bound to the client's key, the
// proof checked with a memory replay store), both behind jwtkit/node-http with the same HS256
// verifier options. The secret comes from JWTKIT_BENCH_SECRET (hex); prints its URL as one JSON line.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importKey } from 'jwtkit';
import type { AuthOptions } from 'jwtkit/http';
import { withAuth } from 'jwtkit/node-http';
import { createMemoryStore } from 'jwtkit/stores';

const secret = await importKey(Buffer.from(process.env.JWTKIT_BENCH_SECRET ?? '', 'hex'), { alg: 'HS256' });
const HELLO = '{"hello":"world"}';
const base: AuthOptions = { key: secret, algorithms: ['HS256'], audience: 'api' };
// The default replay store holds 100,000 records of 66 s, about 1,500 proofs/s sustained, and then
// refuses (503): the bench goes faster than that, so its store is larger, as a busy server's must be.
const replay = createMemoryStore({ max: 2_000_000 });
const routes = new Map([
  ['/bearer', base],
  ['/dpop', { ...base, dpop: { baseURL: 'https://bench.example', algorithms: ['ES256'], replay } }],
  ['/dpop-required', { ...base, dpop: { baseURL: 'https://bench.example', algorithms: ['ES256'], replay, required: true } }],
]);
const handlers = new Map(
  [...routes].map(([path, options]) => [
    path,
    withAuth((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HELLO.length }).end(HELLO);
    }, options),
  ]),
);
const server = createServer((req, res) => {
  if (req.url === '/__cpu') {
    const { user, system } = process.cpuUsage();
    res.end(JSON.stringify({ user, system }));
    return;
  }
  const handler = handlers.get(req.url ?? '');
  if (handler === undefined) res.writeHead(404).end();
  else void handler(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
