// DPoP on every Node adapter against a real server of its framework (dpop-scenarios.ts lists the requests).
import {
  startDPoPExpress,
  startDPoPFastify,
  startDPoPFetch,
  startDPoPHono,
  startDPoPKoa,
  startDPoPNodeHTTP,
} from './apps/dpop.js';
import { describeDPoPAdapter } from './dpop-scenarios.js';

describeDPoPAdapter('Express 4 (jwtkit/express, mounted router)', 'json', () => startDPoPExpress(4));
describeDPoPAdapter('Express 5 (jwtkit/express, mounted router)', 'json', () => startDPoPExpress(5));
describeDPoPAdapter('Fastify 5 (jwtkit/fastify)', 'fastify', startDPoPFastify);
describeDPoPAdapter('Koa (jwtkit/koa)', 'text', startDPoPKoa);
describeDPoPAdapter('node:http (jwtkit/node-http)', 'json', startDPoPNodeHTTP);
describeDPoPAdapter('Hono on Node (jwtkit/hono)', 'json', startDPoPHono);
describeDPoPAdapter('fetch handler on Node (jwtkit/http withAuth)', 'json', startDPoPFetch);
