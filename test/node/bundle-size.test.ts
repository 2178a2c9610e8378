// What a browser application pays for jwtkit: the package bundled for the browser (esbuild,
// minified, gzip -9) the way an application bundler does it, from an entry that imports only what
// the application uses. The budgets were set from measurement (docs/decisions.md, "Runtimes,
// browsers and Workers") with about ten per cent of room; growing past one is a decision to make
// and write down, not an accident.
// What a browser application pays for jwtkit, held against jose doing the same job in the same
// esbuild run (bench/bundles.ts: minified, ESM, platform browser, gzip -9), so that the target moves
// when jose does. Issue 32 asks for every job at or under jose's size; until the restructure that
// gets there lands (docs/decisions.md, "Issue 32: the browser bundles against jose"), each job is
// held at its measured ratio with a little room, so that any growth against jose fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'acorn';
import fc from 'fast-check';
import {
  BUNDLE_JOBS,
  bundle as bundleOf,
  type JobSizes,
  measureJob,
  README_SIZE_ROW,
  readmeSizeRow,
  withoutStrings,
} from '../../bench/bundles.js';

/** Files whose code is JWE (the JWE registry, the cipher primitives, the JWE and encrypted-JWT modules). */
const JWE_CODE = /dist\/src\/(jwe\/|algorithms\/encryption\.js|backend\/(web|node)-cipher\.js|jwt\/(encrypt|decrypt)\.js)/;
/** Strings that exist only in JWE code. */
const JWE_MARKERS = ['deflate-raw', 'A128CBC-HS256', 'ERR_JWE_DECRYPTION_FAILED'];

interface Bundle {
  readonly text: string;
  readonly gzipped: number;
  /** Source files that put at least one byte into the bundle. */
  readonly files: readonly string[];
}

async function bundle(names: readonly string[]): Promise<Bundle> {
  const result = await bundleOf('jwtkit', names);
  return { text: result.text, gzipped: result.gzipped, files: result.inputs.map((input) => input.file) };
}

function show(label: string, result: Bundle, budget: number): void {
  console.log(
    `bundle ${label}: ${result.text.length} bytes minified, ${result.gzipped} bytes gzipped (budget ${budget}), ${result.files.length} files`,
  );
}

/**
 * jwtkit's gzipped size over jose's, per job, that a change may not exceed: the ratios measured when
 * issue 32 began were 3.12, 3.52, 3.08, 2.58 and 4.02; after the key text reader became a chunk of
 * its own 2.41, 2.67, 2.43, 2.15, 4.02; these are the ratios after the web build's JSON scan, the
 * secret and PEM import paths moving into the reader's chunk and the RSA checks and WebCrypto key
 * export becoming chunks of their own (2.04, 2.22, 2.09, 1.95, 2.66), plus 0.05 of room. The fixes of
 * the hostile reviews that followed (key objects read once, bytes copied by brand checks, Key a
 * brand) took most of that room: 2.08, 2.27, 2.12, 1.98, 2.66. The third round (verifyJWT without the
 * synchronous import, one backend without a choice in the web build, option-name sets that a bundle
 * does not use dropped as pure) measured 2.058, 2.234, 2.099, 1.965, 2.661: these are those plus a
 * little room. Issue 32's target of 1.0 waits on a decision (docs/decisions.md); lower these as
 * sizes fall, never raise them.
 */
const CEILING: Record<string, number> = {
  'sign and verify': 2.07,
  verify: 2.25,
  'verify with a remote JWKS': 2.11,
  'encrypt and decrypt': 1.98,
  decode: 2.68,
};

/**
 * The same, for what an application that gives a key as text loads (the first load and the key text
 * reader's chunk), and for the whole bundle in one file (a Worker): the ratios now (3.20, 3.60, 3.15, 2.65; one file
 * 3.19, 3.59, 3.14, 2.64, 2.86), plus 0.05. Splitting lazily loaded parts off costs these a little (chunk glue, esbuild's
 * lazy-module wrappers): a price paid for the first-load column, held here so that it does not grow. The RSA checks
 * then left the reader's chunk (an RSA key in text loads them as their own chunk), and the third round's steps
 * above: with the reader 3.121, 3.505, 3.076, 2.601; one file 3.211, 3.608, 3.153, 2.660, 2.862; each plus a little room.
 */
const CEILING_WITH_READER: Record<string, number> = {
  'sign and verify': 3.14,
  verify: 3.52,
  'verify with a remote JWKS': 3.09,
  'encrypt and decrypt': 2.62,
};
const CEILING_ONE_FILE: Record<string, number> = {
  'sign and verify': 3.23,
  verify: 3.62,
  'verify with a remote JWKS': 3.17,
  'encrypt and decrypt': 2.68,
  decode: 2.88,
};

/** The key text reader's files: PEM, ASN.1, the key-material scanner (keys/text-reader.ts). */
const KEY_TEXT_READER = /dist\/src\/keys\/(text-reader|pem|asn1|find-key-material)\.js$/;

describe('browser bundles against jose (same esbuild run)', () => {
  for (const job of BUNDLE_JOBS) {
    it(`${job.label}: ${job.jwtkit.join(' + ')} against jose's ${job.jose.join(' + ')}, no further above it than the ceiling`, async () => {
      const sizes: JobSizes = await measureJob(job);
      const ceiling = CEILING[job.label];
      assert.ok(ceiling !== undefined, `no ceiling for ${job.label}`);
      console.log(
        `bundle ${job.label}: jwtkit ${sizes.jwtkit.gzipped} bytes gzipped, jose ${sizes.jose.gzipped}, ratio ${sizes.ratio.toFixed(3)} (ceiling ${ceiling})`,
      );
      // The comparison is real: jose's bundle has jose in it, and ours has none of jose.
      assert.ok(sizes.jose.inputs.some((input) => input.file.includes('node_modules/jose/')));
      assert.ok(!sizes.jwtkit.inputs.some((input) => input.file.includes('node_modules/')), 'jwtkit pulled in a dependency');
      assert.ok(
        sizes.ratio <= ceiling,
        `${job.label}: ${sizes.ratio.toFixed(3)}x jose's size is over the ceiling of ${ceiling}x`,
      );
      const reader = sizes.jwtkit.lazy.find((chunk) => chunk.inputs.some((file) => file.endsWith('keys/text-reader.js')));
      const withReader = CEILING_WITH_READER[job.label];
      if (withReader !== undefined) {
        assert.ok(reader !== undefined, `${job.label}: no key text reader chunk`);
        const ratio = (sizes.jwtkit.gzipped + reader.gzipped) / sizes.jose.gzipped;
        assert.ok(ratio <= withReader, `${job.label} with the key text reader: ${ratio.toFixed(3)}x jose's, over ${withReader}x`);
      }
      const oneFile = sizes.jwtkit.single / sizes.jose.single;
      const oneFileCeiling = CEILING_ONE_FILE[job.label] ?? 0;
      assert.ok(oneFile <= oneFileCeiling, `${job.label} in one file: ${oneFile.toFixed(3)}x jose's, over ${oneFileCeiling}x`);
    });
  }

  it("the README's size row says what this run measures (npm run bench:size -- --write rewrites it)", async () => {
    const verify = BUNDLE_JOBS.find((job) => job.label === 'verify');
    assert.ok(verify !== undefined);
    const row = README_SIZE_ROW.exec(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8'))?.[0];
    assert.equal(row, readmeSizeRow([await measureJob(verify)]));
  });

  it('no job loads the RSA checks (ROCA) or WebCrypto key generation and export before it needs them; each is a chunk of its own', async () => {
    for (const job of BUNDLE_JOBS.filter((entry) => entry.label !== 'decode')) {
      const result = await bundleOf('jwtkit', job.jwtkit);
      for (const file of ['keys/roca', 'backend/web-keys']) {
        const path = `dist/src/${file}.js`;
        assert.ok(!result.inputs.some((input) => input.file.endsWith(path)), `${job.label} loads ${file}.js at once`);
        assert.ok(
          !result.eagerInSplit.some((input) => input.endsWith(path)),
          `${job.label} loads ${file}.js at once when esbuild splits`,
        );
        // Positive control: it is in the bundle, as a chunk loaded on first need.
        assert.ok(
          result.lazy.some((chunk) => chunk.inputs.some((input) => input.endsWith(path))),
          `${job.label}: no lazy chunk holds ${file}.js`,
        );
      }
    }
  });

  it('no job loads PEM, ASN.1 or the key-material scanner before it meets key text; the key text reader is a chunk of its own', async () => {
    for (const job of BUNDLE_JOBS) {
      const result = await bundleOf('jwtkit', job.jwtkit);
      assert.deepEqual(
        result.inputs.filter((input) => KEY_TEXT_READER.test(input.file)),
        [],
        `${job.label} loads the key text reader at once`,
      );
      assert.deepEqual(
        result.eagerInSplit.filter((file) => KEY_TEXT_READER.test(file)),
        [],
        `${job.label} loads the key text reader at once when esbuild splits (a static import of it somewhere)`,
      );
      // Positive control: the files are real, and reachable as the chunk loaded on first need.
      const reader = result.lazy.find((chunk) => chunk.inputs.some((file) => file.endsWith('dist/src/keys/text-reader.js')));
      assert.ok(reader !== undefined, `${job.label}: no lazy chunk holds the key text reader`);
      for (const file of ['pem', 'asn1', 'find-key-material'])
        assert.ok(
          reader.inputs.some((input) => input.endsWith(`dist/src/keys/${file}.js`)),
          `${file}.js is not in the reader's chunk`,
        );
      // A verifier of secrets or EC keys in text never fetches the RSA checks: they are not part of the reader.
      assert.ok(
        !reader.inputs.some((input) => input.endsWith('dist/src/keys/roca.js')),
        `${job.label}: the reader's chunk holds roca.js`,
      );
    }
  });
});

describe('the code-only measure (bench:size)', () => {
  const template = (text: string) => text.replace(/[\\`$]/g, '\\$&');
  it('empties every string literal and template text, whatever they hold, and keeps the code around them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (first, second) => {
        const code = `const a=${JSON.stringify(first)},b={${JSON.stringify(second)}:1},c=\`${template(first)}\${a+'${second.replace(/[\\'\n\r\u2028\u2029]/g, '')}'}${template(second)}\`,d=/"x"/g;`;
        // The template keeps its expression, emptied of its own string: c=`${a+''}`.
        assert.equal(withoutStrings(code), `const a="",b={"":1},c=\`\${a+''}\`,d=/"x"/g;`);
      }),
    );
  });

  it('leaves a real bundle parseable, with no string left in it and less than the whole', async () => {
    const sizes = await measureJob(
      BUNDLE_JOBS.find((job) => job.label === 'verify') ?? (BUNDLE_JOBS[0] as (typeof BUNDLE_JOBS)[0]),
    );
    const stripped = withoutStrings(sizes.jwtkit.text);
    const strings: string[] = [];
    const visit = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const { type, value } = node as { type?: string; value?: unknown };
      if (type === 'Literal' && typeof value === 'string' && value !== '') strings.push(value);
      if (type === 'TemplateElement' && (value as { raw: string }).raw !== '') strings.push((value as { raw: string }).raw);
      for (const child of Object.values(node)) visit(child);
    };
    visit(parse(stripped, { ecmaVersion: 'latest', sourceType: 'module' }));
    assert.deepEqual(strings, []);
    assert.ok(sizes.jwtkit.codeOnly < sizes.jwtkit.gzipped && sizes.jose.codeOnly < sizes.jose.gzipped);
  });
});

describe('browser bundle contents', () => {
  it('signJWT + verifyJWT: no JWE, DPoP, store or external-key code', async () => {
    const result = await bundle(['signJWT', 'verifyJWT']);
    assert.deepEqual(
      result.files.filter((file) => JWE_CODE.test(file)),
      [],
    );
    for (const marker of JWE_MARKERS) assert.ok(!result.text.includes(marker), `the bundle contains "${marker}"`);
    assert.ok(!result.files.some((file) => file.includes('backend/node')), 'the browser bundle reached the node backend');
    // DPoP (issue 30) is in the main entry too, and must stay out of a bundle that does not use it.
    assert.deepEqual(
      result.files.filter((file) => /dist\/src\/(dpop|stores)\//.test(file)),
      [],
    );
    // External keys (issue 33) are reached only through a key object createExternalKey made.
    assert.deepEqual(
      result.files.filter((file) => file.includes('dist/src/keys/external/')),
      [],
    );
  });

  it('createDPoPProof: the DPoP client alone carries no verifier, nonce or store code', async () => {
    const result = await bundle(['createDPoPProof']);
    show('createDPoPProof', result, 20_000);
    assert.ok(result.gzipped < 20_000, `${result.gzipped} bytes gzipped is over the budget of 20,000`);
    assert.ok(
      result.files.some((file) => file.endsWith('dist/src/dpop/create.js')),
      'the marker file is real',
    );
    assert.deepEqual(
      result.files.filter((file) => /dist\/src\/(dpop\/(verify|nonces|replay)|stores\/)/.test(file)),
      [],
    );
  });

  it('createExternalKey: the external-key files are real, so their absence from the other bundles means something', async () => {
    const result = await bundle(['createExternalKey', 'signJWT']);
    assert.ok(
      result.files.some((file) => file.endsWith('dist/src/keys/external/create.js')),
      result.files.join('\n'),
    );
    assert.ok(result.files.some((file) => file.endsWith('dist/src/keys/external/ecdsa-der.js')));
  });

  it('decryptJWT: JWE code, and no encrypting or signing code', async () => {
    const result = await bundle(['decryptJWT']);
    // The markers are real: the JWE bundle has them, so their absence above means something.
    for (const marker of JWE_MARKERS) assert.ok(result.text.includes(marker), `the JWE bundle lacks "${marker}"`);
    assert.ok(result.files.some((file) => file.endsWith('dist/src/jwe/decrypt.js')));
    assert.ok(!result.files.some((file) => file.includes('dist/src/keys/external/')), 'external-key code in the decrypt bundle');
    // Decrypting never encrypts or signs: those stay out too.
    assert.ok(!result.files.some((file) => /jwt\/(encrypt|sign)\.js|jwe\/encrypt\.js/.test(file)), result.files.join('\n'));
  });
});
