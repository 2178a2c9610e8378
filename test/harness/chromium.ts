/**
 * Runs the bundled suite in headless Chromium (Debian's `chromium`, driven by playwright-core), once
 * in a page and once in a module Web Worker, and writes build/junit/chromium-{page,worker}.xml.
 * The page is served from 127.0.0.1 (a secure context, so crypto.subtle exists) by a server that
 * answers only the four files it knows.
 *
 * Usage: node dist/test/harness/chromium.js [--only page|worker]
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM, launchChromium } from './browser.js';
import { bundleSuite, root } from './bundle.js';
import { type RunOutcome, recordRun } from './junit.js';

/** The whole suite in one browser context; generous, since CI has two slow cores. */
const TIMEOUT = 15 * 60_000;

const out = join(root, 'build/browser');
const junit = join(root, 'build/junit');

const RUN = `
  window.__jwtkit = (async () => {
    try {
      return { results: await runSuite() };
    } catch (error) {
      return { error: String(error && error.stack || error) };
    }
  })();`;

const FILES: Record<string, { type: string; body: () => string | Buffer }> = {
  '/page.html': {
    type: 'text/html',
    body: () => `<!doctype html><meta charset="utf-8"><title>jwtkit suite</title>
<script type="module">import { runSuite } from './suite.js';${RUN}</script>`,
  },
  '/worker.html': {
    type: 'text/html',
    body: () => `<!doctype html><meta charset="utf-8"><title>jwtkit suite in a worker</title>
<script type="module">
  window.__jwtkit = new Promise((resolve) => {
    const worker = new Worker('./worker.js', { type: 'module' });
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => resolve({ error: 'worker error: ' + event.message });
  });
</script>`,
  },
  '/worker.js': {
    type: 'text/javascript',
    body: () => `import { runSuite } from './suite.js';
runSuite().then((results) => postMessage({ results }), (error) => postMessage({ error: String(error && error.stack || error) }));`,
  },
  '/suite.js': { type: 'text/javascript', body: () => readFileSync(join(out, 'suite.js')) },
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package "chromium"`);
  mkdirSync(out, { recursive: true });
  mkdirSync(junit, { recursive: true });
  await bundleSuite(join(out, 'suite.js'));

  const server = createServer((request, response) => {
    const file = request.method === 'GET' ? FILES[new URL(request.url ?? '/', 'http://127.0.0.1').pathname] : undefined;
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const browser = await launchChromium();
  let ok = true;
  try {
    console.log(`chromium ${browser.version()}`);
    for (const mode of ['page', 'worker'] as const) {
      if (values.only !== undefined && values.only !== mode) continue;
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      // Nothing but the local server may be reached.
      await page.route('**/*', (route) =>
        new URL(route.request().url()).host === `127.0.0.1:${port}` ? route.continue() : route.abort('blockedbyclient'),
      );
      const started = Date.now();
      await page.goto(`http://127.0.0.1:${port}/${mode}.html`);
      const handle = await page.waitForFunction(() => (window as { __jwtkit?: unknown }).__jwtkit, null, { timeout: TIMEOUT });
      await handle.dispose();
      const outcome = (await page.evaluate(() => (window as { __jwtkit?: unknown }).__jwtkit)) as RunOutcome;
      const suite = `chromium-${mode}`;
      for (const problem of problems) console.log(problem);
      ok = recordRun(junit, suite, outcome, started) && ok;
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.exitCode = ok ? 0 : 1;
}

await main();
