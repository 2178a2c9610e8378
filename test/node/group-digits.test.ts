// The digit grouping of inspect's and the CLI's messages ("10,000 iterations") is written without
// a regular expression (the regex-shape test refuses lookarounds with unbounded quantifiers); it
// must read as the 'en' locale writes a whole number.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { groupDigits } from '../../src/inspect/claims.js';

it('groups the digits of any safe integer as the en locale does, and leaves other numbers alone', () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (value) => {
      assert.equal(groupDigits(value), value.toLocaleString('en', { useGrouping: true }));
    }),
  );
  for (const value of [0.5, -0.25, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
    assert.equal(groupDigits(value), String(value));
});
