// `npm test`: lint, type-check and build, then the conformance and security suites on every runtime
// (Node, Deno, Bun) against both crypto backends, and the interop suite on Node. Each run writes
// JUnit XML to build/junit/; the summary counts the leaf test cases of all runs.
// Flags: --only <runtime>[,<runtime>] limits the matrix (for local work); CI runs everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only ? new Set(values.only.split(',')) : undefined;

const SUITES = ['dist/test/conformance', 'dist/test/security'];
const logs = join(root, 'build', 'test-logs');
const junit = join(root, 'build', 'junit');
mkdirSync(logs, { recursive: true });
mkdirSync(junit, { recursive: true });

function run(name, command, args, env = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      writeFileSync(join(logs, `${name.replace(/\W+/g, '-')}.log`), output);
      resolve({ name, code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Leaf test cases of a JUnit file: Deno also lists each describe() as a case; those are dropped. */
function countJUnit(file) {
  if (!existsSync(file)) return undefined;
  const xml = readFileSync(file, 'utf8');
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: /name="([^"]*)"/.exec(m[1])?.[1] ?? '',
    body: m[3] ?? '',
  }));
  const names = cases.map((c) => c.name);
  const leaves = cases.filter((c) => !names.some((other) => other.startsWith(`${c.name} &gt; `)));
  const failed = leaves.filter((c) => /<(failure|error)\b/.test(c.body)).length;
  const skipped = leaves.filter((c) => /<skipped\b/.test(c.body)).length;
  return { passed: leaves.length - failed - skipped, failed, skipped };
}

const matrix = [];
for (const backend of ['node', 'web']) {
  const env = { JWTKIT_BACKEND: backend };
  const file = (runtime) => join(junit, `${runtime}-${backend}.xml`);
  matrix.push({
    runtime: 'node',
    name: `node / ${backend} backend`,
    junit: file('node'),
    command: process.execPath,
    args: [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=junit',
      `--test-reporter-destination=${file('node')}`,
      ...SUITES,
      'dist/test/interop',
      'dist/test/node',
    ],
    env,
  });
  matrix.push({
    runtime: 'deno',
    name: `deno / ${backend} backend`,
    junit: file('deno'),
    command: bin('deno'),
    args: ['test', '-A', '--no-check', '--reporter=dot', `--junit-path=${file('deno')}`, ...SUITES],
    env,
  });
  matrix.push({
    runtime: 'bun',
    name: `bun / ${backend} backend`,
    junit: file('bun'),
    command: bin('bun'),
    args: [
      'test',
      '--timeout=60000',
      '--reporter=junit',
      `--reporter-outfile=${file('bun')}`,
      ...SUITES.map((suite) => `./${suite}`),
    ],
    env,
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let broken = false;

for (const [name, command, args] of [
  ['lint (biome)', bin('biome'), ['check', '.']],
  ['build (tsc)', bin('tsc'), ['-p', 'tsconfig.json']],
]) {
  const result = await run(name, command, args);
  console.log(`${result.code === 0 ? 'ok  ' : 'FAIL'} ${name} (${result.seconds.toFixed(1)} s)`);
  if (result.code !== 0) {
    console.log(result.output.slice(-6000));
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

const jobs = matrix.filter((job) => !only || only.has(job.runtime));
const pending = [...jobs];
async function worker() {
  for (let job = pending.shift(); job; job = pending.shift()) {
    if (job.command !== process.execPath && !existsSync(job.command)) {
      const message = `${job.runtime} is missing: it comes from npm as a devDependency; run npm install`;
      if (ci) {
        console.log(`FAIL ${job.name}: ${message}`);
        totals.failed++;
        broken = true;
      } else console.log(`SKIP ${job.name}: ${message}`);
      continue;
    }
    const result = await run(job.name, job.command, job.args, job.env);
    const counts = countJUnit(job.junit);
    const ok = result.code === 0 && counts !== undefined && counts.failed === 0 && counts.passed > 0;
    if (counts) {
      totals.passed += counts.passed;
      totals.failed += counts.failed;
      totals.skipped += counts.skipped;
    }
    if (!ok) broken = true;
    if (!ok && (!counts || counts.failed === 0)) totals.failed++;
    const summary = counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : 'no results';
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${job.name}: ${summary} (${result.seconds.toFixed(1)} s)`);
    if (!ok) console.log(result.output.slice(-12000));
    if (ci && counts && counts.skipped > 0) {
      console.log(`FAIL ${job.name}: ${counts.skipped} tests were skipped; with CI=true nothing may be skipped`);
      broken = true;
    }
  }
}
await Promise.all([worker(), worker()]);

console.log(`tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(broken ? 1 : 0);
