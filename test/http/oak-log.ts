// Oak with a default `new Application()`: a refusal is an answer, not an application error, so
// Oak's error log (`[uncaught application error]` and a stack trace on console.error) stays quiet.
// Run under Deno by deno.test.ts (Oak's npm build serves through Deno's shims).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Application } from '@oakserver/oak';
import { signJWT } from 'jwtkit';
import { AuthError } from 'jwtkit/http';
import { jwtAuth } from 'jwtkit/oak';
import { serveOak } from './apps/oak.js';
import { ISSUER, ROUTES, SECRET } from './apps/routes.js';

/** Runs `work` with console.error recorded, and returns what was written. */
async function errorLog(work: () => Promise<void>): Promise<string> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    await work();
    // Oak dispatches its error event after answering: give it a turn to log.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    console.error = original;
  }
  return lines.join('\n');
}

async function requests(url: string): Promise<Response[]> {
  const now = Math.floor(Date.now() / 1000);
  const expired = await signJWT({ sub: 'ada', iss: ISSUER, aud: 'api', iat: now - 1200, exp: now - 600 }, SECRET, {
    alg: 'HS256',
  });
  const responses: Response[] = [];
  const cases: Record<string, string>[] = [{}, { authorization: 'Bearer not.a.token' }, { authorization: `Bearer ${expired}` }];
  for (const headers of cases) {
    responses.push(await fetch(`${url}/`, { headers, signal: AbortSignal.timeout(10_000) }));
  }
  return responses;
}

describe('Oak: a default Application answers refusals as JSON without logging them', () => {
  it('answers 401 with the challenge and the JSON body, and prints nothing on console.error', async () => {
    const app = new Application();
    app.use(jwtAuth(ROUTES.protected));
    app.use((ctx) => {
      ctx.response.body = { ok: true };
    });
    const server = await serveOak(app);
    let responses: Response[] = [];
    const log = await errorLog(async () => {
      responses = await requests(server.url);
    });
    await server.close();
    assert.equal(log, '', 'Oak logged a refusal');
    for (const response of responses) {
      assert.equal(response.status, 401);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
      const body = (await response.json()) as { error: string; code: string; error_description: string };
      assert.ok(['unauthorized', 'invalid_token'].includes(body.error), JSON.stringify(body));
      assert.match(body.code, /^ERR_AUTH_/);
    }
  });

  it('positive control: the same refusal thrown to Oak is logged, so the capture above can see a log', async () => {
    const app = new Application();
    app.use(() => {
      throw new AuthError('ERR_AUTH_MISSING', 'Authentication required', { realm: 'x' });
    });
    const server = await serveOak(app);
    const log = await errorLog(async () => {
      const response = await fetch(`${server.url}/`, { signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
    });
    await server.close();
    assert.match(log, /\[uncaught application error\]/);
  });
});
