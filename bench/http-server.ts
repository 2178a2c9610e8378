// One server for bench/http.ts, in its own process so that the load generator does not share its
// event loop: a hello-world route on node:http or Fastify, once per configuration, each on its own
// path (`/none`, `/HS256`, `/HS256+cache`, ...), so that every configuration is measured in the same
// process, with the same JIT and heap, in bursts that take turns. Prints one JSON line: the URL and,
// per path, a token the route accepts. GET /__cpu answers the process's CPU time so far (µs).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier as fastJWTVerifier } from 'fast-jwt';
import Fastify, { type FastifyInstance } from 'fastify';
import { createVerifier, exportKey, generateKeyPair, generateSecret, signJWT } from 'jwtkit';
import fastifyJwtkit from 'jwtkit/fastify';
import type { AuthOptions } from 'jwtkit/http';
import { withAuth } from 'jwtkit/node-http';

const framework = process.argv[2] ?? 'node';
const auths = (process.argv[3] ?? 'none').split(',');
const HELLO = '{"hello":"world"}';
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return { user, system };
};

const secret = await generateSecret('HS256', { extractable: true });
const pair = await generateKeyPair('ES256');
const claims = { sub: 'bench', aud: 'api' };
const hsToken = await signJWT(claims, secret, { expiresIn: '1h' });
const esToken = await signJWT(claims, pair.privateKey, { expiresIn: '1h' });
// The unauthenticated route gets a token too, which it ignores: every path is sent a request of the
// same kind, so the load generator (on the same cores) does the same work and only the server's differs.
const tokenOf = (auth: string) => (auth.startsWith('ES256') ? esToken : hsToken);

/** jwtkit's options for a configuration (`HS256`, `ES256+cache`, ...). */
function optionsOf(auth: string): AuthOptions {
  const [alg, cached] = auth.split('+');
  const cache = cached === 'cache' ? { cache: { max: 10_000, ttl: '5m' } } : {};
  return { verifier: createVerifier({ key: alg === 'ES256' ? pair.publicKey : secret, audience: 'api', ...cache }) };
}

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The references: the same checks (signature, exp, aud) by node:crypto called directly, or by
 * fast-jwt, in front of the same route. Neither is jwtkit; they show what any verifier costs here.
 */
async function referenceRoute(auth: string, hello: Route): Promise<Route> {
  const raw = Buffer.from(await exportKey(secret, 'raw'));
  const check =
    auth === 'HS256-fast-jwt'
      ? fastJWTVerifier({ key: raw, algorithms: ['HS256'], allowedAud: 'api' })
      : (token: string) => {
          const dot = token.lastIndexOf('.');
          const input = token.slice(0, dot);
          const mac = createHmac('sha256', raw).update(input).digest();
          const given = Buffer.from(token.slice(dot + 1), 'base64url');
          if (given.length !== mac.length || !timingSafeEqual(mac, given)) throw new Error('bad signature');
          const payload = JSON.parse(Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url').toString());
          if (!(payload.exp > Date.now() / 1000) || payload.aud !== 'api') throw new Error('bad claims');
          return payload;
        };
  // The floor of a cache hit: the token looked up in a Map, then only the checks that depend on time.
  const seen = new Map<string, { exp: number; aud: string }>();
  const lookup = (token: string) => {
    let payload = seen.get(token);
    if (payload === undefined) {
      payload = check(token) as { exp: number; aud: string };
      seen.set(token, payload);
    }
    if (!(payload.exp > Date.now() / 1000) || payload.aud !== 'api') throw new Error('bad claims');
    return payload;
  };
  const verify = auth === 'HS256-floor+cache' ? lookup : check;
  return (req, res) => {
    const header = req.headers.authorization;
    try {
      if (header === undefined || !header.startsWith('Bearer ')) throw new Error('no token');
      (req as IncomingMessage & { auth?: unknown }).auth = verify(header.slice(7));
    } catch {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
      return;
    }
    hello(req, res);
  };
}

async function fastifyServer(): Promise<string> {
  const app = Fastify();
  app.get('/__cpu', async () => cpu());
  for (const auth of auths) {
    // Each configuration in its own encapsulated context, so each has its own plugin instance.
    await app.register(
      async (child: FastifyInstance) => {
        if (auth !== 'none') await child.register(fastifyJwtkit, optionsOf(auth));
        child.get('/', auth === 'none' ? {} : { onRequest: child.authenticate }, async () => ({ hello: 'world' }));
      },
      { prefix: `/${auth}` },
    );
  }
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function nodeServer(): Promise<string> {
  const hello: Route = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HELLO.length }).end(HELLO);
  };
  const routes = new Map<string, Route>();
  for (const auth of auths) {
    const route =
      auth === 'none'
        ? hello
        : auth.startsWith('HS256-')
          ? await referenceRoute(auth, hello)
          : (withAuth(hello, optionsOf(auth)) as Route);
    routes.set(`/${auth}`, route);
  }
  const server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route !== undefined) route(req, res);
    else if (req.url === '/__cpu') res.end(JSON.stringify(cpu()));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const url = framework === 'fastify' ? await fastifyServer() : await nodeServer();
console.log(JSON.stringify({ url, tokens: Object.fromEntries(auths.map((auth) => [auth, tokenOf(auth)])) }));
process.on('SIGINT', () => process.exit(0));
