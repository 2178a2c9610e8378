// What `npm publish` would ship, checked offline: publint and @arethetypeswrong/cli on the packed
// tarball, the list of packed files, and `require()` of every entry point on this Node (>= 20.19
// loads ES modules from require). Run once, in the node-backend job.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  version: string;
  repository?: unknown;
  homepage?: unknown;
  bugs?: unknown;
};
const run = (command: string, args: string[]) =>
  spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
const entryPoints = Object.keys(pkg.exports).filter((name) => name !== './package.json' && !name.endsWith('.html'));

/** The README's relative link targets (files, without #fragments), as package paths. */
function readmeLinks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
  return [
    ...new Set(
      targets
        .filter((target) => !/^(?:[a-z]+:|#)/i.test(target))
        .map((target) => target.replace(/#.*$/, '').replace(/^\.\//, '')),
    ),
  ];
}

describe('the published package', () => {
  const work = mkdtempSync(join(tmpdir(), 'jwtkit-pack-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('passes publint --strict', () => {
    const result = run(bin('publint'), ['--strict']);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  it('resolves every entry point in every TypeScript moduleResolution mode (@arethetypeswrong/cli)', () => {
    // One rule is left to the require() test below: attw counts an ES module reached through
    // require() as a problem, which it is not on Node >= 20.19 (and TypeScript's module node20).
    const report = join(work, 'attw.json');
    const result = spawnSync(
      bin('attw'),
      ['--pack', '.', '--format', 'json', '--exclude-entrypoints', 'debugger.html', '--ignore-rules', 'cjs-resolves-to-esm'],
      { cwd: root, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 },
    );
    writeFileSync(report, result.stdout);
    const analysis = JSON.parse(result.stdout).analysis as {
      entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
      problems: Array<{ kind: string; entrypoint?: string; resolutionKind?: string }>;
    };
    const problems = analysis.problems.filter((problem) => problem.kind !== 'CJSResolvesToESM');
    assert.deepEqual(problems, [], `problems (full report: ${report})`);
    for (const entry of entryPoints) {
      const checked = analysis.entrypoints[entry];
      assert.ok(checked, `${entry} was analysed`);
      for (const mode of ['node10', 'node16-cjs', 'node16-esm', 'bundler']) {
        assert.match(checked.resolutions[mode]?.resolution?.fileName ?? '', /\.d\.ts$/, `${entry} has types under ${mode}`);
      }
    }
  });

  const pack = () => {
    const result = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
    assert.equal(result.status, 0, result.stderr);
    const [packed] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }>; size: number }>;
    return { files: (packed?.files ?? []).map((file) => file.path), size: packed?.size ?? 0 };
  };

  it('packs the built library, the CLI, the debugger page and the docs it names, and no tests, fixtures or sources', () => {
    const { files } = pack();
    for (const required of [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/cli/jwtkit.js',
      'dist/ui/jwtkit-debugger.html',
    ]) {
      assert.ok(files.includes(required), `${required} is packed`);
    }
    // The docs and examples the README links to are packed (see the next test); nothing else of them.
    const linked = new Set(readmeLinks());
    const unwanted = files.filter(
      (file) =>
        !(/^docs\/(?:[^/]+\.md|migration\/[^/]+\.md|api\/.+\.md)$/.test(file) || linked.has(file)) &&
        /^(src|test|bench|examples|scripts|ui|cli|docs|build)\/|^dist\/(test|bench|examples|scripts)\/|vectors|fixtures|\.test\.|\.tsbuildinfo$/.test(
          file,
        ),
    );
    assert.deepEqual(unwanted, [], 'nothing but the library and the documents the README links to is packed');
  });

  it('resolves every relative link of the README inside the package; a small tarball; no invented URLs', () => {
    // No public repository URL is known, so relative links are kept and their targets shipped
    // (docs/decisions.md, "README links and package URLs"): they resolve in node_modules/jwtkit and
    // on any site that serves the tarball's files. repository, homepage and bugs come together,
    // with real https URLs, or not at all.
    const { files, size } = pack();
    const links = readmeLinks();
    assert.ok(links.length > 20, `the README's links were found (${links.length})`);
    const missing = links.filter((link) => !files.includes(link));
    assert.deepEqual(missing, [], 'README links whose target is not packed');
    // A bound that catches an accidental inclusion (a fixture, a build directory), not the growth of
    // what is shipped on purpose: 800 KB until issues 30-33 added DPoP, SD-JWT and external keys
    // with their docs (807 KB after minifying the CLI bundle and trimming the API reference).
    assert.ok(size < 900_000, `the packed tarball is ${size} bytes`);
    const urls = [pkg.repository, pkg.homepage, pkg.bugs];
    const present = urls.filter((value) => value !== undefined);
    assert.ok(present.length === 0 || present.length === 3, 'repository, homepage and bugs come together');
    for (const value of present) assert.match(JSON.stringify(value), /"(?:git\+)?https:\/\/(?!example\.)/);
  });

  it('has a jsr.json for Deno users that `deno publish --dry-run` accepts, at the npm version', () => {
    const jsr = JSON.parse(readFileSync(join(root, 'jsr.json'), 'utf8')) as { version: string; exports: Record<string, string> };
    assert.equal(jsr.version, pkg.version);
    for (const entry of Object.keys(jsr.exports)) assert.ok(entry in pkg.exports, `${entry} is an npm export too`);
    // The sources import './x.js' for './x.ts' (NodeNext style), which Deno calls sloppy imports.
    const result = run(bin('deno'), ['publish', '--dry-run', '--allow-dirty', '--sloppy-imports', '--quiet']);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  it('loads every entry point with require() (Node >= 20.19)', () => {
    // In the package's own tree, so that `jwtkit` resolves to this package through its exports map.
    const script = join(root, 'build', 'require-all.cjs');
    writeFileSync(
      script,
      `for (const name of ${JSON.stringify(entryPoints.map((entry) => `jwtkit${entry.slice(1)}`))}) {
        const loaded = require(name);
        if (Object.keys(loaded).length === 0) throw new Error(name + ' exported nothing');
      }
      console.log('required all');`,
    );
    const result = run(process.execPath, ['--no-warnings', script]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /required all/);
  });
});
