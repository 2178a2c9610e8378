// The web-standard adapters on Bun's own server (run by `bun test`).
import { dpopFetchApp, dpopHonoApp } from './apps/dpop-web.js';
import { bunServe } from './apps/servers.js';
import { fetchApp, honoApp } from './apps/web.js';
import { describeDPoPAdapter } from './dpop-scenarios.js';
import { describeAdapter } from './scenarios.js';

describeAdapter('Hono on Bun.serve (jwtkit/hono)', 'json', async () => bunServe(honoApp().fetch));
describeAdapter('fetch handler on Bun.serve (jwtkit/http withAuth)', 'json', async () => bunServe(fetchApp()));

describeDPoPAdapter('Hono on Bun.serve (jwtkit/hono)', 'json', async () => bunServe(dpopHonoApp().fetch));
describeDPoPAdapter('fetch handler on Bun.serve (jwtkit/http withAuth)', 'json', async () => bunServe(dpopFetchApp()));
