// The worker served by workerd in test/http/workerd.test.ts: /hono/* goes to the Hono app and
// /fetch/* to the withAuth fetch handlers, with the prefix taken off.
import { fetchApp, honoApp } from './web.js';

const apps: Record<string, (request: Request) => Response | Promise<Response>> = {
  hono: honoApp().fetch,
  fetch: fetchApp(),
};

export default {
  fetch(request: Request): Response | Promise<Response> {
    const url = new URL(request.url);
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const app = apps[prefix];
    if (app === undefined) return new Response('ready');
    url.pathname = `/${rest.join('/')}`;
    return app(new Request(url, request));
  },
};
