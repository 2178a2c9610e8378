// `npm run bench:amplification` (also run by `npm run bench` on Node): what the worst 1 MiB JSON JWS
// and JWE cost under the caps of catalogue entry 38, against one ordinary verification or
// decryption. The attacker's best shape is a general serialization with as many entries as the cap
// lets in (maxSignatures, maxRecipients: 4 by default), none of them valid so that every one is
// tried, each with a well-formed signature or wrapped key so that none is cut short, and the rest
// of the MiB spent on the payload or ciphertext that each of them must hash or decrypt; for PBES2,
// the call's iteration budget (maxPBES2Count, 10,000) split over the recipients. The shape of the
// catalogue (4,000 signatures, 8,000 recipients) is measured as well: it is now refused up front.
// `--write` records the table in docs/benchmarks.md.
import { cpus } from 'node:os';
import {
  createLocalJWKS,
  decryptJWE,
  encryptJWE,
  exportKey,
  type GeneralJWE,
  type GeneralJWS,
  generateKeyPair,
  type JWERecipient,
  type JWSSignatureEntry,
  signJWS,
  verifyJWS,
} from 'jwtkit';
import { recordSection } from './doc-section.js';
import { compareRounds, RUNTIME, ratioText } from './measure.js';

const MiB = 1024 * 1024;
const ENC = 'A256CBC-HS512'; // its HMAC over the ciphertext is the slowest tag check of the six
const PASSWORD = 'a passphrase long enough for a benchmark';
const PBES2 = 'PBES2-HS512+A256KW';
const size = (value: unknown) => JSON.stringify(value).length;
const fill = (budget: number) => 'x'.repeat(Math.max(Math.floor((budget * 3) / 4) - 64, 0));

// JWS: ES512, the key from a local JWKS as most applications have it.
const signer = await generateKeyPair('ES512', { kid: 'k' });
const jwks = createLocalJWKS({ keys: [{ ...(await exportKey(signer.publicKey, 'jwk')), kid: 'k', alg: 'ES512' }] });
const jwsOptions = { algorithms: ['ES512'] };
const smallJWS = await signJWS('{"sub":"user"}', signer.privateKey, { kid: 'k' });
const bigJWS = await signJWS(fill(MiB - 400), signer.privateKey, { serialization: 'flattened', kid: 'k' });

/** Four signatures by the right key over other content: each is parsed, checked and hashed in full. */
async function worstJWS(): Promise<GeneralJWS> {
  const entries: JWSSignatureEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const other = await signJWS(`other ${i}`, signer.privateKey, { serialization: 'flattened', header: { kid: 'k', n: i } });
    entries.push({ protected: other.protected as string, signature: other.signature });
  }
  const overhead = size({ payload: '', signatures: entries });
  const payload = (await signJWS(fill(MiB - overhead), signer.privateKey, { serialization: 'flattened' })).payload as string;
  return { payload, signatures: entries };
}
const attackJWS = await worstJWS();
const catalogueJWS: GeneralJWS = {
  payload: attackJWS.payload?.slice(0, 1000) as string,
  signatures: Array.from({ length: 4000 }, () => attackJWS.signatures[0] as JWSSignatureEntry),
};

// JWE: RSA-OAEP-256 (2048-bit key) and PBES2, each against its own ordinary decryption.
const rsa = await generateKeyPair('RSA-OAEP-256');
const strangers = await Promise.all([0, 1, 2, 3].map(() => generateKeyPair('RSA-OAEP-256')));
const rsaOptions = { keyManagementAlgorithms: ['RSA-OAEP-256'] };
const pbes2Options = { keyManagementAlgorithms: [PBES2] };

/** A general JWE of about 1 MiB to `recipients`, none of them the decrypter. */
async function worstJWE(recipients: JWERecipient[]): Promise<GeneralJWE> {
  const probe = await encryptJWE('', recipients, { enc: ENC });
  return encryptJWE(fill(MiB - size(probe)), recipients, { enc: ENC });
}
const smallRSA = await encryptJWE('{"sub":"user"}', rsa.publicKey, { enc: ENC });
const bigRSA = await encryptJWE(fill(MiB - 600), rsa.publicKey, { enc: ENC });
const attackRSA = await worstJWE(strangers.map((pair) => ({ key: pair.publicKey, alg: 'RSA-OAEP-256' })));
const smallPBES2 = await encryptJWE('{"sub":"user"}', PASSWORD, { alg: PBES2, enc: ENC });
const bigPBES2 = await encryptJWE(fill(MiB - 600), PASSWORD, { alg: PBES2, enc: ENC });
const attackPBES2 = await worstJWE([0, 1, 2, 3].map((i) => ({ key: `${PASSWORD} ${i}`, alg: PBES2, p2c: 2500 })));
const cataloguePBES2: GeneralJWE = {
  ...attackPBES2,
  ciphertext: attackPBES2.ciphertext.slice(0, 1000),
  recipients: Array.from({ length: 8000 }, () => {
    const first = attackPBES2.recipients[0] as GeneralJWE['recipients'][number];
    return { ...first, header: { ...first.header, p2c: 10_000 } };
  }),
};

const refused = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the attack was accepted');
    },
    () => undefined,
  );
const fns: Record<string, () => Promise<unknown>> = {
  jwsSmall: () => verifyJWS(smallJWS, jwks, jwsOptions),
  jwsBig: () => verifyJWS(bigJWS, jwks, jwsOptions),
  jwsAttack: () => refused(verifyJWS(attackJWS, jwks, jwsOptions)),
  jwsCatalogue: () => refused(verifyJWS(catalogueJWS, jwks, { ...jwsOptions, maxTokenLength: 4 * MiB })),
  rsaSmall: () => decryptJWE(smallRSA, rsa.privateKey, rsaOptions),
  rsaBig: () => decryptJWE(bigRSA, rsa.privateKey, rsaOptions),
  rsaAttack: () => refused(decryptJWE(attackRSA, rsa.privateKey, rsaOptions)),
  pbes2Small: () => decryptJWE(smallPBES2, PASSWORD, pbes2Options),
  pbes2Big: () => decryptJWE(bigPBES2, PASSWORD, pbes2Options),
  pbes2Attack: () => refused(decryptJWE(attackPBES2, PASSWORD, pbes2Options)),
  pbes2Catalogue: () => refused(decryptJWE(cataloguePBES2, PASSWORD, { ...pbes2Options, maxTokenLength: 4 * MiB })),
};
const { ops, rounds } = await compareRounds(fns, { rounds: 7, turnMs: 150 });

const ms = (name: string) => `${(1000 / (ops[name] ?? Number.NaN)).toFixed(2)} ms`;
/** The median over rounds of how many `base` calls one `name` call costs. */
const times = (name: string, base: string) => {
  const ratios = (rounds[base] ?? [])
    .map((baseOps, i) => baseOps / ((rounds[name] ?? [])[i] ?? Number.NaN))
    .sort((a, b) => a - b);
  return ratioText(ratios[ratios.length >> 1] ?? Number.NaN);
};
const row = (label: string, bytes: number, name: string, small: string, big: string) =>
  `| ${label} | ${Math.round(bytes / 1024)} KiB | ${ms(name)} | ${times(name, small)} | ${times(name, big)} |`;
const table = [
  '| call | size | time per call | in ordinary small calls | in ordinary 1 MiB calls |',
  '| --- | ---: | ---: | ---: | ---: |',
  row('ES512 verify, ordinary compact JWS', smallJWS.length, 'jwsSmall', 'jwsSmall', 'jwsBig'),
  row('ES512 verify, ordinary flattened JWS of 1 MiB', size(bigJWS), 'jwsBig', 'jwsSmall', 'jwsBig'),
  row('**ES512 verify, worst 1 MiB general JWS (4 signatures, all tried)**', size(attackJWS), 'jwsAttack', 'jwsSmall', 'jwsBig'),
  row('ES512 verify, 4,000 signatures (catalogue 38): refused', size(catalogueJWS), 'jwsCatalogue', 'jwsSmall', 'jwsBig'),
  row('RSA-OAEP-256 decrypt, ordinary compact JWE', smallRSA.length, 'rsaSmall', 'rsaSmall', 'rsaBig'),
  row('RSA-OAEP-256 decrypt, ordinary compact JWE of 1 MiB', bigRSA.length, 'rsaBig', 'rsaSmall', 'rsaBig'),
  row(
    '**RSA-OAEP-256 decrypt, worst 1 MiB general JWE (4 recipients, all tried)**',
    size(attackRSA),
    'rsaAttack',
    'rsaSmall',
    'rsaBig',
  ),
  row('PBES2 decrypt, ordinary compact JWE (p2c 10,000)', smallPBES2.length, 'pbes2Small', 'pbes2Small', 'pbes2Big'),
  row('PBES2 decrypt, ordinary compact JWE of 1 MiB', bigPBES2.length, 'pbes2Big', 'pbes2Small', 'pbes2Big'),
  row(
    '**PBES2 decrypt, worst 1 MiB general JWE (4 recipients, p2c 2,500 each)**',
    size(attackPBES2),
    'pbes2Attack',
    'pbes2Small',
    'pbes2Big',
  ),
  row(
    'PBES2 decrypt, 8,000 recipients at p2c 10,000 (catalogue 38): refused',
    size(cataloguePBES2),
    'pbes2Catalogue',
    'pbes2Small',
    'pbes2Big',
  ),
].join('\n');
console.log(`\nwork amplification on ${RUNTIME.name} ${RUNTIME.version}\n\n${table}`);

if (RUNTIME.argv.includes('--write')) {
  recordSection('amplification', 'Work per call in the JSON serializations (issue 26, catalogue 38)', [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${RUNTIME.name} ${RUNTIME.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'},`,
    'with `nice npm run bench:amplification -- --write` (bench/amplification.ts; `npm run bench` runs it too). Default caps:',
    '`maxTokenLength` 1 MiB, `maxSignatures` 4, `maxRecipients` 4, `maxPBES2Count` 10,000 per call. Each row is the median',
    'time of one call over 7 interleaved rounds; the last two columns say how many ordinary calls of the same family',
    '(same algorithm, same key) one such call costs, small and 1 MiB, as the median of the per-round ratios.',
    'The catalogue shapes are measured with `maxTokenLength` raised to 4 MiB so that the new caps, not the size cap, refuse them.',
    '',
    table,
  ]);
}
