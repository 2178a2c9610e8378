// The speed claims of README.md and docs/benchmarks.md are drawn from the stored runs
// (docs/bench/*.json) by bench/report.ts; nobody types a figure (issue 32). This fails when a figure
// is edited by hand, or a run is stored without redrawing the text, and it checks the rounding and
// the reading of runs made before issue 32 that the README's "about Nx slower" rests on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { asOfIssue32, headlineBlock, JOSE_AS_DOCUMENTED, readmeWithFigures, slowerText, whyRow } from '../../bench/headline.js';
import type { AlgRow, BenchResult } from '../../bench/jwt.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const node = JSON.parse(read('docs/bench/node.json')) as BenchResult;

/** The number in "about 15x slower", or NaN. */
const aboutNumber = (text: string) => Number(/about ([\d.]+)x/.exec(text)?.[1] ?? Number.NaN);

describe('speed figures in the README and docs/benchmarks.md', () => {
  it("README.md's speed row and table are what bench/report.ts draws from docs/bench/node.json", () => {
    const readme = read('README.md');
    assert.equal(readmeWithFigures(readme, node), readme);
    assert.ok(readme.includes(whyRow(node)));
    assert.ok(readme.includes(headlineBlock(node)));
  });

  it('the README row gives jose its fastest form first and its documented Uint8Array form beside it', () => {
    const row = whyRow(node);
    const joseCell = row.split(' | ')[2] ?? '';
    assert.match(joseCell, /^about [\d.]+x slower \(about [\d.]+x slower with a Uint8Array secret, as its docs show\)$/);
    const [fastest, documented] = [...joseCell.matchAll(/about ([\d.]+)x/g)].map((m) => Number(m[1]));
    // The documented form re-imports the secret on every call: never faster than the fastest form.
    assert.ok((fastest as number) <= (documented as number), joseCell);
  });

  it("docs/benchmarks.md's report is what bench/report.ts draws from docs/bench/*.json", () => {
    const report = spawnSync(process.execPath, ['dist/bench/report.js', '--from', 'docs/bench'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(report.status, 0, report.stderr);
    const block = /<!-- bench:report:start -->[\s\S]*<!-- bench:report:end -->/.exec(read('docs/benchmarks.md'))?.[0];
    assert.equal(block, report.stdout.trim());
  });

  it('says "about Nx slower" with N within a quarter of the ratio, never smaller for a larger ratio', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1.2, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (ratio, more) => {
          const text = slowerText(ratio);
          assert.match(text, /^about [\d.]+x slower$/);
          assert.ok(Math.abs(aboutNumber(text) - ratio) <= ratio / 4, `${ratio}: ${text}`);
          assert.ok(aboutNumber(slowerText(ratio + more)) >= aboutNumber(text));
        },
      ),
    );
    assert.equal(slowerText(1), 'about as fast');
    assert.equal(slowerText(0.25), 'about 4x faster');
    assert.equal(slowerText(Number.NaN), 'n/a');
  });

  it('reads a run made before issue 32 as jose with a Uint8Array secret on HMAC rows, and leaves newer runs alone', () => {
    const row = (alg: string, results: Record<string, number>): AlgRow => ({
      alg,
      op: 'verify',
      results,
      rounds: Object.fromEntries(Object.entries(results).map(([name, ops]) => [name, [ops, ops]])),
    });
    const base = { runtime: 'node', version: '24', machine: 'm', date: 'd', quick: false };
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }), (hs, rs) => {
        const old: BenchResult = {
          ...base,
          algs: [row('HS256', { jwtkit: 1, jose: hs }), row('RS256', { jwtkit: 1, jose: rs })],
        };
        const read = asOfIssue32(old);
        const [hmac, rsa] = read.algs ?? [];
        assert.deepEqual(hmac?.results, { jwtkit: 1, [JOSE_AS_DOCUMENTED]: hs });
        assert.deepEqual(hmac?.rounds?.[JOSE_AS_DOCUMENTED], [hs, hs]);
        assert.equal(hmac?.rounds?.jose, undefined);
        assert.deepEqual(rsa?.results, { jwtkit: 1, jose: rs });
        // Reading twice, or reading a run made after issue 32, changes nothing.
        assert.deepEqual(asOfIssue32(read), read);
        const current: BenchResult = { ...base, algs: [row('HS256', { jose: hs, [JOSE_AS_DOCUMENTED]: rs })] };
        assert.equal(asOfIssue32(current), current);
      }),
    );
  });
});
