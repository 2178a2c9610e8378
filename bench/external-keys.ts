// `npm run bench:external-keys`: what an external key (HSM, key service) adds to signing on top of
// the service's own time. The "service" is the same key in memory behind the function, so the
// difference is jwtkit's work: the call, the conversion and the check of every signature against
// the public key (a verification). `--write` records the table in docs/benchmarks.md.
import { cpus } from 'node:os';
import { createExternalKey, createSigner, ecdsaJOSEToDER, generateKeyPair, type Key, verifyJWT } from 'jwtkit';
import { recordSection } from './doc-section.js';
import { compareRounds, RUNTIME } from './measure.js';

const ALGS = ['ES256', 'RS256', 'EdDSA'] as const;
const fns: Record<string, () => unknown> = {};
for (const alg of ALGS) {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const inner = privateKey.internals.sign as (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  const external = (der: boolean): Promise<Key> =>
    createExternalKey({
      alg,
      publicKey,
      ...(der && { signatureFormat: 'der' as const }),
      sign: async (data) => (der ? ecdsaJOSEToDER(await inner(data)) : inner(data)),
    });
  const plain = createSigner({ key: privateKey });
  const wrapped = createSigner({ key: await external(false) });
  const token = await plain({ sub: 'user' });
  fns[`${alg} plain`] = () => plain({ sub: 'user' });
  fns[`${alg} external`] = () => wrapped({ sub: 'user' });
  fns[`${alg} verify`] = () => verifyJWT(token, publicKey, { algorithms: [alg] });
  if (alg === 'ES256') {
    const der = createSigner({ key: await external(true) });
    fns[`${alg} external der`] = () => der({ sub: 'user' });
  }
}
const { ops } = await compareRounds(fns, { rounds: 7, turnMs: 150 });
const us = (name: string) => 1e6 / (ops[name] ?? Number.NaN);
const cell = (name: string) => `${us(name).toFixed(1)} µs`;
const rows = ALGS.map((alg) => {
  const added = us(`${alg} external`) - us(`${alg} plain`);
  return `| ${alg} | ${cell(`${alg} plain`)} | ${cell(`${alg} external`)}${alg === 'ES256' ? ` (DER: ${cell(`${alg} external der`)})` : ''} | ${added.toFixed(1)} µs | ${cell(`${alg} verify`)} |`;
});
const table = [
  '| alg | createSigner, key in memory | the same key behind createExternalKey | added | verifyJWT alone |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
console.log(`\nexternal keys on ${RUNTIME.name} ${RUNTIME.version}\n\n${table}`);

if (RUNTIME.argv.includes('--write')) {
  recordSection('external-keys', 'What checking an external signature costs (issue 33)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${RUNTIME.name} ${RUNTIME.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'},`,
    'with `nice npm run bench:external-keys -- --write` (bench/external-keys.ts). Median of 7 interleaved rounds. The',
    '"service" is the same key in memory behind the function, so "added" is jwtkit\'s share: the call, the conversion',
    'and the verification of every signature with the public key; it is about one verification. A real HSM or key',
    'service takes from a millisecond (a local PKCS#11 token) to tens of milliseconds (a cloud KMS round trip).',
    '',
    table,
  ]);
}
