// `npm run bench`: bench/jwt.ts on Node (every section), then on Deno and Bun (the sign/verify
// table), in that order and never in parallel (2 cores: a second run would skew the first), then
// bench/report.ts prints the tables and the target check. `--write` also updates docs/benchmarks.md,
// docs/benchmarks.svg, docs/bench/*.json and the README headline. `--quick` for a fast, rough
// pass; `--only node,deno` to pick runtimes. `--rules` (bench/rules.ts: what each parsing and
// validation rule costs) and `--backends` (bench/backends.ts) run that benchmark on each runtime
// instead (`npm run bench:rules`, `npm run bench:backends`). `--amplification` (bench/amplification.ts:
// the worst 1 MiB JSON JWS and JWE under the caps) likewise; the full run ends with it on Node,
// then with bench/http-cpu.ts, bench/memory.ts and bench/bundles.ts on the headline Node (issue 32).
//
// Node runs on every supported line (scripts/node-lines.mjs): the current LTS, Node 24, is the
// headline and runs every section (build/bench/node.json); the other lines (22, 26 and the
// machine's own) run the sign/verify table with the same targets (build/bench/node-<major>.json).
// A line that cannot be installed is skipped with the command that installs it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeLine, major, NODE_LINES } from './node-lines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : ['node', 'deno', 'bun'];
const quick = args.includes('--quick') ? ['--quick'] : [];
const out = join(root, 'build', 'bench');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs a compiled bench script on one runtime (with the GC exposed where it must be asked for); exits on failure. */
function runOn(runtime, script, scriptArgs, node = process.execPath) {
  const path = join(root, 'dist', 'bench', script);
  const commands = {
    node: [node, ['--expose-gc', path]],
    deno: [bin('deno'), ['run', '-A', '--v8-flags=--expose-gc', path]],
    bun: [bin('bun'), [path]],
  };
  const [command, base] = commands[runtime] ?? [];
  if (command === undefined) throw new Error(`unknown runtime ${runtime}`);
  const run = spawnSync(command, [...base, ...scriptArgs], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

// Benchmarks that record their own tables in docs/benchmarks.md, run on each runtime in turn with
// `--write` passed to every run.
const SINGLE = { '--rules': 'rules.js', '--backends': 'backends.js', '--amplification': 'amplification.js' };
const single = Object.keys(SINGLE).find((flag) => args.includes(flag));
if (single !== undefined) {
  for (const runtime of only) runOn(runtime, SINGLE[single], args.includes('--write') ? ['--write'] : []);
  process.exit(0);
}

/** The Node binary of each line, the headline (24, the current LTS) first; the machine's serves its own line. */
async function nodeLines() {
  const HEADLINE = '24';
  const machine = major(process.versions.node);
  const lines = [{ major: machine, binary: process.execPath, version: process.versions.node }];
  for (const version of NODE_LINES) {
    if (major(version) === machine) continue;
    const installed = await ensureNodeLine(version);
    if (installed.ok) lines.push({ major: major(version), binary: installed.binary, version });
    else console.error(`SKIP node ${version}: ${installed.message}`);
  }
  const headline = lines.find((line) => line.major === HEADLINE);
  if (headline === undefined) console.error(`SKIP the Node ${HEADLINE} headline: the machine's Node leads instead`);
  const first = headline ?? lines[0];
  return [first, ...lines.filter((line) => line !== first)];
}

let headline = process.execPath;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const runtime of only) {
  if (runtime === 'node') {
    for (const [index, line] of (await nodeLines()).entries()) {
      console.error(`\n== node ${line.version}${index === 0 ? ' (headline)' : ''} ==`);
      // The headline line runs every section; the others the sign/verify table, for the same targets.
      const sections = index === 0 ? [] : ['--sections', 'algs'];
      const file = index === 0 ? 'node.json' : `node-${line.major}.json`;
      if (index === 0) headline = line.binary;
      runOn('node', 'jwt.js', [...sections, ...quick, '--out', join(out, file)], line.binary);
    }
    continue;
  }
  console.error(`\n== ${runtime} ==`);
  // Deno and Bun run the sign/verify table only.
  runOn(runtime, 'jwt.js', ['--sections', 'algs', ...quick, '--out', join(out, `${runtime}.json`)]);
}
const report = spawnSync(
  process.execPath,
  [join(root, 'dist', 'bench', 'report.js'), '--from', out, ...(args.includes('--write') ? ['--write'] : [])],
  { cwd: root, stdio: 'inherit' },
);
if (report.status !== 0) process.exit(report.status ?? 1);
if (only.includes('node')) {
  runOn('node', 'amplification.js', args.includes('--write') ? ['--write'] : []);
  // Issue 32: the server's CPU time per request (bench/http-cpu.ts) and memory across a million
  // verifications (bench/memory.ts), on the headline Node; each records its own section.
  // And the browser bundles against jose (bench/bundles.ts: sizes, not timings).
  for (const script of ['http-cpu.js', 'memory.js', 'bundles.js']) {
    console.error(`\n== ${script} (node headline) ==`);
    runOn('node', script, [...quick, ...(args.includes('--write') ? ['--write'] : [])], headline);
  }
}
