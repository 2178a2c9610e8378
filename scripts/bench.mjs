// `npm run bench`: bench/jwt.ts on Node (every section), then on Deno and Bun (the sign/verify
// table), in that order and never in parallel (2 cores: a second run would skew the first), then
// bench/report.ts prints the tables and the target check. `--write` also updates docs/benchmarks.md,
// docs/benchmarks.svg, docs/bench/*.json and the README headline. `--quick` for a fast, rough
// pass; `--only node,deno` to pick runtimes. `--rules` (bench/rules.ts: what each parsing and
// validation rule costs) and `--backends` (bench/backends.ts) run that benchmark on each runtime
// instead (`npm run bench:rules`, `npm run bench:backends`). `--amplification` (bench/amplification.ts:
// the worst 1 MiB JSON JWS and JWE under the caps) likewise; the full run ends with it on Node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : ['node', 'deno', 'bun'];
const quick = args.includes('--quick') ? ['--quick'] : [];
const out = join(root, 'build', 'bench');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs a compiled bench script on one runtime (with the GC exposed where it must be asked for); exits on failure. */
function runOn(runtime, script, scriptArgs) {
  const path = join(root, 'dist', 'bench', script);
  const commands = {
    node: [process.execPath, ['--expose-gc', path]],
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

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const runtime of only) {
  console.error(`\n== ${runtime} ==`);
  // Deno and Bun run the sign/verify table only; Node runs every section.
  const sections = runtime === 'node' ? [] : ['--sections', 'algs'];
  runOn(runtime, 'jwt.js', [...sections, ...quick, '--out', join(out, `${runtime}.json`)]);
}
const report = spawnSync(
  process.execPath,
  [join(root, 'dist', 'bench', 'report.js'), '--from', out, ...(args.includes('--write') ? ['--write'] : [])],
  { cwd: root, stdio: 'inherit' },
);
if (report.status !== 0) process.exit(report.status ?? 1);
if (only.includes('node')) runOn('node', 'amplification.js', args.includes('--write') ? ['--write'] : []);
