// `npm start`: the whole life of a token on one server on 127.0.0.1.
//   POST /login        {"username","password"} -> an access JWT and a rotating refresh token
//   GET  /me           the access token's claims (Authorization: Bearer)
//   POST /refresh      {"refresh_token"} -> a new pair; a reused refresh token ends its family
//   POST /logout       revokes this session (access token, and the refresh token if sent)
//   POST /logout-all   revokes every session of the user
//   GET  /.well-known/jwks.json   the public keys, rotating on a short demo schedule
// Memory store by default; with REDIS_URL, revocations, refresh families and the key ring live in
// Redis, so several demo processes act as one service. PORT picks the port (default 3000, 0: any).
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JWKSNoMatchingKeyError, type JWSHeader, JWTKitError, type KeyResolver } from 'jwtkit';
import { createKeyRing, createTokenIssuer, type KeyRing, keysFromText } from 'jwtkit/issuer';
import { type AuthenticatedRequest, withAuth } from 'jwtkit/node-http';
import { createMemoryStore, createRedisStore, type Store } from 'jwtkit/stores';

const ISSUER = 'jwtkit-demo';
const AUDIENCE = 'demo-api';
const ACCESS = Number(process.env.DEMO_ACCESS_SECONDS ?? 300);
const ROTATE_EVERY = Number(process.env.DEMO_ROTATE_SECONDS ?? 120);
const MAX_BODY = 4096;

// Demo users. Passwords are hashed with scrypt at start-up, each with its own salt, as they would
// be stored; logging in compares hashes in constant time.
const USERS = [
  { username: 'ada', password: 'correct horse battery staple', scope: 'read write' },
  { username: 'grace', password: 'hopper-compiler-1952', scope: 'read' },
].map(({ username, password, scope }) => {
  const salt = randomBytes(16);
  return { username, scope, salt, hash: scryptSync(password, salt, 32) };
});
const DUMMY_SALT = randomBytes(16);

function checkPassword(username: unknown, password: unknown) {
  if (typeof username !== 'string' || typeof password !== 'string' || password.length > 1024) return undefined;
  const user = USERS.find((candidate) => candidate.username === username);
  // Unknown users cost the same scrypt as known ones: no user enumeration by timing.
  const hash = scryptSync(password, user?.salt ?? DUMMY_SALT, 32);
  return user !== undefined && timingSafeEqual(hash, user.hash) ? user : undefined;
}

async function openStore(): Promise<{ store: Store; kind: string; close: () => void }> {
  const url = process.env.REDIS_URL;
  if (url === undefined || url === '') return { store: createMemoryStore(), kind: 'memory', close: () => undefined };
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  client.on('error', () => undefined); // reported per request as ERR_STORE_UNAVAILABLE (503)
  const where = new URL(url);
  return {
    store: createRedisStore(client, { prefix: 'jwtkit-demo:' }),
    kind: `Redis at ${where.protocol}//${where.host}`, // never the password a URL may carry
    close: () => client.disconnect(),
  };
}

/**
 * The key ring, shared through the store: its private keys (kept in the store, as a real service
 * would keep them in its secret storage) and the time of the last rotation. Whichever process
 * finds the rotation due performs it with a compare-and-swap; the others load the result when
 * they meet a kid they do not know.
 */
async function sharedRing(store: Store) {
  const KEY = 'ring';
  const KEEP = 30 * 86_400_000;
  const build = (keys: string) =>
    createKeyRing({
      alg: 'ES256',
      keys: keysFromText(keys),
      maxTokenLifetime: ACCESS,
      jwksMaxAge: ROTATE_EVERY,
      sign: { issuer: ISSUER, audience: AUDIENCE },
    });
  const read = async () => JSON.parse((await store.get(KEY)) ?? 'null') as { rotatedAt: number; keys: string } | null;
  let state = await read();
  if (state === null) {
    const first = await createKeyRing({ alg: 'ES256', maxTokenLifetime: ACCESS });
    const created = { rotatedAt: Date.now(), keys: JSON.stringify(await first.exportPrivate()) };
    await store.add(KEY, JSON.stringify(created), KEEP);
    state = (await read()) ?? created;
  }
  let ring: KeyRing = await build(state.keys);
  let raw = JSON.stringify(state);
  let lastReload = 0;

  const reload = async () => {
    const latest = await store.get(KEY);
    if (latest !== undefined && latest !== raw) {
      raw = latest;
      state = JSON.parse(latest) as { rotatedAt: number; keys: string };
      ring = await build(state.keys);
    }
  };
  const rotateIfDue = async () => {
    if (state === null || Date.now() - state.rotatedAt < ROTATE_EVERY * 1000) return;
    const next = await build(state.keys);
    await next.rotate();
    const rotated = JSON.stringify({ rotatedAt: Date.now(), keys: JSON.stringify(await next.exportPrivate()) });
    if (await store.swap(KEY, raw, rotated, KEEP)) {
      raw = rotated;
      state = JSON.parse(rotated);
      ring = next;
      console.log(`keys rotated: now signing with ${ring.currentKid}`);
    } else await reload();
  };
  const resolver: KeyResolver = async (header: JWSHeader, token: unknown) => {
    try {
      return ring.resolver(header, token);
    } catch (error) {
      // A kid another process rotated in: load the shared ring, at most once a second.
      if (!(error instanceof JWKSNoMatchingKeyError) || Date.now() - lastReload < 1000) throw error;
      lastReload = Date.now();
      await reload();
      return ring.resolver(header, token);
    }
  };
  return {
    resolver,
    current: () => ring,
    async ring() {
      await rotateIfDue();
      return ring;
    },
  };
}

function readJSON(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) {
        reject(new Error('body too large'));
        request.destroy();
      }
    });
    request.on('end', () => {
      try {
        const value = body === '' ? {} : JSON.parse(body);
        resolve(typeof value === 'object' && value !== null ? value : {});
      } catch {
        reject(new Error('the body is not JSON'));
      }
    });
    request.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers }).end(`${text}\n`);
}

/**
 * Library errors are answered with their code: 401 for a refresh token, 400 for bad input. A store
 * that cannot be reached is a generic 503: the client library's message (host, port, its state)
 * goes to the log, not to the client.
 */
function failure(res: ServerResponse, error: unknown): void {
  if (error instanceof JWTKitError && error.code === 'ERR_STORE_UNAVAILABLE') {
    console.error(`store unavailable: ${error.message}`);
    send(
      res,
      503,
      { error: 'temporarily_unavailable', message: 'the service cannot reach its session store; try again shortly' },
      { 'Retry-After': '1' },
    );
  } else if (error instanceof JWTKitError) {
    send(res, error.code.startsWith('ERR_REFRESH') ? 401 : 400, { error: error.code, message: error.message });
  } else if (error instanceof Error && /body/.test(error.message)) {
    send(res, 400, { error: 'invalid_request', message: error.message });
  } else {
    console.error(error);
    send(res, 500, { error: 'server_error' });
  }
}

export async function startDemo(port = Number(process.env.PORT ?? 3000)) {
  const { store, kind, close } = await openStore();
  const keys = await sharedRing(store);
  const tokens = createTokenIssuer({
    ring: { sign: async (claims, options) => (await keys.ring()).sign(claims, options) },
    store,
    accessTokenLifetime: ACCESS,
  });
  const auth = {
    key: keys.resolver,
    algorithms: ['ES256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    isRevoked: tokens.revocations.isRevoked,
  };
  const pairJSON = (pair: Awaited<ReturnType<typeof tokens.refresh>>) => ({
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
    refresh_token: pair.refreshToken,
    refresh_expires_in: pair.refreshExpiresIn,
  });

  const me = withAuth((req: AuthenticatedRequest, res) => send(res, 200, { claims: req.auth?.payload }), auth);
  const logout = withAuth(async (req: AuthenticatedRequest, res) => {
    try {
      const { refresh_token } = await readJSON(req);
      await tokens.logout({
        accessToken: req.auth?.payload,
        refreshToken: typeof refresh_token === 'string' ? refresh_token : undefined,
      });
      send(res, 200, { logged_out: 'this session' });
    } catch (error) {
      failure(res, error);
    }
  }, auth);
  const logoutAll = withAuth(async (req: AuthenticatedRequest, res) => {
    try {
      await tokens.logoutAll(req.auth?.payload.sub as string);
      send(res, 200, { logged_out: 'every session' });
    } catch (error) {
      failure(res, error);
    }
  }, auth);

  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = `${req.method} ${path}`;
    try {
      if (route === 'GET /.well-known/jwks.json') {
        const { status, headers, body } = keys.current().jwksResponse();
        return void res.writeHead(status, headers).end(body);
      }
      if (route === 'GET /me') return void (await me(req, res));
      if (route === 'POST /logout') return void (await logout(req, res));
      if (route === 'POST /logout-all') return void (await logoutAll(req, res));
      if (route === 'POST /login') {
        const { username, password } = await readJSON(req);
        const user = checkPassword(username, password);
        if (user === undefined) return send(res, 401, { error: 'invalid_grant', message: 'unknown user or wrong password' });
        return send(res, 200, pairJSON(await tokens.issueTokenPair({ sub: user.username, scope: user.scope })));
      }
      if (route === 'POST /refresh') {
        const { refresh_token } = await readJSON(req);
        if (typeof refresh_token !== 'string')
          return send(res, 400, { error: 'invalid_request', message: 'send {"refresh_token": "..."}' });
        return send(res, 200, pairJSON(await tokens.refresh(refresh_token)));
      }
      send(res, 404, {
        error: 'not_found',
        routes: ['POST /login', 'GET /me', 'POST /refresh', 'POST /logout', 'POST /logout-all', 'GET /.well-known/jwks.json'],
      });
    } catch (error) {
      failure(res, error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Stops taking requests, ends open connections (keep-alive ones would hold close() up) and the store's. */
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        close();
        resolve();
      });
      server.closeAllConnections();
    });
  return { server, url, kind, stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = await startDemo().catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    console.error(
      `port ${process.env.PORT ?? 3000} is in use: choose another with PORT=8080 npm start, or PORT=0 for any free port`,
    );
    process.exit(1);
  });
  const { url, kind, stop } = started;
  const json = "-H 'content-type: application/json'";
  console.log(`jwtkit demo listening on ${url} (store: ${kind}; keys rotate every ${ROTATE_EVERY} s; access tokens live ${ACCESS} s)

Try it (users: ada / "correct horse battery staple", grace / "hopper-compiler-1952"):

  curl -s ${url}/.well-known/jwks.json
  TOKENS=$(curl -s -X POST ${url}/login ${json} -d '{"username":"ada","password":"correct horse battery staple"}'); echo "$TOKENS"
  ACCESS=$(node -pe 'JSON.parse(process.argv[1]).access_token' "$TOKENS"); REFRESH=$(node -pe 'JSON.parse(process.argv[1]).refresh_token' "$TOKENS")
  curl -s ${url}/me -H "authorization: Bearer $ACCESS"
  curl -s -X POST ${url}/refresh ${json} -d "{\\"refresh_token\\":\\"$REFRESH\\"}"     # a new pair
  curl -s -X POST ${url}/refresh ${json} -d "{\\"refresh_token\\":\\"$REFRESH\\"}"     # again: ERR_REFRESH_TOKEN_REUSED, the family is revoked
  curl -s ${url}/me -H "authorization: Bearer $ACCESS"                              # 401: revoked with its family
  curl -s -X POST ${url}/logout -H "authorization: Bearer $ACCESS"                  # after a new /login: ends that session
  curl -s -X POST ${url}/logout-all -H "authorization: Bearer $ACCESS"              # ends every session of the user

Ctrl-C stops the server.`);
  // `npm start` execs `npm run demo`, which execs node: npm passes SIGINT and SIGTERM on to this
  // process, and the server stops with it (a second signal does not wait).
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(1);
    stopping = true;
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
