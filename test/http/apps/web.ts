// The test app on web standards: Hono with jwtkit/hono, and plain fetch handlers with
// jwtkit/http's withAuth. The same code is served by Node, Deno, Bun and workerd.
import { Hono } from 'hono';
import { type JwtVariables, jwtAuth } from 'jwtkit/hono';
import { type AuthOptions, type AuthResult, withAuth } from 'jwtkit/http';
import { answer, ROUTES } from './routes.js';

export function honoApp(): Hono<{ Variables: JwtVariables }> {
  const app = new Hono<{ Variables: JwtVariables }>();
  for (const [route, options] of Object.entries(ROUTES) as [string, AuthOptions][]) {
    app.use(`/${route}`, jwtAuth(options));
    app.get(`/${route}`, (c) => c.json(answer(c.var.jwtAuth)));
  }
  app.post('/protected', (c) => c.json(answer(c.var.jwtAuth)));
  app.options('/protected', (c) => c.body(null, 204));
  return app;
}

export function fetchApp(): (request: Request) => Promise<Response> {
  const respond = (request: Request, auth: AuthResult | undefined) =>
    request.method === 'OPTIONS' ? new Response(null, { status: 204 }) : Response.json(answer(auth));
  const handlers = new Map(
    (Object.entries(ROUTES) as [string, AuthOptions][]).map(([route, options]) => [`/${route}`, withAuth(respond, options)]),
  );
  return async (request) => {
    const handler = handlers.get(new URL(request.url).pathname);
    return handler === undefined ? new Response('not found', { status: 404 }) : handler(request);
  };
}
