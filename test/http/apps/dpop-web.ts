// The DPoP test app on web standards: Hono and a plain fetch handler, served by Node and Deno.
import { Hono } from 'hono';
import { jwtAuth as honoAuth, type JwtVariables } from 'jwtkit/hono';
import { type AuthOptions, withAuth as fetchAuth } from 'jwtkit/http';
import { DPOP_ROUTES, dpopAnswer } from './dpop-routes.js';

const routes = () => Object.entries(DPOP_ROUTES) as [string, AuthOptions][];

export function dpopHonoApp(): Hono<{ Variables: JwtVariables }> {
  const app = new Hono<{ Variables: JwtVariables }>();
  for (const [route, options] of routes()) app.all(`/v1/${route}`, honoAuth(options), (c) => c.json(dpopAnswer(c.var.jwtAuth)));
  return app;
}

export function dpopFetchApp(): (request: Request) => Promise<Response> {
  const handlers = new Map(
    routes().map(([route, options]) => [`/v1/${route}`, fetchAuth((_request, auth) => Response.json(dpopAnswer(auth)), options)]),
  );
  return async (request) => {
    const handler = handlers.get(new URL(request.url).pathname);
    return handler === undefined ? new Response(null, { status: 404 }) : handler(request);
  };
}
