// One server for bench/http.ts, in its own process so that the load generator does not share its
// event loop: a hello-world route on node:http or Fastify, without auth or behind jwtkit with
// HS256 or ES256, with or without the verified-token cache (`HS256+cache`). Prints one JSON line:
// the URL and a token the route accepts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createVerifier, generateKeyPair, generateSecret, type Key, signJWT } from 'jwtkit';
import fastifyJwtkit from 'jwtkit/fastify';
import { withAuth } from 'jwtkit/node-http';

const [framework = 'node', config = 'none'] = process.argv.slice(2);
const [auth, cached] = config.split('+');
const HELLO = '{"hello":"world"}';

async function keys(): Promise<{ sign: Key; verify: Key } | undefined> {
  if (auth === 'none') return undefined;
  if (auth === 'HS256') {
    const secret = await generateSecret('HS256');
    return { sign: secret, verify: secret };
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { sign: privateKey, verify: publicKey };
}

const pair = await keys();
const token = pair === undefined ? '' : await signJWT({ sub: 'bench', aud: 'api' }, pair.sign, { expiresIn: '1h' });
const cache = cached === 'cache' ? { cache: { max: 10_000, ttl: '5m' } } : {};
const options = pair === undefined ? undefined : { verifier: createVerifier({ key: pair.verify, audience: 'api', ...cache }) };

let url: string;
if (framework === 'fastify') {
  const app = Fastify();
  if (options !== undefined) await app.register(fastifyJwtkit, options);
  const route = options === undefined ? {} : { onRequest: app.authenticate };
  app.get('/', route, async () => ({ hello: 'world' }));
  url = await app.listen({ host: '127.0.0.1', port: 0 });
} else {
  const hello = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HELLO.length }).end(HELLO);
  };
  const server = createServer(options === undefined ? hello : withAuth(hello, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
console.log(JSON.stringify({ url, token }));
