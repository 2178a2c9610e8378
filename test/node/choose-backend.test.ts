// White-box: how a backend is picked for an algorithm, a preference and the side of a key pair.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signatureAlgorithm } from '../../src/algorithms/index.js';
import { chooseBackend } from '../../src/backend/choose.js';
import { NotSupportedError } from '../../src/errors.js';

const es256 = signatureAlgorithm('ES256');
const hs256 = signatureAlgorithm('HS256');
if (es256 === undefined || hs256 === undefined) throw new Error('registry');
const node = { name: 'node' as const, supports: () => true };
const web = { name: 'web' as const, supports: () => true };
const nodeWithout = { name: 'node' as const, supports: () => false };

describe('chooseBackend', () => {
  it('takes the preferred backend, else the first of the build', () => {
    assert.equal(chooseBackend(es256, [node, web], { ECDSA: 'web' }, undefined), web);
    assert.equal(chooseBackend(hs256, [node, web], { ECDSA: 'web' }, undefined), node);
  });

  it('prefers per side where the preference says so (public when the side is not known)', () => {
    const preference = { ECDSA: { private: 'node', public: 'web' } } as const;
    assert.equal(chooseBackend(es256, [node, web], preference, undefined, 'private'), node);
    assert.equal(chooseBackend(es256, [node, web], preference, undefined, 'public'), web);
    assert.equal(chooseBackend(es256, [node, web], preference, undefined), web);
  });

  it('falls back to a backend that has the algorithm, and a forced backend is the only candidate', () => {
    assert.equal(chooseBackend(es256, [nodeWithout, web], { ECDSA: 'node' }, undefined), web);
    assert.equal(chooseBackend(es256, [node, web], { ECDSA: { private: 'web', public: 'web' } }, 'node', 'private'), node);
    assert.throws(() => chooseBackend(es256, [nodeWithout, web], {}, 'node'), NotSupportedError);
  });
});
