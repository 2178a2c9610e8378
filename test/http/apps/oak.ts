// The test app on Oak (Deno), the npm build of @oakserver/oak.
import { Application } from '@oakserver/oak';
import { type AuthOptions, type CookieOptions, setTokenCookie } from 'jwtkit/http';
import { jwtAuth } from 'jwtkit/oak';
import { answer, FALLBACK, LOGIN_TOKEN, LOGINS, ROUTES, type Server } from './routes.js';
import { accepting, freeDenoPort } from './servers.js';

/** Serves `app` on a free port of 127.0.0.1 until `close`. */
export async function serveOak(app: Application): Promise<Server> {
  const controller = new AbortController();
  const port = freeDenoPort();
  const listening = app.listen({ hostname: '127.0.0.1', port, signal: controller.signal });
  const url = `http://127.0.0.1:${port}`;
  await accepting(`${url}/none`);
  return {
    url,
    // Oak's npm build stops listening on abort but never ends its request stream, so `listening`
    // stays pending: it is not awaited.
    close: async () => {
      controller.abort();
      void listening;
    },
  };
}

export async function startOak(): Promise<Server> {
  // A default Application, as users write it: refusals must not reach Oak's error log.
  const app = new Application();
  const guards = new Map(
    (Object.entries(ROUTES) as [string, AuthOptions][]).map(([route, options]) => [`/${route}`, jwtAuth(options)]),
  );
  const fallback = jwtAuth(FALLBACK);
  const cookies = new Map(Object.entries(LOGINS) as [string, CookieOptions][]);
  app.use(async (ctx) => {
    const login = cookies.get(ctx.request.url.pathname);
    if (login !== undefined) {
      setTokenCookie(ctx.response.headers, LOGIN_TOKEN, { ...login, request: ctx.request });
      ctx.response.body = { ok: true };
      return;
    }
    await (guards.get(ctx.request.url.pathname) ?? fallback)(ctx, async () => {
      ctx.response.body = answer(ctx.state.auth);
    });
  });
  return serveOak(app);
}
