// Catalogue entry 31: HMAC tags are compared in constant time. Timing is not measured (no timed
// tests); instead we observe the mechanism. The node backend computes the tag as base64url text
// (digest('base64url'): no Buffer to allocate) and compares it with the token's segment through
// equalInConstantTime, after a length check; the web backend hands the tag to crypto.subtle.verify.
// Never through ===.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it } from 'node:test';
import { importKey, signJWT, verifyJWT } from 'jwtkit';
import { equalInConstantTime } from '../../src/encoding/constant-time.js';
import { SECRET } from '../support/craft.js';
import { backend } from '../support/runtime.js';

describe('31. constant-time HMAC comparison', () => {
  it(`compares HS256 tags ${backend === 'node' ? 'as base64url text, in constant time' : 'with crypto.subtle.verify'}`, async () => {
    const key = await importKey(SECRET, { alg: 'HS256' });
    const token = await signJWT({ sub: 'x' }, key);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BA' : 'AA'}`;
    const calls: number[][] = [];
    if (backend === 'node') {
      // Every HMAC the verifier computes is digested straight to base64url (a Buffer digest would be
      // compared some other way).
      const digests: unknown[] = [];
      const original = crypto.createHmac;
      crypto.createHmac = ((...args: Parameters<typeof crypto.createHmac>) => {
        const hmac = original(...args);
        const digest = hmac.digest.bind(hmac) as (encoding?: string) => unknown;
        (hmac as { digest: unknown }).digest = (encoding?: string) => {
          digests.push(encoding);
          return digest(encoding);
        };
        return hmac;
      }) as typeof crypto.createHmac;
      syncBuiltinESMExports();
      try {
        await verifyJWT(token, key);
        await assert.rejects(verifyJWT(forged, key), { code: 'ERR_JWS_SIGNATURE_INVALID' });
      } finally {
        crypto.createHmac = original;
        syncBuiltinESMExports();
      }
      assert.deepEqual(digests, ['base64url', 'base64url']);
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

describe('equalInConstantTime', () => {
  /** A string stand-in that counts the characters read. */
  function counting(text: string, reads: number[]): string {
    return {
      length: text.length,
      charCodeAt: (index: number) => {
        reads.push(index);
        return text.charCodeAt(index);
      },
    } as unknown as string;
  }

  it('reads every character whether the first, the last or no character differs', () => {
    const tag = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    for (const other of [`x${tag.slice(1)}`, `${tag.slice(0, -1)}x`, tag]) {
      const reads: number[] = [];
      const equal = equalInConstantTime(counting(tag, reads), other);
      assert.equal(equal, other === tag);
      assert.deepEqual(
        reads,
        [...tag].map((_, index) => index),
      );
    }
  });

  it('answers false for different lengths without reading, and true only for equal strings', () => {
    const reads: number[] = [];
    assert.equal(equalInConstantTime(counting('abc', reads), 'abcd'), false);
    assert.deepEqual(reads, []);
    assert.equal(equalInConstantTime('', ''), true);
    assert.equal(equalInConstantTime('a\u0100', 'a\u0000'), false);
  });
});
