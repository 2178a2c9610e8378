// The web-standard adapters and Oak on Deno's own server (run by `deno test`).
import { startDPoPOak } from './apps/dpop-oak.js';
import { dpopFetchApp, dpopHonoApp } from './apps/dpop-web.js';
import { startOak } from './apps/oak.js';
import { denoServe } from './apps/servers.js';
import { fetchApp, honoApp } from './apps/web.js';
import { describeDPoPAdapter } from './dpop-scenarios.js';
import { describeAdapter } from './scenarios.js';

describeAdapter('Hono on Deno.serve (jwtkit/hono)', 'json', async () => denoServe(honoApp().fetch));
describeAdapter('fetch handler on Deno.serve (jwtkit/http withAuth)', 'json', async () => denoServe(fetchApp()));
describeAdapter('Oak on Deno (jwtkit/oak)', 'json', startOak);

describeDPoPAdapter('Oak on Deno (jwtkit/oak)', 'json', startDPoPOak);
describeDPoPAdapter('Hono on Deno.serve (jwtkit/hono)', 'json', async () => denoServe(dpopHonoApp().fetch));
describeDPoPAdapter('fetch handler on Deno.serve (jwtkit/http withAuth)', 'json', async () => denoServe(dpopFetchApp()));

import './oak-log.js';
