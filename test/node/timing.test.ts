// Catalogue entry 31: HMAC tags are compared in constant time. Timing is not measured (no timed
// tests); instead we observe that the comparison goes through timingSafeEqual (node backend) or
// crypto.subtle.verify (web backend), never through ===.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it } from 'node:test';
import { importKey, signJWT, verifyJWT } from 'jwtkit';
import { SECRET } from '../support/craft.js';
import { backend } from '../support/runtime.js';

describe('31. constant-time HMAC comparison', () => {
  it(`compares HS256 tags with ${backend === 'node' ? 'crypto.timingSafeEqual' : 'crypto.subtle.verify'}`, async () => {
    const key = await importKey(SECRET, { alg: 'HS256' });
    const token = await signJWT({ sub: 'x' }, key);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BA' : 'AA'}`;
    const calls: number[][] = [];
    if (backend === 'node') {
      const original = crypto.timingSafeEqual;
      crypto.timingSafeEqual = (a, b) => {
        calls.push([a.byteLength, b.byteLength]);
        return original(a, b);
      };
      syncBuiltinESMExports();
      try {
        await verifyJWT(token, key);
        await assert.rejects(verifyJWT(forged, key), { code: 'ERR_JWS_SIGNATURE_INVALID' });
      } finally {
        crypto.timingSafeEqual = original;
        syncBuiltinESMExports();
      }
      assert.deepEqual(calls, [
        [32, 32],
        [32, 32],
      ]);
    } else {
      const subtle = globalThis.crypto.subtle as SubtleCrypto & { verify: SubtleCrypto['verify'] };
      const original = subtle.verify;
      subtle.verify = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['verify']>) {
        calls.push([(args[2] as Uint8Array).byteLength]);
        return original.apply(this, args);
      };
      try {
        await verifyJWT(token, key);
        await assert.rejects(verifyJWT(forged, key), { code: 'ERR_JWS_SIGNATURE_INVALID' });
      } finally {
        delete (subtle as { verify?: unknown }).verify;
      }
      assert.deepEqual(calls, [[32], [32]]);
    }
  });
});
