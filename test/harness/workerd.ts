/**
 * Runs the bundled suite under Cloudflare's workerd (the `workerd` npm package, binary inside),
 * once with the `nodejs_compat` flag and once without, through a config generated here. The
 * worker runs the suite when it is fetched and answers the results as JSON; the results go to
 * build/junit/workerd{,-nodejs-compat}.xml.
 *
 * Usage: node dist/test/harness/workerd.js [--only plain|nodejs_compat]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleSuite, root } from './bundle.js';
import { type RunOutcome, recordRun } from './junit.js';
import { COMPATIBILITY_DATE, fetchWithin, startWorkerd, type Workerd } from './workerd-process.js';

const out = join(root, 'build/workerd');
const junit = join(root, 'build/junit');
const SUITE_TIMEOUT = 15 * 60_000;

const MAIN = `import { runSuite } from './suite.js';
export default {
  async fetch(request) {
    // Whether Node's APIs are there is reported, so the harness can check each run is what it claims.
    const nodeCompat = typeof globalThis.process !== 'undefined';
    if (new URL(request.url).pathname !== '/run') return Response.json({ ready: true, nodeCompat });
    try {
      return Response.json({ nodeCompat, results: await runSuite() });
    } catch (error) {
      return Response.json({ nodeCompat, error: String((error && error.stack) || error) });
    }
  },
};
`;

/** The workerd config (Cap'n Proto text): one worker made of the two modules, one socket on loopback. */
function config(port: number, flags: readonly string[]): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "suite", worker = .suiteWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "suite") ],
);

const suiteWorker :Workerd.Worker = (
  modules = [
    (name = "main.js", esModule = embed "main.js"),
    (name = "suite.js", esModule = embed "suite.js"),
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  compatibilityFlags = [${flags.map((flag) => JSON.stringify(flag)).join(', ')}],
);
`;
}

async function runOnce(mode: 'plain' | 'nodejs_compat'): Promise<boolean> {
  // nodejs_compat is on by default from the 2026-08-04 compatibility date: the plain run turns it off.
  const flags = mode === 'nodejs_compat' ? ['nodejs_compat'] : ['no_nodejs_compat', 'no_nodejs_compat_v2'];
  const suite = mode === 'nodejs_compat' ? 'workerd-nodejs-compat' : 'workerd';
  const started = Date.now();
  let outcome: RunOutcome & { nodeCompat?: boolean } = {};
  let workerd: Workerd | undefined;
  try {
    workerd = await startWorkerd(out, mode, (port) => config(port, flags));
    const response = await fetchWithin(`${workerd.url}/run`, SUITE_TIMEOUT);
    const text = await response.text();
    try {
      outcome = JSON.parse(text);
    } catch {
      outcome = { error: `workerd answered ${response.status} with non-JSON: ${text.slice(0, 2000)}\n${workerd.log()}` };
    }
  } catch (error) {
    outcome = { error: String(error) };
  } finally {
    await workerd?.stop();
  }
  const problems =
    outcome.nodeCompat !== undefined && outcome.nodeCompat !== (mode === 'nodejs_compat')
      ? [`the worker ${outcome.nodeCompat ? 'has' : 'lacks'} Node's APIs, so this is not the ${mode} run`]
      : [];
  return recordRun(junit, suite, outcome, started, problems);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  mkdirSync(out, { recursive: true });
  mkdirSync(junit, { recursive: true });
  await bundleSuite(join(out, 'suite.js'));
  writeFileSync(join(out, 'main.js'), MAIN);
  let ok = true;
  for (const mode of ['plain', 'nodejs_compat'] as const) {
    if (values.only !== undefined && values.only !== mode) continue;
    ok = (await runOnce(mode)) && ok;
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
