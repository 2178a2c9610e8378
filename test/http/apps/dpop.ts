// The DPoP test app on each Node adapter: the three routes of dpop-routes.ts under /v1, all methods.
import { createServer } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { authErrorHandler, type Request as ExpressRequest, jwtAuth as expressAuth } from 'jwtkit/express';
import fastifyJwtkit from 'jwtkit/fastify';
import type { AuthOptions, AuthResult } from 'jwtkit/http';
import { jwtAuth as koaAuth } from 'jwtkit/koa';
import { withAuth as nodeAuth } from 'jwtkit/node-http';
import Koa from 'koa';
import { DPOP_ROUTES, dpopAnswer } from './dpop-routes.js';
import { dpopFetchApp, dpopHonoApp } from './dpop-web.js';
import { listen, serveFetch } from './node.js';
import { pathOf, type Server } from './routes.js';

const routes = () => Object.entries(DPOP_ROUTES) as [string, AuthOptions][];

export function startDPoPExpress(version: 4 | 5): Promise<Server> {
  const express = (version === 4 ? express4 : express5) as typeof express5;
  const app = express();
  // A router mounted at /v1: the proof's htu names /v1/dpop while the router's req.url is /dpop
  // (req.originalUrl keeps the whole path).
  const router = express.Router();
  for (const [route, options] of routes())
    router.all(`/${route}`, expressAuth(options), (req: ExpressRequest, res) => res.json(dpopAnswer(req.auth)));
  app.use('/v1', router);
  app.use(authErrorHandler());
  return listen(createServer(app));
}

export async function startDPoPFastify(): Promise<Server> {
  const app = Fastify();
  await app.register(fastifyJwtkit, DPOP_ROUTES.dpop);
  for (const [route, options] of routes())
    app.all(`/v1/${route}`, { onRequest: app.jwtAuth(options) }, async (request) => dpopAnswer(request.auth));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: () => app.close() };
}

export function startDPoPKoa(): Promise<Server> {
  const app = new Koa();
  const guards = new Map(routes().map(([route, options]) => [`/v1/${route}`, koaAuth(options)]));
  app.use(async (ctx) => {
    const guard = guards.get(ctx.path);
    if (guard === undefined) return;
    await guard(ctx, async () => {
      ctx.body = dpopAnswer(ctx.state.auth as AuthResult | undefined);
    });
  });
  return listen(createServer(app.callback()));
}

export function startDPoPNodeHTTP(): Promise<Server> {
  const handlers = new Map(
    routes().map(([route, options]) => [
      `/v1/${route}`,
      nodeAuth((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(dpopAnswer(req.auth)));
      }, options),
    ]),
  );
  return listen(
    createServer((req, res) => {
      const handler = handlers.get(pathOf(req.url ?? '/'));
      if (handler === undefined) res.writeHead(404).end();
      else void handler(req, res);
    }),
  );
}

export const startDPoPHono = () => serveFetch(dpopHonoApp().fetch);
export const startDPoPFetch = () => serveFetch(dpopFetchApp());
