// The README's speed figures, drawn from the headline Node run (docs/bench/node.json) by
// bench/report.ts --write: the "Why jwtkit" row and the table under "Speed". Kept apart from the
// report so that test/docs/readme-speed.test.ts can check that the README says what the stored run
// says. Each peer's figure is its fastest documented form; jose's and jsonwebtoken's documented
// usual forms stand beside it (bench/contenders.ts).
import type { BenchResult } from './jwt.js';
import { opsText, pairedRatio } from './measure.js';

/** jose with the HMAC secret as its jwtVerify and SignJWT docs show it: `new TextEncoder().encode(secret)`. */
export const JOSE_AS_DOCUMENTED = 'jose (Uint8Array, as its docs show)';
/** jsonwebtoken with the key as its README shows it: a string secret, a PEM Buffer (`fs.readFileSync`). */
export const JSONWEBTOKEN_AS_DOCUMENTED = 'jsonwebtoken (string/PEM, as its README shows)';

export type Figures = Record<string, number>;
export type Pick = (figures: Figures) => number;
interface Row {
  results: Figures;
  rounds?: Record<string, number[]>;
}

/** jwtkit's faster API: `.sync` where the backend is synchronous, else the async one. */
export const best: Pick = (r) => Math.max(r.jwtkit ?? 0, r['jwtkit (sync)'] || 0);
export const of =
  (name: string): Pick =>
  (r) =>
    r[name] ?? Number.NaN;

/**
 * ours / theirs on a row: the median of the ratios round by round where the run kept its rounds
 * (bench/measure.ts), else the ratio of the medians. NaN when either side is missing.
 */
export function rowRatio(row: Row, ours: Pick, theirs: Pick): number {
  const value = row.rounds ? pairedRatio(row.rounds, ours, theirs) : ours(row.results) / theirs(row.results);
  return Number.isFinite(value) && value > 0 ? value : Number.NaN;
}

/**
 * A run recorded before issue 32 handed jose its HMAC secret as a Uint8Array under the name "jose":
 * those figures are the documented form's, so they are filed under that name, and its HMAC rows have
 * no figure for jose's fastest form. Asymmetric rows already used jose's CryptoKeys, and jsonwebtoken
 * already had KeyObjects, so nothing else moves. Runs from issue 32 on are returned as they are.
 */
export function asOfIssue32<T extends BenchResult>(run: T): T {
  const hmacRows = (run.algs ?? []).filter((row) => row.alg.startsWith('HS'));
  if (hmacRows.length === 0 || hmacRows.some((row) => JOSE_AS_DOCUMENTED in row.results)) return run;
  const move = <R extends Row>(row: R): R => {
    if (!('jose' in row.results)) return row;
    const { jose, ...results } = row.results;
    const rounds = row.rounds && (({ jose: joseRounds, ...rest }) => ({ ...rest, [JOSE_AS_DOCUMENTED]: joseRounds }))(row.rounds);
    return { ...row, results: { ...results, [JOSE_AS_DOCUMENTED]: jose as number }, ...(rounds ? { rounds } : {}) };
  };
  return {
    ...run,
    algs: run.algs?.map((row) => (row.alg.startsWith('HS') ? move(row) : row)),
    payload: run.payload && { sign: run.payload.sign.map(move), verify: run.payload.verify.map(move) },
  };
}

/** "about 15x slower" for a peer that runs at 1/ratio of jwtkit's speed; rounded as a reader would say it. */
export function slowerText(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  if (ratio < 1 / 1.2) return `about ${roundAbout(1 / ratio)}x faster`;
  if (ratio < 1.2) return 'about as fast';
  return `about ${roundAbout(ratio)}x slower`;
}

/**
 * Halves below 3, whole numbers below 30 (18.3 and 21.2 stay apart, so the bracketed form's figure
 * says something), fives above.
 */
function roundAbout(value: number): string {
  if (value < 3) return String(Math.round(value * 2) / 2);
  if (value < 30) return String(Math.round(value));
  return String(Math.round(value / 5) * 5);
}

/** The README's "Why jwtkit" row: each peer's HS256 verification against jwtkit's matching API. */
export function whyRow(node: BenchResult): string {
  const row = asOfIssue32(node).algs?.find((r) => r.alg === 'HS256' && r.op === 'verify') ?? { results: {} };
  // jose is async only and meets jwtkit's async API; jsonwebtoken and fast-jwt are synchronous and
  // meet `.sync` (docs/benchmarks.md, "Which figures are compared").
  const jose = rowRatio(row, of('jwtkit'), of('jose'));
  const joseDocumented = rowRatio(row, of('jwtkit'), of(JOSE_AS_DOCUMENTED));
  const jsonwebtoken = rowRatio(row, of('jwtkit (sync)'), of('jsonwebtoken'));
  const jsonwebtokenDocumented = rowRatio(row, of('jwtkit (sync)'), of(JSONWEBTOKEN_AS_DOCUMENTED));
  const fast = rowRatio(row, of('jwtkit (sync)'), of('fast-jwt'));
  const beside = (fastest: number, documented: number, form: string) =>
    `${slowerText(fastest)}${Number.isFinite(documented) ? ` (${slowerText(documented)} ${form})` : ''}`;
  return `| HS256 verify on Node, against jwtkit ([Speed](#speed)) | 1x | ${beside(jose, joseDocumented, 'with a Uint8Array secret, as its docs show')} | ${beside(jsonwebtoken, jsonwebtokenDocumented, 'with a string secret, as its README shows')} | ${slowerText(fast)} |`;
}

/** The table under "Speed", between the bench:headline markers. */
export function headlineBlock(node: BenchResult): string {
  const run = asOfIssue32(node);
  const results = (alg: string, op: string) => run.algs?.find((r) => r.alg === alg && r.op === op)?.results ?? {};
  const verify = results('HS256', 'verify');
  const sign = results('HS256', 'sign');
  const hit = run.cache?.find((c) => c.alg === 'HS256')?.results ?? {};
  const withDocumented = (r: Figures, fastest: string, documented: string, form: string) =>
    `${opsText(r[fastest])}${r[documented] === undefined ? '' : ` (${opsText(r[documented])} ${form})`}`;
  const peers = (r: Figures) =>
    `${opsText(r['fast-jwt'])} | ${withDocumented(r, 'jsonwebtoken', JSONWEBTOKEN_AS_DOCUMENTED, 'string secret')} | ${withDocumented(r, 'jose', JOSE_AS_DOCUMENTED, 'Uint8Array secret')}`;
  return [
    '<!-- bench:headline:start -->',
    `On Node ${run.version} (${run.machine}), HS256, one process ([docs/benchmarks.md](docs/benchmarks.md), \`npm run bench\`${run.quick ? ', quick mode' : ''}). Each library gets its fastest documented key form; in brackets, the form its own docs show (jsonwebtoken: a string secret; jose: \`new TextEncoder().encode(secret)\`):`,
    '',
    `| | jwtkit | fast-jwt | jsonwebtoken | jose | node:crypto floor |`,
    `| --- | ---: | ---: | ---: | ---: | ---: |`,
    `| verify (ops/s) | ${opsText(verify['jwtkit (sync)'])} sync, ${opsText(verify.jwtkit)} async | ${peers(verify)} | ${opsText(verify['node:crypto floor'])} |`,
    `| sign (ops/s) | ${opsText(sign['jwtkit (sync)'])} sync, ${opsText(sign.jwtkit)} async | ${peers(sign)} | ${opsText(sign['node:crypto floor'])} |`,
    `| verify, cache hit | ${opsText(hit['jwtkit sync (cache hit)'])} sync, ${opsText(hit['jwtkit (cache hit)'])} async | ${opsText(hit['fast-jwt (cache hit)'])} | | | |`,
    '<!-- bench:headline:end -->',
  ].join('\n');
}

const WHY_ROW = /^\| HS256 verify on Node, against jwtkit .*\|$/m;

/** The README with both speed parts redrawn from the headline run. */
export function readmeWithFigures(readme: string, node: BenchResult): string {
  if (!WHY_ROW.test(readme)) throw new Error('README.md: the "HS256 verify on Node, against jwtkit" row is missing');
  return readme
    .replace(WHY_ROW, () => whyRow(node))
    .replace(/<!-- bench:headline:start -->[\s\S]*<!-- bench:headline:end -->/, () => headlineBlock(node));
}
