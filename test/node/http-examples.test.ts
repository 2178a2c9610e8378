// The three login/middleware/protected-route examples, each started the way its users start it
// (Express on Node, Oak on Deno, Hono on Bun) on 127.0.0.1, and walked through: log in, call with
// the bearer token and with the cookie, CSRF, scopes, log out.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJWT } from 'jwtkit';
import { freePort } from '../harness/workerd-process.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const ci = process.env.CI === 'true' || process.env.CI === '1';

const EXAMPLES = [
  { name: 'Express on Node (examples/express-api)', command: process.execPath, args: ['dist/examples/express-api/server.js'] },
  { name: 'Oak on Deno (examples/oak-deno)', command: bin('deno'), args: ['run', '-A', 'examples/oak-deno/main.ts'] },
  { name: 'Hono on Bun (examples/hono-bun)', command: bin('bun'), args: ['examples/hono-bun/index.ts'] },
];

/** Starts an example and resolves with its URL once it prints that it is listening. */
async function start(command: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PORT: String(port), JWT_SECRET: 'an example secret of at least thirty-two bytes!' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no "listening on" within 30 s:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] as string, child });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

function cookiesOf(response: Response): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    cookies[pair.slice(0, eq)] = line;
  }
  return cookies;
}

const cookieValue = (setCookie: string | undefined) => setCookie?.split(';')[0]?.split('=').slice(1).join('=') ?? '';

for (const example of EXAMPLES) {
  const missing = !existsSync(example.command);
  if (missing && ci) throw new Error(`${example.command} is missing: it comes from npm as a devDependency; run npm install`);
  describe(example.name, { skip: missing ? `${example.command} is missing: run npm install` : false }, () => {
    let server: { url: string; child: ChildProcess };
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    const login = (username: string, password: string) =>
      call('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });

    before(async () => {
      server = await start(example.command, example.args);
    });
    after(() => {
      server?.child.kill();
    });

    it('refuses a wrong password and an unknown or inherited user name', async () => {
      for (const [username, password] of [
        ['ada', 'wrong'],
        ['nobody', 'lovelace'],
        ['constructor', ''],
      ] as const) {
        const response = await login(username, password);
        await response.body?.cancel();
        assert.equal(response.status, 401, username);
      }
    });

    it('logs in, then serves protected routes to the bearer token and to the cookie', async () => {
      const response = await login('ada', 'lovelace');
      assert.equal(response.status, 200);
      const { token } = (await response.json()) as { token: string };
      const cookies = cookiesOf(response);
      // Secure even on 127.0.0.1: a Host that looks local proves nothing behind a proxy (entry 43).
      assert.match(cookies.access_token ?? '', /; HttpOnly; Secure; SameSite=Lax$/);
      // The cookie ends with the token: Max-Age is exp minus the server's clock when it set the
      // cookie, a moment between the token's iat and the response (899 when a second ticks between).
      const answered = Math.floor(Date.now() / 1000);
      const { iat, exp } = decodeJWT(token).payload as { iat: number; exp: number };
      assert.equal(exp - iat, 900);
      const maxAge = Number(/; Max-Age=(\d+);/.exec(cookies.access_token ?? '')?.[1]);
      assert.ok(maxAge <= exp - iat && maxAge >= exp - answered, `Max-Age=${maxAge}, iat ${iat}, exp ${exp}`);
      assert.equal(cookieValue(cookies.access_token), token);

      const bearer = await call('/api/me', { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await bearer.json(), { user: 'ada' });
      const cookie = await call('/api/me', { headers: { cookie: `access_token=${token}` } });
      assert.deepEqual(await cookie.json(), { user: 'ada' });

      const none = await call('/api/me');
      await none.body?.cancel();
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"');
    });

    it('needs CSRF proof for a cookie POST, and the scope for writing', async () => {
      const ada = await login('ada', 'lovelace');
      const cookies = cookiesOf(ada);
      const { token } = (await ada.json()) as { token: string };
      const csrf = cookieValue(cookies.csrf_token);
      const jar = `access_token=${token}; csrf_token=${csrf}`;
      const body = JSON.stringify({ text: 'hello' });
      const json = { 'content-type': 'application/json' };

      const forged = await call('/api/notes', {
        method: 'POST',
        headers: { ...json, cookie: jar, origin: 'https://evil.test' },
        body,
      });
      await forged.body?.cancel();
      assert.equal(forged.status, 403);

      const created = await call('/api/notes', { method: 'POST', headers: { ...json, cookie: jar, 'x-csrf-token': csrf }, body });
      assert.equal(created.status, 201);
      assert.deepEqual(await created.json(), { author: 'ada', text: 'hello' });

      const bob = (await (await login('bob', 'builder')).json()) as { token: string };
      const denied = await call('/api/notes', {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${bob.token}` },
        body,
      });
      await denied.body?.cancel();
      assert.equal(denied.status, 403);
      assert.match(denied.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="notes:write"/);
      const list = await call('/api/notes', { headers: { authorization: `Bearer ${bob.token}` } });
      assert.deepEqual(await list.json(), [{ author: 'ada', text: 'hello' }]);
    });

    it('clears the cookie on logout', async () => {
      const response = await call('/logout', { method: 'POST' });
      await response.body?.cancel();
      assert.equal(response.status, 204);
      assert.match(cookiesOf(response).access_token ?? '', /^access_token=; Path=\/; Max-Age=0; HttpOnly; Secure; SameSite=Lax$/);
    });
  });
}
