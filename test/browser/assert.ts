// `node:assert/strict` for runtimes without Node's modules: the npm `assert` package is Node's
// assert ported to browsers; its `strict` export has the same deep-equality rules.
import assert from 'assert';

export default assert.strict;
