// `npm run bench:rules`: what each parsing and validation rule costs an HS256 verification, on the
// runtime that runs it (scripts/bench.mjs --rules runs it on Node, Deno and Bun). HS256 on node:crypto,
// because its crypto is the cheapest and a rule's cost shows most there. Each row is the node:crypto
// floor of bench/contenders.ts with one of jwtkit's rules put in, using jwtkit's own code for that
// rule; the last row is jwtkit's verifier, with all of them. Figures are ratios to the floor, taken
// round by round (bench/measure.ts), and each rule's cost is taken against the same code without any
// rule. `--write` records the table in docs/benchmarks.md.

import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createSigner, createVerifier, importKey } from 'jwtkit';
import { decodeBase64url } from '../src/encoding/base64url.js';
import { equalInConstantTime } from '../src/encoding/constant-time.js';
import { createHeaderReader, parseJSONBytes, splitCompact } from '../src/jws/compact.js';
import { headerRules } from '../src/jws/header.js';
import { checkHeaderAlgorithm } from '../src/jws/key-source.js';
import { checkClaims, compileClaimPolicy } from '../src/jwt/claims.js';
import { BENCH_CLAIMS, BENCH_SECRET, benchKeys, nodeFloor } from './contenders.js';
import { compareRounds, opsText, pairedRatio, RUNTIME, ratioText } from './measure.js';

const keys = benchKeys('HS256');
const key = await importKey(BENCH_SECRET, { alg: 'HS256' });
const token = createSigner({ key, expiresIn: '1h' }).sync(BENCH_CLAIMS);
const verifier = createVerifier({ key, algorithms: ['HS256'] });
const malformed = (message: string) => new Error(message);
const readHeader = createHeaderReader(headerRules(undefined, false), malformed, 32);
const allowed = new Set(['HS256']);
const policy = compileClaimPolicy({});
const lenient = new TextDecoder();

type Rule = 'none' | 'split' | 'header' | 'base64url' | 'json' | 'claims';

/** The floor's verification with one rule done jwtkit's way instead of the floor's. */
function withRule(rule: Rule): (token: string) => unknown {
  return (input) => {
    const dot = input.lastIndexOf('.');
    const first = input.indexOf('.');
    const signingInput = input.slice(0, dot);
    const signatureSegment = input.slice(dot + 1);
    let payloadSegment = signingInput.slice(first + 1);
    let header = {};
    if (rule === 'split') payloadSegment = splitCompact(input, 8192, malformed).payloadSegment;
    if (rule === 'header') {
      const parsed = readHeader(input.slice(0, first));
      checkHeaderAlgorithm(parsed.alg, allowed);
      header = parsed.header;
    }
    const hmac = createHmac('sha256', keys.verifyingObject).update(signingInput);
    // jwtkit compares the MAC's canonical text with the segment: equal means canonical too.
    const ok =
      rule === 'base64url'
        ? signatureSegment.length === 43 && equalInConstantTime(hmac.digest('base64url'), signatureSegment)
        : timingSafeEqual(hmac.digest(), Buffer.from(signatureSegment, 'base64url'));
    if (!ok) throw new Error('bad signature');
    const bytes = rule === 'base64url' ? decodeBase64url(payloadSegment) : Buffer.from(payloadSegment, 'base64url');
    if (bytes === undefined) throw malformed('payload');
    // The json row decodes the bytes jwtkit's way only (fatal UTF-8 is part of the rule); the others
    // the floor's way. jwtkit's decoder gives a plain Uint8Array on Bun (Uint8Array.fromBase64).
    const payload =
      rule === 'json'
        ? parseJSONBytes(bytes, 'payload', malformed)
        : JSON.parse(Buffer.isBuffer(bytes) ? bytes.toString('utf8') : lenient.decode(bytes));
    if (rule === 'claims') checkClaims(payload, header, policy);
    else if (payload.exp <= Date.now() / 1000) throw new Error('expired');
    return payload;
  };
}

const ROWS: Array<[string, string, (token: string) => unknown]> = [
  ['base64url', 'strict base64url: the MAC compared as canonical text, the payload decoded canonically', withRule('base64url')],
  ['json', 'strict JSON: fatal UTF-8, duplicate members refused, __proto__ kept as data, depth cap', withRule('json')],
  ['claims', 'claims: exp, nbf, iat as finite numbers, iss/sub/jti/aud types', withRule('claims')],
  ['header', 'header: parsed, checked and cached; algorithm policy', withRule('header')],
  ['split', 'exactly three segments, size cap', withRule('split')],
];
const floor = nodeFloor(keys, BENCH_CLAIMS);
const fns: Record<string, () => unknown> = { floor: () => floor.verify?.(token) };
const bare = withRule('none');
fns.none = () => bare(token);
for (const [name, , fn] of ROWS) fns[name] = () => fn(token);
fns.jwtkit = () => verifier.sync(token);
// Short turns, as for the sign/verify table (bench/jwt.ts).
const { ops, rounds } = await compareRounds(fns, { rounds: 66, turnMs: 25 });

const of = (name: string) => (round: Record<string, number>) => round[name] ?? Number.NaN;
const relative = (name: string, base: string) => ratioText(pairedRatio(rounds, of(name), of(base)));
// A rule's cost is taken against the rule rows' own shape without any rule (`none`): the floor's
// verification written as withRule writes it (on Bun that shape alone runs 5-8% below the floor).
// jwtkit's own verifier is set against the floor.
const cost = (name: string, base = 'none') => {
  const share = pairedRatio(rounds, of(name), of(base));
  return Number.isFinite(share) ? `${Math.round((1 - share) * 100)}%` : 'n/a';
};
const lines = [
  '| verification | ops/s | relative to the floor | cost of the rule |',
  '| --- | ---: | ---: | ---: |',
  `| node:crypto floor (none of the rules) | ${opsText(ops.floor)} | 1.00x | |`,
  `| the same, written as the rows below are, with no rule | ${opsText(ops.none)} | ${relative('none', 'floor')} | (baseline) |`,
  ...ROWS.map(([name, label]) => `| + ${label} | ${opsText(ops[name])} | ${relative(name, 'floor')} | ${cost(name)} |`),
  `| jwtkit (sync), every rule | ${opsText(ops.jwtkit)} | ${relative('jwtkit', 'floor')} | ${cost('jwtkit', 'floor')} (against the floor) |`,
];
const table = lines.join('\n');
const runtime = RUNTIME.name;
console.log(`\nrules on ${runtime}\n\n${table}`);

if (RUNTIME.argv.includes('--write')) {
  const file = new URL('../../docs/benchmarks.md', import.meta.url);
  const marker = `bench:rules:${runtime}`;
  const block = `<!-- ${marker}:start -->\n${runtime} ${RUNTIME.version} (${new Date().toISOString().slice(0, 10)}):\n\n${table}\n<!-- ${marker}:end -->`;
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(new RegExp(`<!-- ${marker}:start -->[\\s\\S]*<!-- ${marker}:end -->`), block));
}
