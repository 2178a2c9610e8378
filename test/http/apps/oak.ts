// The test app on Oak (Deno), the npm build of @oakserver/oak.
import { Application } from '@oakserver/oak';
import type { AuthOptions } from 'jwtkit/http';
import { jwtAuth } from 'jwtkit/oak';
import { answer, ROUTES, type Server } from './routes.js';
import { accepting, freeDenoPort } from './servers.js';

export async function startOak(): Promise<Server> {
  // Oak logs every error a middleware throws unless told not to; refusals are expected here.
  const app = new Application({ logErrors: false });
  const guards = new Map(
    (Object.entries(ROUTES) as [string, AuthOptions][]).map(([route, options]) => [`/${route}`, jwtAuth(options)]),
  );
  app.use(async (ctx, next) => {
    const guard = guards.get(ctx.request.url.pathname);
    if (guard === undefined) return next();
    await guard(ctx, async () => {
      if (ctx.request.method === 'OPTIONS') ctx.response.status = 204;
      else ctx.response.body = answer(ctx.state.auth);
    });
  });
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
