// The runtime support table. One test per algorithm (and per ECDH curve) makes a real round trip:
// where the run's expectation (support/runtime.ts) says the algorithm works, it must work; where it
// says not, it must be refused with ERR_NOT_SUPPORTED, never half-done. Each test is named after
// what it proved, and scripts/support-table.mjs builds the README table from the names of the
// tests that passed in every run of the matrix, so the table is what the runs showed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONTENT_ENCRYPTION_ALGORITHMS,
  decryptJWT,
  encryptJWT,
  generateKeyPair,
  generateSecret,
  JWS_ALGORITHMS,
  KEY_MANAGEMENT_ALGORITHMS,
  signJWT,
  verifyJWT,
} from 'jwtkit';
import { rejectsWith } from '../support/errors.js';
import { CURVES, keysFor } from '../support/jwe-keys.js';
import { mustSupport, mustSupportJWE } from '../support/runtime.js';

const WORKS = 'works';
const REFUSED = 'is refused with ERR_NOT_SUPPORTED';

/** One row of the table: `attempt` must succeed when `expected`, else fail with ERR_NOT_SUPPORTED. */
function row(label: string, expected: boolean, attempt: () => Promise<void>): void {
  it(`${label} ${expected ? WORKS : REFUSED}`, async () => {
    if (expected) await attempt();
    else await rejectsWith(attempt(), 'ERR_NOT_SUPPORTED');
  });
}

async function jwsRoundTrip(alg: string): Promise<void> {
  const keys = alg.startsWith('HS')
    ? { privateKey: await generateSecret(alg), publicKey: undefined }
    : await generateKeyPair(alg);
  const token = await signJWT({ sub: 'support' }, keys.privateKey, { expiresIn: '5m' });
  const { payload, header } = await verifyJWT(token, keys.publicKey ?? keys.privateKey, { algorithms: [alg] });
  assert.equal(payload.sub, 'support');
  assert.equal(header.alg, alg);
}

async function jweRoundTrip(alg: string, enc: string, crv?: string): Promise<void> {
  const variant = crv === undefined ? 0 : CURVES.indexOf(crv);
  const { encryptKey, decryptKey } = await keysFor(alg, enc, variant);
  const token = await encryptJWT({ sub: 'support' }, encryptKey, { enc, expiresIn: '5m' });
  const { payload, header } = await decryptJWT(token, decryptKey);
  assert.equal(payload.sub, 'support');
  assert.equal(header.alg, alg);
  assert.equal(header.enc, enc);
  if (crv !== undefined) assert.equal(header.epk?.crv, crv);
}

describe('runtime support table', () => {
  for (const alg of JWS_ALGORITHMS) row(`JWS ${alg}`, mustSupport(alg), () => jwsRoundTrip(alg));
  for (const alg of KEY_MANAGEMENT_ALGORITHMS) {
    // An enc every runtime has, so that the row is about the key management algorithm alone.
    const enc = alg === 'dir' ? 'A256GCM' : 'A128GCM';
    row(`JWE alg ${alg}`, mustSupportJWE(alg), () => jweRoundTrip(alg, enc));
  }
  for (const crv of CURVES)
    row(`JWE ECDH-ES on ${crv}`, mustSupportJWE('ECDH-ES'), () => jweRoundTrip('ECDH-ES', 'A128GCM', crv));
  for (const enc of CONTENT_ENCRYPTION_ALGORITHMS) row(`JWE enc ${enc}`, mustSupportJWE(enc), () => jweRoundTrip('dir', enc));
});
