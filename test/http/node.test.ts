// Every Node adapter against a real server of its framework (scenarios.ts lists the requests).
import { startExpress, startFastify, startFetch, startHono, startKoa, startNodeHTTP } from './apps/node.js';
import { describeAdapter } from './scenarios.js';

describeAdapter('Express 4 (jwtkit/express)', 'json', () => startExpress(4));
describeAdapter('Express 5 (jwtkit/express)', 'json', () => startExpress(5));
describeAdapter('Fastify 5 (jwtkit/fastify)', 'fastify', startFastify);
describeAdapter('Koa (jwtkit/koa)', 'text', startKoa);
describeAdapter('node:http (jwtkit/node-http)', 'json', startNodeHTTP);
describeAdapter('Hono on Node (jwtkit/hono)', 'json', startHono);
describeAdapter('fetch handler on Node (jwtkit/http withAuth)', 'json', startFetch);
