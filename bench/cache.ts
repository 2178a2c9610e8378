// Cache hits: jwtkit's createVerifier with `cache` against fast-jwt's verifier with `cache: true`,
// the same token verified over and over (what a server sees when a client repeats its token).
// Run by bench/jwt.ts as part of `npm run bench`.
import { createSigner as fastSigner, createVerifier as fastVerifier } from 'fast-jwt';
import { createVerifier, importKey, signJWT } from 'jwtkit';
import { BENCH_SECRET, benchKeyPair } from './contenders.js';

export interface CacheRow {
  alg: 'HS256' | 'ES256';
  results: Array<{ name: string; ops: number }>;
}

export async function cacheRows(opsPerSecond: (fn: () => unknown) => Promise<number>): Promise<CacheRow[]> {
  const claims = { sub: 'user-1234', scope: 'read write', iss: 'https://auth.example.com', aud: 'api' };
  const rows: CacheRow[] = [];
  for (const alg of ['HS256', 'ES256'] as const) {
    const pair = alg === 'ES256' ? benchKeyPair(alg) : undefined;
    const signing = pair ? (pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string) : BENCH_SECRET;
    const verifying = pair ? (pair.publicKey.export({ format: 'pem', type: 'spki' }) as string) : BENCH_SECRET;
    const token = await signJWT(claims, await importKey(signing, { alg }), { expiresIn: '1h' });
    const key = await importKey(verifying, { alg });
    const ours = createVerifier({ key, algorithms: [alg], cache: { max: 1000, ttl: '10m' } });
    const theirs = fastVerifier({ key: verifying, algorithms: [alg], cache: 1000 });
    // fast-jwt's own tokens, so that its verifier sees the token shape it expects.
    const theirToken = fastSigner({ key: signing, algorithm: alg, expiresIn: 3_600_000 })(claims);
    rows.push({
      alg,
      results: [
        { name: 'jwtkit (cache hit)', ops: await opsPerSecond(() => ours(token)) },
        { name: 'jwtkit sync (cache hit)', ops: await opsPerSecond(() => ours.sync(token)) },
        { name: 'fast-jwt (cache hit)', ops: await opsPerSecond(() => theirs(theirToken)) },
      ],
    });
  }
  return rows;
}
