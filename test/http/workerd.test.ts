// Hono and withAuth fetch handlers inside workerd (the Workers runtime), bundled with the web build
// the way Wrangler would, and answered over a real socket on 127.0.0.1.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { build } from 'esbuild';
import { root } from '../harness/bundle.js';
import { COMPATIBILITY_DATE, startWorkerd, type Workerd } from '../harness/workerd-process.js';
import { describeAdapter } from './scenarios.js';

const out = join(root, 'build/workerd-http');

const config = (port: number) => `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "app", worker = .app) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "app") ],
);

const app :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  compatibilityFlags = ["no_nodejs_compat", "no_nodejs_compat_v2"],
);
`;

let workerd: Workerd | undefined;
const started = (async () => {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'dist/test/http/apps/worker.js')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    target: 'es2022',
    outfile: join(out, 'worker.js'),
    alias: { jwtkit: join(root, 'dist/src/index.js') },
    plugins: [
      {
        name: 'jwtkit-self',
        setup(build) {
          const entries: Record<string, string> = {
            'jwtkit/http': 'http/index.js',
            'jwtkit/hono': 'http/adapters/hono.js',
            'jwtkit/issuer': 'issuer/index.js',
            'jwtkit/stores': 'stores/index.js',
          };
          build.onResolve({ filter: /^jwtkit\/(http|hono|issuer|stores)$/ }, (args) => ({
            path: join(root, 'dist/src', entries[args.path] as string),
          }));
        },
      },
    ],
    logLevel: 'warning',
  });
  workerd = await startWorkerd(out, 'http', config);
  return workerd.url;
})();
// Settled before the suites' own hooks, so a start failure shows once, here.
before(() => started.then(() => undefined));
after(() => workerd?.stop());

const inWorkerd = (prefix: string) => async () => ({ url: `${await started}/${prefix}`, close: async () => {} });
describeAdapter('Hono on workerd (jwtkit/hono)', 'json', inWorkerd('hono'));
describeAdapter('fetch handler on workerd (jwtkit/http withAuth)', 'json', inWorkerd('fetch'));
