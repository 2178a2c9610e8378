/**
 * Bundles the conformance and security suites for runtimes without Node's modules (Chromium, its
 * Web Workers, workerd) with esbuild: the package resolves through its browser conditions (the
 * web build), `node:test` becomes test/browser/runner.ts, `node:assert/strict` the npm `assert`
 * port, and test/vectors is embedded. Any other node: import fails the build, which is the point.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';

export const root = new URL('../../../', import.meta.url).pathname;
/** The suites every runtime runs (scripts/test.mjs runs the same ones on Node, Deno and Bun). */
export const SUITES = ['dist/test/conformance', 'dist/test/security'];

function testFiles(): string[] {
  return SUITES.flatMap((suite) =>
    readdirSync(join(root, suite))
      .filter((file) => file.endsWith('.test.js'))
      .sort()
      .map((file) => join(suite, file)),
  );
}

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every file of test/vectors, keyed by its path from the repository root. */
function embeddedVectors(): string {
  const files: Record<string, string> = {};
  for (const path of walk(join(root, 'test/vectors'))) {
    if (path.endsWith('.json')) files[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return [
    `const FILES = ${JSON.stringify(files)};`,
    'export function readText(path) {',
    '  const text = FILES[path];',
    "  if (text === undefined) throw new Error(path + ' is not embedded in the browser bundle (only test/vectors/**/*.json is)');",
    '  return text;',
    '}',
  ].join('\n');
}

const substitutes: Plugin = {
  name: 'jwtkit-test-substitutes',
  setup(build) {
    build.onResolve({ filter: /^node:test$/ }, () => ({ path: join(root, 'dist/test/browser/runner.js') }));
    build.onResolve({ filter: /^node:assert\/strict$/ }, () => ({ path: join(root, 'dist/test/browser/assert.js') }));
    build.onResolve({ filter: /^jwtkit$/ }, () => ({ path: join(root, 'dist/src/index.js') }));
    build.onResolve({ filter: /^jwtkit\/http$/ }, () => ({ path: join(root, 'dist/src/http/index.js') }));
    build.onResolve({ filter: /^jwtkit\/inspect$/ }, () => ({ path: join(root, 'dist/src/inspect/index.js') }));
    build.onResolve({ filter: /\/files\.js$/ }, (args) =>
      args.importer.endsWith('/test/support/vectors.js') ? { path: 'vectors', namespace: 'jwtkit-vectors' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'jwtkit-vectors' }, () => ({ contents: embeddedVectors(), loader: 'js' }));
  },
};

/**
 * Writes `outfile`: an ES module exporting `runSuite(): Promise<TestResult[]>`, which loads every
 * test file of the suites and runs them.
 */
export async function bundleSuite(outfile: string): Promise<void> {
  const runner = JSON.stringify(join(root, 'dist/test/browser/runner.js'));
  const modules = testFiles()
    .map(
      (file) =>
        `  { name: ${JSON.stringify(file.slice('dist/test/'.length))}, load: () => import(${JSON.stringify(`./${file}`)}) },`,
    )
    .join('\n');
  const entry = [
    `import { runRegistered } from ${runner};`,
    'export function runSuite() {',
    '  return runRegistered([',
    modules,
    '  ]);',
    '}',
  ].join('\n');
  await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'suite-entry.js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile,
    plugins: [substitutes],
    // The npm `assert` and `util` ports read a few members of `process`.
    inject: [join(root, 'dist/test/browser/process.js')],
    logLevel: 'warning',
  });
}
