// One server for bench/http.ts, in its own process so that the load generator does not share its
// event loop: a hello-world route on node:http or Fastify, without auth or behind jwtkit with
// HS256 or ES256, with or without the verified-token cache (`HS256+cache`). Prints one JSON line:
// the URL and a token the route accepts. GET /__cpu answers the process's CPU time so far (µs).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createVerifier, generateKeyPair, generateSecret, type Key, signJWT } from 'jwtkit';
import fastifyJwtkit from 'jwtkit/fastify';
import { withAuth } from 'jwtkit/node-http';

const [framework = 'node', config = 'none'] = process.argv.slice(2);
const [auth, cached] = config.split('+');
const HELLO = '{"hello":"world"}';
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return { user, system };
};

async function keys(): Promise<{ sign: Key; verify: Key }> {
  if (auth === 'none' || auth === 'HS256') {
    const secret = await generateSecret('HS256');
    return { sign: secret, verify: secret };
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { sign: privateKey, verify: publicKey };
}

const pair = await keys();
// The unauthenticated server gets a token too, which it ignores: every run sends the same request
// size, so the load generator (on the same cores) does the same work and only the server's differs.
const token = await signJWT({ sub: 'bench', aud: 'api' }, pair.sign, { expiresIn: '1h' });
const cache = cached === 'cache' ? { cache: { max: 10_000, ttl: '5m' } } : {};
const options = auth === 'none' ? undefined : { verifier: createVerifier({ key: pair.verify, audience: 'api', ...cache }) };

let url: string;
if (framework === 'fastify') {
  const app = Fastify();
  if (options !== undefined) await app.register(fastifyJwtkit, options);
  const route = options === undefined ? {} : { onRequest: app.authenticate };
  app.get('/', route, async () => ({ hello: 'world' }));
  app.get('/__cpu', async () => cpu());
  url = await app.listen({ host: '127.0.0.1', port: 0 });
} else {
  const hello = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HELLO.length }).end(HELLO);
  };
  const route = options === undefined ? hello : withAuth(hello, options);
  const server = createServer((req, res) => {
    if (req.url === '/__cpu') res.end(JSON.stringify(cpu()));
    else void route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
console.log(JSON.stringify({ url, token }));
process.on('SIGINT', () => process.exit(0));
