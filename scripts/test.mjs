// `npm test`: lint, type-check and build, then the conformance and security suites on every runtime
// (Node, Deno, Bun against both crypto backends; headless Chromium in a page and a Web Worker;
// workerd with and without nodejs_compat), the interop and white-box suites on Node. Each run
// writes JUnit XML to build/junit/; the summary counts the leaf test cases of all runs, and a full
// matrix regenerates the README support table from them (with CI=true: checks it is in sync).
// A runtime that needs a system package is skipped, naming the package, outside CI; with CI=true
// it fails. Flags: --only <runtime>[,<runtime>] limits the matrix (for local work); `node` is every
// Node line, `node24` one of them.
//
// The Node jobs run on the machine's Node and on each line of scripts/node-lines.mjs (22, 24, 26),
// whose binaries the tooling installs from the npm registry into a cache outside the repository.
// Deno, Bun, Chromium and workerd run once, and so do the Node tests of tooling rather than of the
// runtime (docs, packaging, bundle size, the debugger page): see NODE_ONCE.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureNodeLine, major, NODE_LINES, nodeBinary } from './node-lines.mjs';
import { syncReadme } from './support-table.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only ? new Set(values.only.split(',')) : undefined;

const SUITES = ['dist/test/conformance', 'dist/test/security'];

/**
 * The test files under `paths` (folders or files). Node 22 and 24 refuse a folder argument to
 * `node --test` (20 and 26 search it), so the Node jobs name every file.
 */
function testFiles(...paths) {
  return paths.flatMap((path) => {
    if (path.endsWith('.js')) return [path];
    return readdirSync(join(root, path), { recursive: true })
      .filter((file) => file.endsWith('.test.js'))
      .sort()
      .map((file) => `${path}/${file}`);
  });
}

// Tests of the tooling around the library, not of the runtime it runs on: they give the same answer
// on every Node line, so they run on the machine's Node only (docs, packaging, bundle size, the web
// build's imports, the debugger page in Chromium, and the servers of other runtimes).
const NODE_ONCE = [
  'dist/test/docs',
  'dist/test/ui',
  'dist/test/http/workerd.test.js',
  'dist/test/node/bundle-size.test.js',
  'dist/test/node/web-build.test.js',
  'dist/test/node/security-doc.test.js',
  'dist/test/node/http-examples.test.js',
];

// The machine's Node, then every line it is not: a contributor on Node 24 runs 24 from PATH and 22
// and 26 from the cache.
const machineMajor = major(process.versions.node);
const nodeLines = [
  { version: process.versions.node, binary: process.execPath, machine: true },
  ...NODE_LINES.filter((version) => major(version) !== machineMajor).map((version) => ({
    version,
    binary: nodeBinary(version),
    machine: false,
  })),
];
const logs = join(root, 'build', 'test-logs');
const junit = join(root, 'build', 'junit');
mkdirSync(logs, { recursive: true });
mkdirSync(junit, { recursive: true });

// A job that runs this long has hung (the longest takes under two minutes here): it is killed and
// fails, rather than holding CI until its own limit. A test blocked in native code cannot be
// stopped by the runners' per-test timeouts, which need its event loop.
const JOB_TIMEOUT_MS = 15 * 60_000;
/** Per test in the Node jobs: the slowest leaf test takes under 10 s on this machine. */
const TEST_TIMEOUT_MS = 120_000;

function run(name, command, args, env = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let finished = false;
    const finish = (code) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      writeFileSync(join(logs, `${name.replace(/\W+/g, '-')}.log`), output);
      resolve({ name, code, output, seconds: (Date.now() - started) / 1000 });
    };
    // Resolved at once, not on 'close': a process the child started may still hold its pipes.
    const timer = setTimeout(() => {
      output += `\n${name}: killed after ${JOB_TIMEOUT_MS / 60_000} minutes (hung?)\n`;
      child.kill('SIGKILL');
      finish(124);
    }, JOB_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => finish(code));
  });
}

/** Leaf test cases of a JUnit file: Deno also lists each describe() as a case; those are dropped. */
function countJUnit(file) {
  if (!existsSync(file)) return undefined;
  const xml = readFileSync(file, 'utf8');
  // Attributes are read quote by quote: Node 20 leaves '>' in a test name unescaped ("a -> b").
  const cases = [...xml.matchAll(/<testcase\b((?:"[^"]*"|[^>"/])*)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: /name="([^"]*)"/.exec(m[1])?.[1] ?? '',
    body: m[3] ?? '',
  }));
  const names = cases.map((c) => c.name);
  const leaves = cases.filter((c) => !names.some((other) => other.startsWith(`${c.name} &gt; `)));
  const failed = leaves.filter((c) => /<(failure|error)\b/.test(c.body)).length;
  const skipped = leaves.filter((c) => /<skipped\b/.test(c.body)).length;
  return { passed: leaves.length - failed - skipped, failed, skipped };
}

// Debian's chromium; CHROMIUM_PATH points elsewhere (the harness reads it too).
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WORKERD = join(root, 'node_modules', 'workerd', 'bin', 'workerd');
const npmPackage = (name) => `${name} is missing: it comes from npm as a devDependency; run npm install`;

const matrix = [];
// The two harness jobs first: each runs two configurations in one process.
matrix.push({
  runtime: 'chromium',
  name: 'chromium / page and Web Worker',
  junit: [join(junit, 'chromium-page.xml'), join(junit, 'chromium-worker.xml')],
  command: process.execPath,
  args: ['dist/test/harness/chromium.js'],
  requires: {
    path: CHROMIUM,
    missing: `${CHROMIUM} is missing: install the Debian package "chromium" (apt-get install -y chromium)`,
  },
});
matrix.push({
  runtime: 'workerd',
  name: 'workerd / with and without nodejs_compat',
  junit: [join(junit, 'workerd.xml'), join(junit, 'workerd-nodejs-compat.xml')],
  command: process.execPath,
  args: ['dist/test/harness/workerd.js'],
  requires: { path: WORKERD, missing: npmPackage('workerd') },
});
// The HTTP adapters against real servers: once per runtime (they are thin over the core, which the
// conformance suite runs against both backends).
const HTTP = {
  node: ['dist/test/http/node.test.js', 'dist/test/http/dpop.test.js', 'dist/test/http/workerd.test.js'],
  deno: ['dist/test/http/deno.test.js'],
  bun: ['./dist/test/http/bun.test.js'],
};
for (const backend of ['node', 'web']) {
  const env = { JWTKIT_BACKEND: backend };
  const http = (runtime) => (backend === 'node' ? HTTP[runtime] : []);
  // The CLI is a Node program that picks its own backend, so it runs once per line, in the
  // node-backend job; so does the debugger page, which `jwtkit ui` serves and which always runs the
  // web build, and the jsonwebtoken compat layer, synchronous like jsonwebtoken and so served by
  // node:crypto only. The code blocks of the docs are type-checked there too (test/docs).
  const cli = backend === 'node' ? ['dist/test/cli', 'dist/test/ui', 'dist/test/compat', 'dist/test/docs'] : [];
  // The @cross/jwt layer is asynchronous and WebCrypto-based like @cross/jwt: it runs everywhere
  // (the node-backend job has it already, with the rest of test/compat).
  const crossJwt = 'dist/test/compat/cross-jwt.test.js';
  const file = (runtime) => join(junit, `${runtime}-${backend}.xml`);
  // Listed when the job starts: dist/ is built after the matrix is laid out.
  const nodeFiles = () =>
    testFiles(
      ...SUITES,
      'dist/test/interop',
      'dist/test/node',
      ...cli,
      ...(backend === 'node' ? [] : [crossJwt]),
      ...http('node'),
    );
  for (const line of nodeLines) {
    const report = file(`node${major(line.version)}`);
    matrix.push({
      runtime: 'node',
      line: `node${major(line.version)}`,
      name: `node ${line.version}${line.machine ? ' (this machine)' : ''} / ${backend} backend`,
      junit: [report],
      command: line.binary,
      install: line.machine ? undefined : line.version,
      args: () => {
        const once = new Set(testFiles(...NODE_ONCE));
        return [
          '--test',
          // No test takes more than seconds; one whose promise never settles then fails with its
          // name instead of the whole job being killed without one at JOB_TIMEOUT_MS. (The hang seen
          // twice after the benchmark-contenders file on Node 20 is not of that kind: a native
          // deadlock in Node 20's node:crypto, an RSA key's JWK export running a garbage collection
          // whose RSA key-generation job destructor takes the same mutex; only the job limit ends it.)
          `--test-timeout=${TEST_TIMEOUT_MS}`,
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          '--test-reporter=junit',
          `--test-reporter-destination=${report}`,
          ...nodeFiles().filter((test) => line.machine || !once.has(test)),
        ];
      },
      env,
    });
  }
  matrix.push({
    runtime: 'deno',
    name: `deno / ${backend} backend`,
    junit: [file('deno')],
    command: bin('deno'),
    requires: { path: bin('deno'), missing: npmPackage('deno') },
    args: ['test', '-A', '--no-check', '--reporter=dot', `--junit-path=${file('deno')}`, ...SUITES, crossJwt, ...http('deno')],
    env,
  });
  matrix.push({
    runtime: 'bun',
    name: `bun / ${backend} backend`,
    junit: [file('bun')],
    command: bin('bun'),
    requires: { path: bin('bun'), missing: npmPackage('bun') },
    args: [
      'test',
      '--timeout=60000',
      '--reporter=junit',
      `--reporter-outfile=${file('bun')}`,
      ...[...SUITES, crossJwt].map((suite) => `./${suite}`),
      ...http('bun'),
    ],
    env,
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let broken = false;

for (const [name, command, args] of [
  ['lint (biome)', bin('biome'), ['check', '.']],
  ['build (tsc)', bin('tsc'), ['-p', 'tsconfig.json']],
  ['build (cli bundle)', process.execPath, [join(root, 'scripts', 'build-cli.mjs')]],
  ['build (debugger page)', process.execPath, [join(root, 'scripts', 'build-ui.mjs')]],
]) {
  const result = await run(name, command, args);
  console.log(`${result.code === 0 ? 'ok  ' : 'FAIL'} ${name} (${result.seconds.toFixed(1)} s)`);
  if (result.code !== 0) {
    console.log(result.output.slice(-6000));
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

const jobs = matrix.filter((job) => !only || only.has(job.runtime) || (job.line && only.has(job.line)));

// The Node lines are installed before any job starts, one at a time (two npm installs into one cache
// would race). With CI=true a line that cannot be installed fails the run; outside CI its jobs are
// skipped, naming the command that installs it.
const installs = new Map();
for (const version of new Set(jobs.map((job) => job.install).filter(Boolean))) {
  const started = Date.now();
  const result = await ensureNodeLine(version);
  installs.set(version, result);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.ok && result.installed) console.log(`ok   install node ${version} from the npm registry (${seconds} s)`);
  if (!result.ok) console.log(`${ci ? 'FAIL' : 'SKIP'} install node ${version}: ${result.message}`);
}
const pending = [...jobs];
/** Sums the leaf counts of several JUnit files; undefined when any is missing. */
function countAll(files) {
  const counts = files.map(countJUnit);
  if (counts.some((count) => count === undefined)) return undefined;
  return counts.reduce((sum, count) => ({
    passed: sum.passed + count.passed,
    failed: sum.failed + count.failed,
    skipped: sum.skipped + count.skipped,
  }));
}

let skippedJobs = 0;
async function worker() {
  for (let job = pending.shift(); job; job = pending.shift()) {
    const install = job.install && installs.get(job.install);
    if (install && !install.ok) {
      if (ci) {
        console.log(`FAIL ${job.name}: not installed`);
        totals.failed++;
        broken = true;
      } else {
        console.log(`SKIP ${job.name}: Node ${job.install} is not installed; ${install.message.split('; ').at(-1)}`);
        skippedJobs++;
      }
      continue;
    }
    if (job.requires && !existsSync(job.requires.path)) {
      if (ci) {
        console.log(`FAIL ${job.name}: ${job.requires.missing}`);
        totals.failed++;
        broken = true;
      } else {
        console.log(`SKIP ${job.name}: ${job.requires.missing}`);
        skippedJobs++;
      }
      continue;
    }
    for (const file of job.junit) rmSync(file, { force: true });
    const args = typeof job.args === 'function' ? job.args() : job.args;
    const result = await run(job.name, job.command, args, job.env);
    const counts = countAll(job.junit);
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

// The README support table is regenerated only from a complete, passing matrix.
if (!only && !broken && skippedJobs === 0) {
  const { ok, message } = syncReadme({ check: ci, nodeMajors: nodeLines.map((line) => major(line.version)) });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) {
    broken = true;
    totals.failed++;
  }
}

const skippedNote = skippedJobs ? ` (${skippedJobs} run${skippedJobs > 1 ? 's' : ''} SKIPPED: see the SKIP lines above)` : '';
console.log(
  `tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}${skippedNote}`,
);
process.exit(broken ? 1 : 0);
