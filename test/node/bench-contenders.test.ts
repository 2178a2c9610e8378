// The benchmark's peers must do the work they are timed for (issue 32): a contender whose verify
// accepts anything, or whose key form fails, would make a figure that means nothing. Every peer in
// every documented form signs a token that jwtkit accepts, accepts jwtkit's token, and refuses one
// whose signature was changed. And the documented-form rows exist exactly where the docs show a
// slower form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createVerifier, importKey } from 'jwtkit';
import {
  BENCH_ALGS,
  BENCH_CLAIMS,
  benchKeys,
  contenders,
  FASTEST_FORM,
  JOSE_AS_DOCUMENTED,
  JSONWEBTOKEN_AS_DOCUMENTED,
} from '../../bench/contenders.js';
import { peerForms } from '../../bench/peer-forms.js';

/** The token with one character in the middle of its signature changed (never a padding bit). */
function tampered(token: string): string {
  const dot = token.lastIndexOf('.');
  const at = dot + Math.floor((token.length - dot) / 2);
  const swapped = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${swapped}${token.slice(at + 1)}`;
}

/** False where `.sync` is refused on this runtime (ERR_SYNC_UNAVAILABLE); any other failure is thrown. */
async function syncServes(run: () => unknown): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SYNC_UNAVAILABLE') return false;
    throw error;
  }
}

async function rejects(run: () => unknown): Promise<boolean> {
  try {
    await run();
    return false;
  } catch {
    return true;
  }
}

describe('benchmark contenders (bench/contenders.ts, bench/peer-forms.ts)', () => {
  for (const alg of BENCH_ALGS) {
    it(`${alg}: every contender and every documented peer form signs what jwtkit accepts, accepts jwtkit's token and refuses a changed signature`, async () => {
      const keys = benchKeys(alg);
      const list = await contenders(keys, BENCH_CLAIMS);
      const verifyKey = await importKey(alg.startsWith('HS') ? keys.signing : keys.verifying, { alg });
      const jwtkitVerify = createVerifier({ key: verifyKey, algorithms: [alg] });
      const token = (await list.find((c) => c.name === 'jwtkit')?.sign?.()) as string;
      const forms = (await peerForms(keys, BENCH_CLAIMS)).map((f) => ({ ...f, name: `${f.peer} ${f.form}` }));
      for (const c of [...list, ...forms]) {
        // Where the runtime serves a key side asynchronously (ECDSA verification through WebCrypto
        // on Deno), `.sync` refuses with a typed error and the benchmark prints n/a for it.
        const sync = c.name === 'jwtkit (sync)';
        if (c.sign && (!sync || (await syncServes(() => c.sign?.())))) {
          const signed = (await c.sign()) as string;
          const { payload } = await jwtkitVerify(signed);
          assert.equal(payload.sub, BENCH_CLAIMS.sub, c.name);
        }
        if (c.verify && (!sync || (await syncServes(() => c.verify?.(token))))) {
          await c.verify(token);
          assert.ok(await rejects(() => c.verify?.(tampered(token))), `${c.name} accepted a changed signature`);
        }
      }
    });
  }

  it('hands jose a pre-imported key: its row imports nothing per call, where the documented Uint8Array row imports every time', async () => {
    const keys = benchKeys('HS256');
    const list = await contenders(keys, BENCH_CLAIMS);
    const token = (await list.find((c) => c.name === 'jwtkit')?.sign?.()) as string;
    const subtle = Object.getPrototypeOf(globalThis.crypto.subtle) as SubtleCrypto;
    const importKey = subtle.importKey;
    let imports = 0;
    subtle.importKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['importKey']>) {
      imports++;
      return importKey.apply(this, args);
    } as SubtleCrypto['importKey'];
    const importsOf = async (name: string) => {
      const contender = list.find((c) => c.name === name);
      imports = 0;
      for (let i = 0; i < 5; i++) {
        await contender?.verify?.(token);
        await contender?.sign?.();
      }
      return imports;
    };
    try {
      assert.equal(await importsOf('jose'), 0);
      assert.equal(await importsOf(JOSE_AS_DOCUMENTED), 10);
    } finally {
      subtle.importKey = importKey;
    }
  });

  it("names each peer's fastest form, and the documented usual form beside it only where the docs show one", async () => {
    for (const alg of BENCH_ALGS) {
      const keys = benchKeys(alg);
      const names = (await contenders(keys, BENCH_CLAIMS)).map((c) => c.name);
      const forms = await peerForms(keys, BENCH_CLAIMS);
      for (const [peer, form] of Object.entries(FASTEST_FORM)) {
        // jsonwebtoken has no EdDSA; every other peer has its fastest form for every algorithm.
        if (peer === 'jsonwebtoken' && alg === 'EdDSA') continue;
        assert.ok(
          forms.some((f) => f.peer === peer && f.form === form),
          `${peer} has no ${form} form for ${alg}`,
        );
        assert.ok(names.includes(peer), `${alg}: no ${peer} row`);
      }
      assert.equal(names.includes(JOSE_AS_DOCUMENTED), alg.startsWith('HS'), `${alg}: ${JOSE_AS_DOCUMENTED}`);
      assert.equal(names.includes(JSONWEBTOKEN_AS_DOCUMENTED), alg !== 'EdDSA', `${alg}: ${JSONWEBTOKEN_AS_DOCUMENTED}`);
      assert.equal(new Set(names).size, names.length, `${alg}: a contender name twice`);
    }
  });
});
