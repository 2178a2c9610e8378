// The test app on each Node framework: Express 4 and 5, Fastify 5, Koa and plain node:http.
import { createServer, type Server as HTTPServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { authErrorHandler, type Request as ExpressRequest, jwtAuth as expressAuth } from 'jwtkit/express';
import fastifyJwtkit from 'jwtkit/fastify';
import { type AuthOptions, type CookieOptions, setTokenCookie } from 'jwtkit/http';
import { jwtAuth as koaAuth } from 'jwtkit/koa';
import { withAuth } from 'jwtkit/node-http';
import Koa from 'koa';
import { answer, FALLBACK, LOGIN_TOKEN, LOGINS, pathOf, ROUTES, type Server } from './routes.js';
import { fetchApp, honoApp } from './web.js';

const routes = () => Object.entries(ROUTES) as [string, AuthOptions][];
const logins = () => Object.entries(LOGINS) as [string, CookieOptions][];

/** Starts `server` on a free port of 127.0.0.1; its close ends open connections too. */
export function listen(server: HTTPServer): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startExpress(version: 4 | 5): Promise<Server> {
  const express = (version === 4 ? express4 : express5) as typeof express5;
  const app = express();
  for (const [path, options] of logins())
    app.get(path, (req, res) => {
      setTokenCookie(res, LOGIN_TOKEN, { ...options, request: req });
      res.json({ ok: true });
    });
  // `app.all`: every method reaches the handler, the pattern a preflight must not slip through.
  for (const [route, options] of routes())
    app.all(`/${route}`, expressAuth(options), (req: ExpressRequest, res) => res.json(answer(req.auth)));
  app.use(expressAuth(FALLBACK), (req: ExpressRequest, res) => res.json(answer(req.auth)));
  app.use(authErrorHandler());
  return listen(createServer(app));
}

export async function startFastify(): Promise<Server> {
  const app = Fastify();
  await app.register(fastifyJwtkit, ROUTES.protected);
  const reply = async (request: { auth?: Parameters<typeof answer>[0] }) => answer(request.auth);
  for (const [path, options] of logins())
    app.get(path, async (request, res) => {
      setTokenCookie(res, LOGIN_TOKEN, { ...options, request });
      return { ok: true };
    });
  app.all('/protected', { onRequest: app.authenticate }, reply);
  app.all('/optional', { onRequest: app.jwtAuth({ credentialsRequired: false }) }, reply);
  app.all('/scoped', { onRequest: app.jwtAuth({ requiredScopes: ROUTES.scoped.requiredScopes }) }, reply);
  app.all('/admin', { onRequest: app.jwtAuth({ requireClaims: ROUTES.admin.requireClaims }) }, reply);
  app.all('/*', { onRequest: app.jwtAuth(FALLBACK) }, reply);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: () => app.close() };
}

export function startKoa(): Promise<Server> {
  const app = new Koa();
  const guards = new Map(routes().map(([route, options]) => [`/${route}`, koaAuth(options)]));
  const fallback = koaAuth(FALLBACK);
  const cookies = new Map(logins());
  app.use(async (ctx) => {
    const login = cookies.get(ctx.path);
    if (login !== undefined) {
      setTokenCookie(ctx, LOGIN_TOKEN, { ...login, request: ctx });
      ctx.body = { ok: true };
      return;
    }
    await (guards.get(ctx.path) ?? fallback)(ctx, async () => {
      ctx.body = answer(ctx.state.auth);
    });
  });
  return listen(createServer(app.callback()));
}

export function startNodeHTTP(): Promise<Server> {
  const guarded = (options: AuthOptions) =>
    withAuth((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer(req.auth)));
    }, options);
  const handlers = new Map(routes().map(([route, options]) => [`/${route}`, guarded(options)]));
  const fallback = guarded(FALLBACK);
  const cookies = new Map(logins());
  return listen(
    createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = pathOf(req.url ?? '/');
      const login = cookies.get(path);
      if (login !== undefined) {
        setTokenCookie(res, LOGIN_TOKEN, { ...login, request: req });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      } else void (handlers.get(path) ?? fallback)(req, res);
    }),
  );
}

/** Serves a fetch handler through @hono/node-server on a free port of 127.0.0.1. */
export function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<Server> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise((done) => {
            (server as HTTPServer).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export const startHono = () => serveFetch(honoApp().fetch);
export const startFetch = () => serveFetch(fetchApp());
