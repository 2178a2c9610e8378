// The server of bench/http-cpu.ts, in its own process so that its CPU time is its own: a
// hello-world route on node:http or Fastify, once per configuration on its own path (`/none`,
// `/HS256-hit`, `/floor-HS256`, ...), so that every configuration runs in the same process with the
// same JIT and heap. The keys come from the client (env JWTKIT_BENCH_KEYS: the HS256 secret and the
// ES256 public JWK), which signs the tokens. Prints one JSON line with its URL; GET /__cpu answers
// the process's CPU time so far (user + system, µs), which counts the GC and helper threads too.
import { createHmac, createPublicKey, type JsonWebKeyInput, verify as nodeVerify, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createVerifier, importKey } from 'jwtkit';
import fastifyJwtkit from 'jwtkit/fastify';
import { withAuth } from 'jwtkit/node-http';

const framework = process.argv[2] ?? 'node';
const paths = (process.argv[3] ?? 'none').split(',');
const HELLO = '{"hello":"world"}';
const { secret, jwk } = JSON.parse(process.env.JWTKIT_BENCH_KEYS ?? '{}') as { secret: string; jwk: JsonWebKeyInput['key'] };
const secretBytes = Buffer.from(secret, 'base64url');
const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
const hsKey = await importKey(secretBytes, { alg: 'HS256' });
const esKey = await importKey({ ...jwk }, { alg: 'ES256' });
/**
 * With --expose-gc (http-cpu.ts --gc-between): a full collection once a block's last reading
 * (/__cpu-end) has gone out, so it runs before the next block's first reading, in no measured window.
 */
const collectBetweenBlocks = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) setImmediate(gc);
};
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return { user, system };
};

/**
 * jwtkit's verifier for a path: every jwtkit path has the verified-token cache on, as a server
 * would; `-hit` paths are sent one token over and over, `-fresh` paths a new token per request, so
 * they measure a hit and a miss (verification plus the cache insert and eviction) of the same setup.
 */
function verifierOf(path: string) {
  const alg = path.startsWith('ES256') ? 'ES256' : 'HS256';
  return createVerifier({ key: alg === 'ES256' ? esKey : hsKey, audience: 'api', cache: { max: 10_000, ttl: '5m' } });
}

/**
 * The raw node:crypto verification, the floor style of bench/contenders.ts: split, verify the
 * signature, decode base64url, JSON.parse, check exp and aud. No strict parsing, no algorithm
 * policy: a lower bound for any verifier, not something to deploy.
 */
function floorOf(path: string): (token: string) => unknown {
  const hmac = path === 'floor-HS256';
  return (token) => {
    const dot = token.lastIndexOf('.');
    const input = token.slice(0, dot);
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    const ok = hmac
      ? timingSafeEqual(createHmac('sha256', secretBytes).update(input).digest(), signature)
      : nodeVerify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    if (!ok) throw new Error('bad signature');
    const payload = JSON.parse(Buffer.from(input.slice(input.indexOf('.') + 1), 'base64url').toString());
    if (!(payload.exp > Date.now() / 1000) || payload.aud !== 'api') throw new Error('bad claims');
    return payload;
  };
}

/** The bearer token of a request, or undefined: the header parsing every floor route does. */
const bearer = (header: string | undefined) => (header?.startsWith('Bearer ') ? header.slice(7) : undefined);

type Route = (req: IncomingMessage, res: ServerResponse) => void;

function nodeRoute(path: string, hello: Route): Route {
  if (path === 'none') return hello;
  if (!path.startsWith('floor-')) return withAuth(hello, { verifier: verifierOf(path) }) as Route;
  const check = floorOf(path);
  return (req, res) => {
    try {
      const token = bearer(req.headers.authorization);
      if (token === undefined) throw new Error('no token');
      (req as IncomingMessage & { auth?: unknown }).auth = check(token);
    } catch {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
      return;
    }
    hello(req, res);
  };
}

async function nodeServer(): Promise<string> {
  const hello: Route = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HELLO.length }).end(HELLO);
  };
  const routes = new Map(paths.map((path) => [`/${path}`, nodeRoute(path, hello)]));
  const server = createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route !== undefined) route(req, res);
    else if (req.url === '/__cpu') res.end(JSON.stringify(cpu()));
    else if (req.url === '/__cpu-end') {
      res.end(JSON.stringify(cpu()));
      collectBetweenBlocks();
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function fastifyServer(): Promise<string> {
  const app = Fastify();
  app.get('/__cpu', async () => cpu());
  app.get('/__cpu-end', async () => {
    const reading = cpu();
    collectBetweenBlocks();
    return reading;
  });
  for (const path of paths) {
    // Each configuration in its own encapsulated context, so each has its own plugin instance.
    await app.register(
      async (child: FastifyInstance) => {
        let onRequest: FastifyInstance['authenticate'] | undefined;
        if (path.startsWith('floor-')) {
          const check = floorOf(path);
          onRequest = async (request, reply) => {
            try {
              const token = bearer(request.headers.authorization);
              if (token === undefined) throw new Error('no token');
              // The payload is not kept: Fastify's request.auth belongs to the plugin, which this path has not.
              check(token);
            } catch {
              return reply.code(401).header('WWW-Authenticate', 'Bearer').send();
            }
            return undefined;
          };
        } else if (path !== 'none') {
          await child.register(fastifyJwtkit, { verifier: verifierOf(path) });
          onRequest = child.authenticate;
        }
        child.get('/', onRequest === undefined ? {} : { onRequest }, async () => ({ hello: 'world' }));
      },
      { prefix: `/${path}` },
    );
  }
  return app.listen({ host: '127.0.0.1', port: 0 });
}

const url = framework === 'fastify' ? await fastifyServer() : await nodeServer();
console.log(JSON.stringify({ url }));
process.on('SIGINT', () => process.exit(0));
