// `npm run bench:cli`: how long the `jwtkit` command takes from start to exit (target: start-up
// under 150 ms, issue 8), beside `node -e 0`, the floor no Node program can go under. Each command
// runs 3 times to warm the file cache, then 20 times; the median wall time is reported.
// `--write` records the table in docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importKey, signJWT } from 'jwtkit';
import { recordSection } from './doc-section.js';

const RUNS = 20;
const BIN = join('dist', 'cli', 'jwtkit.js');
const dir = mkdtempSync(join(tmpdir(), 'jwtkit-bench-cli-'));
const secret = 'a benchmark secret of at least thirty-two bytes';
const keyFile = join(dir, 'secret.txt');
writeFileSync(keyFile, secret, { mode: 0o600 });
const token = await signJWT({ sub: 'ada', scope: 'read' }, await importKey(secret, { alg: 'HS256' }), { expiresIn: '15m' });

const COMMANDS: Array<[string, string[]]> = [
  ['node -e 0 (floor)', ['-e', '0']],
  ['jwtkit --version', [BIN, '--version']],
  ['jwtkit decode', [BIN, 'decode', token]],
  ['jwtkit verify (HS256)', [BIN, 'verify', token, '--key', keyFile]],
  ['jwtkit inspect (secret search included)', [BIN, 'inspect', token]],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const rows: Array<[string, number]> = [];
for (const [name, args] of COMMANDS) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = performance.now() - start;
    if (run.status !== 0 && run.status !== 3) throw new Error(`${name} exited ${run.status}: ${run.stderr}`);
    if (i >= 3) times.push(elapsed);
  }
  rows.push([name, median(times)]);
  console.log(`${name}: ${median(times).toFixed(0)} ms`);
}
rmSync(dir, { recursive: true, force: true });

const decode = rows.find(([name]) => name === 'jwtkit decode')?.[1] as number;
const verdict = `Start-up target (issue 8): \`jwtkit decode\` in ${decode.toFixed(0)} ms, ${decode < 150 ? 'under' : 'NOT under'} 150 ms.`;
console.log(verdict);
if (process.argv.includes('--write')) {
  recordSection('cli', 'CLI: start-up and run time (issue 8)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim()}, with \`npm run bench:cli -- --write\`:`,
    `wall time from spawn to exit, median of ${RUNS} runs after 3 warm-up runs.`,
    '',
    '| command | median |',
    '| --- | ---: |',
    ...rows.map(([name, ms]) => `| ${name} | ${ms.toFixed(0)} ms |`),
    '',
    verdict,
  ]);
}
