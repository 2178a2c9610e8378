// The DPoP test app on Oak (Deno): the routes of dpop-routes.ts under /v1.
import { Application } from '@oakserver/oak';
import type { AuthOptions, AuthResult } from 'jwtkit/http';
import { jwtAuth } from 'jwtkit/oak';
import { DPOP_ROUTES, dpopAnswer } from './dpop-routes.js';
import { serveOak } from './oak.js';
import type { Server } from './routes.js';

export function startDPoPOak(): Promise<Server> {
  const app = new Application();
  const guards = new Map(
    (Object.entries(DPOP_ROUTES) as [string, AuthOptions][]).map(([route, options]) => [`/v1/${route}`, jwtAuth(options)]),
  );
  app.use(async (ctx) => {
    const guard = guards.get(ctx.request.url.pathname);
    if (guard === undefined) return;
    await guard(ctx, async () => {
      ctx.response.body = dpopAnswer(ctx.state.auth as AuthResult | undefined);
    });
  });
  return serveOak(app);
}
