// `npm start`, the demo server, started as a user starts it and walked through the life of a token;
// then two demo processes sharing one real Redis: a token revoked through one is refused by the
// other, and keys rotated by one are trusted by the other.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeJWT } from 'jwtkit';
import { startDemo as startInProcess } from '../../examples/demo/server.js';
import { ci, type RedisServer, redisMissing, startRedis } from '../harness/redis.js';
import { testClock } from '../support/clock.js';

const SERVER = fileURLToPath(new URL('../../examples/demo/server.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill();
});

async function startDemo(
  env: Record<string, string> = {},
  command: [string, string[]] = [process.execPath, [SERVER]],
): Promise<{ url: string; output: () => string; child: ChildProcess }> {
  const child = spawn(command[0], command[1], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start within 20 s:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] as string, output: () => output, child });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code}:\n${output}`));
    });
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text), headers: response.headers };
}

const ADA = { username: 'ada', password: 'correct horse battery staple' };
const login = async (url: string) => {
  const answer = await call(url, 'POST', '/login', { body: ADA });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return { access: answer.body.access_token as string, refresh: answer.body.refresh_token as string };
};

/**
 * One request without keep-alive (node:http, not fetch): the in-process test moves Date.now, which
 * undici's own timers read, so a pooled connection could be timed out under a request.
 */
function plain(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const req = request(`${url}${path}`, { method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** Whether anything still listens at `url`. */
const listening = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the demo server (npm start)', () => {
  it('prints its URL and curl lines, and walks a token through login, refresh, reuse and logout', async () => {
    const { url, output } = await startDemo();
    assert.match(output(), /store: memory/);
    assert.match(output(), /curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/login/);

    assert.equal((await call(url, 'POST', '/login', { body: { username: 'ada', password: 'wrong' } })).status, 401);
    assert.equal((await call(url, 'POST', '/login', { body: { username: 'nobody', password: 'x' } })).status, 401);
    const first = await login(url);
    const me = await call(url, 'GET', '/me', { token: first.access });
    assert.equal(me.status, 200);
    assert.equal((me.body.claims as { sub: string }).sub, 'ada');
    assert.equal((await call(url, 'GET', '/me')).status, 401);

    const jwks = await call(url, 'GET', '/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    assert.match(jwks.headers.get('cache-control') ?? '', /max-age=\d+/);
    assert.ok((jwks.body.keys as { kid: string }[]).some((key) => key.kid === decodeJWT(first.access).header.kid));

    const second = await call(url, 'POST', '/refresh', { body: { refresh_token: first.refresh } });
    assert.equal(second.status, 200);
    const reuse = await call(url, 'POST', '/refresh', { body: { refresh_token: first.refresh } });
    assert.deepEqual([reuse.status, reuse.body.error], [401, 'ERR_REFRESH_TOKEN_REUSED']);
    assert.equal((await call(url, 'GET', '/me', { token: second.body.access_token as string })).status, 401);

    const session = await login(url);
    assert.equal(
      (await call(url, 'POST', '/logout', { token: session.access, body: { refresh_token: session.refresh } })).status,
      200,
    );
    assert.equal((await call(url, 'GET', '/me', { token: session.access })).status, 401);
    assert.equal((await call(url, 'POST', '/refresh', { body: { refresh_token: session.refresh } })).status, 401);

    const everywhere = await login(url);
    assert.equal((await call(url, 'POST', '/logout-all', { token: everywhere.access })).status, 200);
    assert.equal((await call(url, 'GET', '/me', { token: everywhere.access })).status, 401);
  });

  describe("past every default lifetime (the demo in this process, its clock the test's)", () => {
    const at = testClock();
    it('keeps refusing the sessions of a logout and a logout-all, while a later session lives on', async () => {
      const start = 1_900_000_000_000;
      at(start);
      const demo = await startInProcess(0);
      try {
        const status = async (method: string, path: string, token?: string, body?: unknown) =>
          (await plain(demo.url, method, path, { token, body })).status;
        const pairOf = (answer: { status: number; body: string }, what: string) => {
          assert.equal(answer.status, 200, `${what}: ${answer.body}`);
          const pair = JSON.parse(answer.body) as { access_token: string; refresh_token: string };
          return { access: pair.access_token, refresh: pair.refresh_token };
        };
        const signIn = async () => pairOf(await plain(demo.url, 'POST', '/login', { body: ADA }), 'login');
        const phone = await signIn();
        assert.equal(await status('POST', '/logout', phone.access), 200, 'POST /logout with only the access token');
        const laptop = await signIn();
        assert.equal(await status('POST', '/logout-all', laptop.access), 200);
        at(start + 1000);
        let control = await signIn();
        let rotatedAt = start + 1000;
        const REFRESH = 30 * 86_400_000;
        // Each default lifetime (access 300 s here, the old 16 min cut-off, 1 day, the 30-day refresh
        // token) plus the 60 s tolerance, just before and just past; then long after.
        const edges = [300_000, 960_000, 86_400_000, REFRESH].map((life) => life + 60_000);
        const moments = [...edges.flatMap((edge) => [edge - 1, edge + 1000]), 2 * REFRESH, 10 * REFRESH];
        for (const offset of moments) {
          const now = start + offset;
          at(now);
          for (const refresh_token of [phone.refresh, laptop.refresh])
            assert.equal(
              await status('POST', '/refresh', undefined, { refresh_token }),
              401,
              `an old refresh token at +${offset} ms`,
            );
          for (const token of [phone.access, laptop.access])
            assert.equal(await status('GET', '/me', token), 401, `an old access token at +${offset} ms`);
          // The control: refreshed while its family lives, logged in again once it has expired.
          const next = await plain(demo.url, 'POST', '/refresh', { body: { refresh_token: control.refresh } });
          if (now < rotatedAt + REFRESH) control = pairOf(next, `the control session at +${offset} ms`);
          else {
            assert.equal(next.status, 401, 'the control expired by its own lifetime');
            control = await signIn();
          }
          rotatedAt = now;
          assert.equal(await status('GET', '/me', control.access), 200, `the control at +${offset} ms`);
        }
      } finally {
        await demo.stop();
      }
    });
  });

  it('stops with npm: SIGTERM or SIGINT to the npm process ends the server too', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // `npm start` is `npm run build && exec npm run demo`: the same chain without the build, which
      // must not rewrite dist/ under the other tests.
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const { url, child } = await startDemo({}, [npm, ['run', '--silent', 'demo']]);
      assert.equal(await listening(url), true);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await Promise.race([
        exited,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`npm did not exit on ${signal}`)), 10_000)),
      ]);
      let open = true;
      for (let attempt = 0; attempt < 50 && open; attempt++) {
        open = await listening(url);
        if (open) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(open, false, `the server still listens after ${signal} to npm`);
    }
  });

  const missing = redisMissing();
  if (missing !== undefined && ci) throw new Error(`CI must run the Redis demo test: ${missing}`);

  describe('two processes sharing one Redis', { skip: missing }, () => {
    let redis: RedisServer;
    after(async () => redis?.stop());

    it('refuse a token revoked through the other, and trust keys the other rotated in', async () => {
      redis = await startRedis();
      const env = { REDIS_URL: redis.url, DEMO_ROTATE_SECONDS: '1' };
      const [a, b] = await Promise.all([startDemo(env), startDemo(env)]);
      assert.match(a.output(), /store: Redis/);
      const session = await login(a.url);
      assert.equal((await call(b.url, 'GET', '/me', { token: session.access })).status, 200);
      assert.equal((await call(b.url, 'POST', '/logout', { token: session.access })).status, 200);
      assert.equal((await call(a.url, 'GET', '/me', { token: session.access })).status, 401, 'revoked through B, refused by A');

      await new Promise((resolve) => setTimeout(resolve, 1100));
      const rotated = await login(a.url); // A finds the rotation due and performs it
      assert.notEqual(decodeJWT(rotated.access).header.kid, decodeJWT(session.access).header.kid);
      assert.equal((await call(b.url, 'GET', '/me', { token: rotated.access })).status, 200, 'B trusts the key A rotated in');
    });

    it("answers a generic 503 to /login while Redis is down, without the Redis client's message", async () => {
      const down = await startRedis();
      try {
        const demo = await startDemo({ REDIS_URL: down.url });
        const session = await login(demo.url);
        await down.kill();
        const answer = await call(demo.url, 'POST', '/login', { body: ADA });
        assert.equal(answer.status, 503);
        assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'message']);
        assert.equal(answer.body.error, 'temporarily_unavailable');
        const text = JSON.stringify(answer.body);
        for (const leak of ['Redis', 'ECONNREFUSED', 'Stream', 'connect', String(down.port), 'SET', 'MGET'])
          assert.ok(!text.includes(leak), `the 503 names ${leak}: ${text}`);
        assert.equal((await call(demo.url, 'GET', '/me', { token: session.access })).status, 503, 'the middleware fails closed');
        assert.match(demo.output(), /store unavailable/, 'the detail goes to the log');
      } finally {
        await down.stop();
      }
    });
  });
});
