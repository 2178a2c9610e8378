// RFC 7520 §4 (JOSE Cookbook) signatures, the RFC 7797 b64:false examples and the RFC 8037 Ed25519
// example: every output verifies, and the deterministic algorithms reproduce the exact output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createLocalJWKS,
  createSecretJWKS,
  type FlattenedJWS,
  type GeneralJWS,
  importKey,
  type JWK,
  type JWSHeader,
  type KeyResolver,
  signJWS,
  verifyJWS,
} from 'jwtkit';
import { readVector } from '../support/vectors.js';

interface SigningStep {
  protected?: JWSHeader;
  unprotected?: JWSHeader;
}
interface Example {
  title: string;
  reproducible?: boolean;
  input: { payload: string; key: JWK | JWK[]; alg: string | string[] };
  signing: SigningStep | SigningStep[];
  output: { compact?: string; json?: GeneralJWS; json_flat?: FlattenedJWS };
}

const FILES = [
  'jws/4_1.rsa_v15_signature.json',
  'jws/4_2.rsa-pss_signature.json',
  'jws/4_3.ecdsa_signature.json',
  'jws/4_4.hmac-sha2_integrity_protection.json',
  'jws/4_5.signature_with_detached_content.json',
  'jws/4_6.protecting_specific_header_fields.json',
  'jws/4_7.protecting_content_only.json',
  'jws/4_8.multiple_signatures.json',
  'rfc7797/hmac-sha2_b64_false.json',
  'curve25519/jws.json',
];

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
const publicPart = (jwk: JWK): JWK => Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE.includes(name))) as JWK;
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The verifier's view: public JWKs, selected per signature by kid and algorithm. Secrets are a set
 * of their own (a set never mixes them with public keys), chosen for HS* signatures.
 */
function verificationKeys(example: Example): KeyResolver {
  const keys = list(example.input.key).map(publicPart);
  const publicKeys = createLocalJWKS({ keys: keys.filter((jwk) => jwk.kty !== 'oct') });
  const secrets = createSecretJWKS({ keys: keys.filter((jwk) => jwk.kty === 'oct') });
  return (header, token) => (String(header.alg).startsWith('HS') ? secrets : publicKeys)(header, token);
}

/** What the example signed with, and how: header placement decides where alg and kid go. */
function signers(example: Example) {
  const keys = list(example.input.key);
  const algs = list(example.input.alg);
  return list(example.signing).map((step, index) => {
    const { alg: _alg, b64, crit: _crit, ...header } = { ...step.protected };
    return {
      key: keys[index] as JWK,
      alg: algs[index] as string,
      b64: b64 !== false,
      header,
      ...(step.unprotected && { unprotectedHeader: step.unprotected }),
    };
  });
}

describe('RFC 7520 JWS cookbook and RFC 7797', () => {
  for (const file of FILES) {
    const example = readVector<Example>(`rfc7520/${file}`);
    const detached = file.includes('4_5') || example.output.compact?.includes('..') === true;
    const payload = example.input.payload;
    const algorithms = list(example.input.alg);
    const options = detached ? { payload, algorithms } : { algorithms };

    it(`${file}: every serialization verifies to the example payload`, async () => {
      const keys = verificationKeys(example);
      if (example.output.compact) {
        const { payload: bytes } = await verifyJWS(example.output.compact, keys, options);
        assert.equal(decode(bytes), payload);
      }
      for (const form of [
        example.output.json_flat,
        ...(example.output.json?.signatures ?? []).map((entry) => ({ ...entry, payload: example.output.json?.payload })),
      ]) {
        if (!form) continue;
        const flat = { ...form } as FlattenedJWS;
        if (flat.payload === undefined) delete flat.payload;
        const { payload: bytes } = await verifyJWS(flat, keys, options);
        assert.equal(decode(bytes), payload);
      }
      if (example.output.json) {
        const { payload: bytes } = await verifyJWS(example.output.json, keys, options);
        assert.equal(decode(bytes), payload);
      }
    });

    it(`${file}: a changed payload does not verify`, async () => {
      const target = example.output.compact ?? example.output.json_flat;
      if (!target) return;
      const keys = verificationKeys(example);
      const other = detached ? { payload: `${payload}!`, algorithms } : { algorithms };
      const tampered =
        typeof target === 'string'
          ? detached
            ? target
            : target.replace(/\.[^.]+\./, `.${target.split('.')[1]?.slice(0, -4)}AAAA.`)
          : { ...target, payload: detached ? undefined : `${target.payload?.slice(0, -4)}AAAA` };
      await assert.rejects(verifyJWS(tampered as string, keys, other));
    });

    const steps = signers(example);
    // ECDSA and RSA-PSS signatures are randomized: only the other algorithms can be reproduced.
    const deterministic = (alg: string) => !alg.startsWith('ES') && !alg.startsWith('PS');
    if (!steps.some((step) => deterministic(step.alg))) continue;

    it(`${file}: signing reproduces the exact output for the deterministic algorithms`, async () => {
      const produced: Array<{ protected?: string; header?: JWSHeader; signature: string }> = [];
      for (const step of steps) {
        const key = await importKey(step.key, { alg: step.alg });
        const flat = await signJWS(payload, key, {
          serialization: 'flattened',
          b64: step.b64,
          detached,
          header: step.header,
          ...(step.unprotectedHeader && { unprotectedHeader: step.unprotectedHeader }),
        });
        produced.push(flat);
      }
      const expected = example.output.json?.signatures ?? (example.output.json_flat ? [example.output.json_flat] : []);
      assert.equal(produced.length, expected.length);
      produced.forEach((entry, index) => {
        const want = expected[index] as FlattenedJWS;
        assert.equal(entry.protected, want.protected, `protected header of signature ${index}`);
        assert.deepEqual(entry.header, want.header);
        if (deterministic(steps[index]?.alg as string)) assert.equal(entry.signature, want.signature, `signature ${index}`);
      });
      if (example.output.compact && steps.length === 1 && deterministic(steps[0]?.alg as string)) {
        const step = steps[0] as (typeof steps)[number];
        const compact = await signJWS(payload, await importKey(step.key, { alg: step.alg }), {
          b64: step.b64,
          detached,
          header: step.header,
        });
        assert.equal(compact, example.output.compact);
      }
    });
  }

  it('rfc7797/4.2: b64:false without "crit" is refused (catalogue entry 19)', async () => {
    const example = readVector<Example>('rfc7520/rfc7797/4.2.hmac-sha2_b64_false.json');
    const keys = verificationKeys(example);
    for (const form of [example.output.json, example.output.json_flat]) {
      await assert.rejects(verifyJWS(form as GeneralJWS, keys, { algorithms: ['HS256'] }), { code: 'ERR_JWS_MALFORMED' });
    }
  });
});
