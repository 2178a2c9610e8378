// Cache hits: jwtkit's createVerifier with `cache` against fast-jwt's verifier with `cache: true`,
// the same token verified over and over (what a server sees when a client repeats its token).
// Run by bench/jwt.ts as part of `npm run bench`.
import { createSigner as fastSigner, createVerifier as fastVerifier } from 'fast-jwt';
import { createVerifier, importKey, signJWT } from 'jwtkit';
import { BENCH_CLAIMS, benchKeys } from './contenders.js';
import type { Comparison } from './measure.js';

export interface CacheRow {
  alg: 'HS256' | 'ES256';
  results: Record<string, number>;
  /** Each contender's ops/s per round (absent in older runs). */
  rounds?: Record<string, number[]>;
}

export async function cacheRows(compare: (fns: Record<string, () => unknown>) => Promise<Comparison>): Promise<CacheRow[]> {
  const rows: CacheRow[] = [];
  for (const alg of ['HS256', 'ES256'] as const) {
    const keys = benchKeys(alg);
    const token = await signJWT(BENCH_CLAIMS, await importKey(keys.signing, { alg }), { expiresIn: '1h' });
    const ours = createVerifier({
      key: await importKey(keys.verifying, { alg }),
      algorithms: [alg],
      cache: { max: 1000, ttl: '10m' },
    });
    const theirs = fastVerifier({ key: keys.verifying, algorithms: [alg], cache: 1000 });
    // fast-jwt's own tokens, so that its verifier sees the token shape it expects.
    const theirToken = fastSigner({ key: keys.signing, algorithm: alg, expiresIn: 3_600_000 })(BENCH_CLAIMS);
    const { ops: results, rounds } = await compare({
      'jwtkit (cache hit)': () => ours(token),
      'jwtkit sync (cache hit)': () => ours.sync(token),
      'fast-jwt (cache hit)': () => theirs(theirToken),
    });
    rows.push({ alg, results, rounds });
  }
  return rows;
}
