// One server for bench/http.ts, in its own process so that the load generator does not share its
// event loop: a hello-world route on node:http or Fastify, without auth or behind jwtkit with
// HS256 or ES256, with or without the verified-token cache (`HS256+cache`). Prints one JSON line:
// the URL and a token the route accepts. GET /__cpu answers the process's CPU time so far (µs).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier as fastJWTVerifier } from 'fast-jwt';
import Fastify from 'fastify';
import { createVerifier, exportKey, generateKeyPair, generateSecret, type Key, signJWT } from 'jwtkit';
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
  if (auth === 'none' || auth?.startsWith('HS256')) {
    const secret = await generateSecret('HS256', { extractable: true });
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
const reference = auth === 'HS256-floor' || auth === 'HS256-fast-jwt';
const options =
  auth === 'none' || reference ? undefined : { verifier: createVerifier({ key: pair.verify, audience: 'api', ...cache }) };

/**
 * The references: the same checks (signature, exp, aud) by node:crypto called directly, or by
 * fast-jwt, in front of the same route. Neither is jwtkit; they show what any verifier costs here.
 */
async function referenceRoute(
  hello: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const secret = Buffer.from(await exportKey(pair.verify, 'raw'));
  const check =
    auth === 'HS256-fast-jwt'
      ? fastJWTVerifier({ key: secret, algorithms: ['HS256'], allowedAud: 'api' })
      : (token: string) => {
          const dot = token.lastIndexOf('.');
          const input = token.slice(0, dot);
          const mac = createHmac('sha256', secret).update(input).digest();
          const given = Buffer.from(token.slice(dot + 1), 'base64url');
          if (given.length !== mac.length || !timingSafeEqual(mac, given)) throw new Error('bad signature');
          const payload = JSON.parse(Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url').toString());
          if (!(payload.exp > Date.now() / 1000) || payload.aud !== 'api') throw new Error('bad claims');
          return payload;
        };
  return (req, res) => {
    const header = req.headers.authorization;
    try {
      if (header === undefined || !header.startsWith('Bearer ')) throw new Error('no token');
      (req as IncomingMessage & { auth?: unknown }).auth = check(header.slice(7));
    } catch {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
      return;
    }
    hello(req, res);
  };
}

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
  const route = reference ? await referenceRoute(hello) : options === undefined ? hello : withAuth(hello, options);
  const server = createServer((req, res) => {
    if (req.url === '/__cpu') res.end(JSON.stringify(cpu()));
    else void route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
console.log(JSON.stringify({ url, token }));
process.on('SIGINT', () => process.exit(0));
