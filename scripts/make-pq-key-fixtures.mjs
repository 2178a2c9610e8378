// Writes test/support/pq-key-fixtures.ts: fixed ML-DSA-44 and Ed448 test keys in every form. Needs
// Node 24.7+ (ML-DSA in node:crypto): node scripts/make-pq-key-fixtures.mjs > test/support/pq-key-fixtures.ts
import crypto from 'node:crypto';

const out = {};
const pem = (k, type) => k.export({ format: 'pem', type });
for (const set of ['44']) {
  const priv = crypto.createPrivateKey({ key: Buffer.alloc(32, 0x2c), format: 'raw-seed', asymmetricKeyType: `ml-dsa-${set}` });
  const pub = crypto.createPublicKey(priv);
  out[`mldsa${set}`] = {
    spki: pem(pub, 'spki'),
    pkcs8: pem(priv, 'pkcs8'),
    publicJwk: pub.export({ format: 'jwk' }),
    privateJwk: priv.export({ format: 'jwk' }),
  };
}
const d = Buffer.concat([Buffer.from('3047020100300506032b6571043b0439', 'hex'), Buffer.alloc(57, 0x48)]);
const edPriv = crypto.createPrivateKey({ key: d, format: 'der', type: 'pkcs8' });
const edPub = crypto.createPublicKey(edPriv);
out.ed448 = {
  spki: pem(edPub, 'spki'),
  pkcs8: pem(edPriv, 'pkcs8'),
  publicJwk: edPub.export({ format: 'jwk' }),
  privateJwk: edPriv.export({ format: 'jwk' }),
};
// A token signed with the ML-DSA-44 key, for runs whose own runtime cannot sign one (the debugger
// test runs on the machine's Node, which may lack ML-DSA, against Chromium, which has it).
const segment = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const input = `${segment({ alg: 'ML-DSA-44', kid: 'pq-1' })}.${segment({ sub: 'pq' })}`;
const token = `${input}.${crypto.sign(null, Buffer.from(input), crypto.createPrivateKey(out.mldsa44.pkcs8)).toString('base64url')}`;
const ts = `// Test keys for ML-DSA-44 (from the seed 0x2c x 32) and Ed448 (from the private key 0x48 x 57),
// exported by node:crypto on Node 24.22: the same seed gives the same key on any runtime, so a run
// without ML-DSA can still hand these to the classifier. Test keys only: never use them elsewhere.
// Regenerate with Node 24.7+: see scripts/make-pq-key-fixtures.mjs.
import type { KeyFixture } from './key-fixtures.js';

export const PQ_KEYS: { mldsa44: KeyFixture; ed448: KeyFixture } = ${JSON.stringify(out, null, 2)};

/** An ML-DSA-44 token (kid pq-1, sub pq, no exp) signed with PQ_KEYS.mldsa44. */
export const MLDSA44_TOKEN = ${JSON.stringify(token)};
`;
process.stdout.write(ts);
