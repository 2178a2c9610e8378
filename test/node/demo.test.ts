// `npm start`, the demo server, started as a user starts it and walked through the life of a token;
// then two demo processes sharing one real Redis: a token revoked through one is refused by the
// other, and keys rotated by one are trusted by the other.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeJWT } from 'jwtkit';
import { ci, type RedisServer, redisMissing, startRedis } from '../harness/redis.js';

const SERVER = fileURLToPath(new URL('../../examples/demo/server.js', import.meta.url));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill();
});

async function startDemo(env: Record<string, string> = {}): Promise<{ url: string; output: () => string }> {
  const child = spawn(process.execPath, [SERVER], {
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
        resolve({ url: match[1] as string, output: () => output });
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
  });
});
