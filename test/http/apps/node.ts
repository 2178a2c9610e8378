// The test app on each Node framework: Express 4 and 5, Fastify 5, Koa and plain node:http.
import { createServer, type Server as HTTPServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { authErrorHandler, type Request as ExpressRequest, jwtAuth as expressAuth } from 'jwtkit/express';
import fastifyJwtkit from 'jwtkit/fastify';
import type { AuthOptions } from 'jwtkit/http';
import { jwtAuth as koaAuth } from 'jwtkit/koa';
import { withAuth } from 'jwtkit/node-http';
import Koa from 'koa';
import { answer, ROUTES, type Server } from './routes.js';
import { fetchApp, honoApp } from './web.js';

const routes = () => Object.entries(ROUTES) as [string, AuthOptions][];

function listen(server: HTTPServer): Promise<Server> {
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
  for (const [route, options] of routes()) {
    app.use(`/${route}`, expressAuth(options));
    app.get(`/${route}`, (req: ExpressRequest, res) => res.json(answer(req.auth)));
  }
  app.post('/protected', (req: ExpressRequest, res) => res.json(answer(req.auth)));
  app.use(authErrorHandler());
  return listen(createServer(app));
}

export async function startFastify(): Promise<Server> {
  const app = Fastify();
  await app.register(fastifyJwtkit, ROUTES.protected);
  const reply = async (request: { auth?: Parameters<typeof answer>[0] }) => answer(request.auth);
  app.get('/protected', { onRequest: app.authenticate }, reply);
  app.post('/protected', { onRequest: app.authenticate }, reply);
  app.options('/protected', { onRequest: app.authenticate }, async (_request, res) => res.code(204).send());
  app.get('/optional', { onRequest: app.jwtAuth({ credentialsRequired: false }) }, reply);
  app.get('/scoped', { onRequest: app.jwtAuth({ requiredScopes: ROUTES.scoped.requiredScopes }) }, reply);
  app.get('/admin', { onRequest: app.jwtAuth({ requireClaims: ROUTES.admin.requireClaims }) }, reply);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: () => app.close() };
}

export function startKoa(): Promise<Server> {
  const app = new Koa();
  const guards = new Map(routes().map(([route, options]) => [`/${route}`, koaAuth(options)]));
  app.use(async (ctx, next) => {
    const guard = guards.get(ctx.path);
    if (guard === undefined) return next();
    await guard(ctx, async () => {
      if (ctx.method === 'OPTIONS') ctx.status = 204;
      else ctx.body = answer(ctx.state.auth);
    });
  });
  return listen(createServer(app.callback()));
}

export function startNodeHTTP(): Promise<Server> {
  const handlers = new Map(
    routes().map(([route, options]) => [
      `/${route}`,
      withAuth((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer(req.auth)));
      }, options),
    ]),
  );
  return listen(
    createServer((req: IncomingMessage, res: ServerResponse) => {
      const handler = handlers.get(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (handler === undefined) res.writeHead(404).end();
      else void handler(req, res);
    }),
  );
}

function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<Server> {
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
