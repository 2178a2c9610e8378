// The test app on web standards: Hono with jwtkit/hono, and plain fetch handlers with
// jwtkit/http's withAuth. The same code is served by Node, Deno, Bun and workerd.
import { Hono } from 'hono';
import { type JwtVariables, jwtAuth } from 'jwtkit/hono';
import { type AuthOptions, type AuthResult, type CookieOptions, setTokenCookie, withAuth } from 'jwtkit/http';
import { answer, FALLBACK, LOGIN_TOKEN, LOGINS, ROUTES } from './routes.js';

const logins = () => Object.entries(LOGINS) as [string, CookieOptions][];

export function honoApp(): Hono<{ Variables: JwtVariables }> {
  const app = new Hono<{ Variables: JwtVariables }>();
  for (const [path, options] of logins())
    app.get(path, (c) => {
      setTokenCookie(c, LOGIN_TOKEN, { ...options, request: c.req.raw });
      return c.json({ ok: true });
    });
  // `app.all`: every method reaches the handler, the pattern a preflight must not slip through.
  for (const [route, options] of Object.entries(ROUTES) as [string, AuthOptions][])
    app.all(`/${route}`, jwtAuth(options), (c) => c.json(answer(c.var.jwtAuth)));
  app.all('*', jwtAuth(FALLBACK), (c) => c.json(answer(c.var.jwtAuth)));
  return app;
}

export function fetchApp(): (request: Request) => Promise<Response> {
  const respond = (_request: Request, auth: AuthResult | undefined) => Response.json(answer(auth));
  const handlers = new Map(
    (Object.entries(ROUTES) as [string, AuthOptions][]).map(([route, options]) => [`/${route}`, withAuth(respond, options)]),
  );
  const fallback = withAuth(respond, FALLBACK);
  const cookies = new Map(logins());
  return async (request) => {
    const path = new URL(request.url).pathname;
    const login = cookies.get(path);
    if (login === undefined) return (handlers.get(path) ?? fallback)(request);
    const headers = new Headers();
    setTokenCookie(headers, LOGIN_TOKEN, { ...login, request });
    return Response.json({ ok: true }, { headers });
  };
}
