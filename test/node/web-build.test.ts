// The build browsers and Workers get (package.json "default" conditions) must not import any node:
// module. Walk the compiled module graph from the package entry, resolving "#backend" and "#codec"
// the way a bundler targeting the web does, and collect every specifier it reaches.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const SPECIFIERS =
  /(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Graph {
  files: Set<string>;
  external: Set<string>;
  /** For each file, the files that import it. */
  importers: Map<string, Set<string>>;
}

function graph(conditions: 'web' | 'node'): Graph {
  const entry = new URL(pkg.exports['.'].default, root);
  const selected = (specifier: string) => {
    const map = pkg.imports[specifier] as Record<string, string>;
    return new URL(conditions === 'web' ? (map.default as string) : (map.node as string), root);
  };
  const files = new Set<string>();
  const external = new Set<string>();
  const importers = new Map<string, Set<string>>();
  const reach = (target: URL, from: URL) => {
    const set = importers.get(target.href) ?? new Set<string>();
    importers.set(target.href, set.add(from.href));
    pending.push(target);
  };
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as URL;
    if (files.has(file.href)) continue;
    files.add(file.href);
    // Comments carry TSDoc examples that import 'jwtkit'; only code counts.
    const source = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const match of source.matchAll(SPECIFIERS)) {
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      if (specifier.startsWith('#')) reach(selected(specifier), file);
      else if (specifier.startsWith('.')) reach(new URL(specifier, file), file);
      else external.add(specifier);
    }
  }
  return { files, external, importers };
}

describe('the web build', () => {
  it('reaches no node: module and no other package from the entry point', () => {
    const { files, external } = graph('web');
    assert.deepEqual([...external], []);
    assert.ok([...files].some((file) => file.endsWith('/backend/web.js')));
    assert.ok(![...files].some((file) => file.endsWith('/backend/node.js')));
  });

  it('differs from the node build only in the backend and codec selections', () => {
    const node = graph('node');
    assert.deepEqual([...node.external], ['node:crypto']);
    const inBackend = (file: string) => file.includes('/backend/') || /\/encoding\/codec\.(node|web)\.js$/.test(file);
    const web = graph('web');
    // A helper only one build's selections import (the node backend's constant-time string
    // comparison, the web codec's JSON scan) is part of that build alone; anything else outside
    // backend/ must be the same in both.
    const ownHelper = (build: typeof node, other: typeof node) => (file: string) =>
      !other.files.has(file) && [...(build.importers.get(file) ?? [])].every((importer) => inBackend(importer));
    const webFiles = [...web.files].filter((file) => !inBackend(file) && !ownHelper(web, node)(file));
    const nodeFiles = [...node.files].filter((file) => !inBackend(file) && !ownHelper(node, web)(file));
    assert.deepEqual(webFiles.sort(), nodeFiles.sort());
  });

  it('gives browsers and Workers the web build even when a bundler also sets "node"', () => {
    for (const [specifier, web] of [
      ['#backend', /select\.web\.js$/],
      ['#codec', /codec\.web\.js$/],
    ] as const) {
      const map = pkg.imports[specifier] as Record<string, string>;
      const conditions = Object.keys(map);
      for (const condition of ['workerd', 'worker', 'browser']) {
        assert.equal(map[condition], map.default, `${specifier} ${condition}`);
        assert.ok(conditions.indexOf(condition) < conditions.indexOf('node'), `${specifier}: ${condition} must come before node`);
      }
      assert.match(map.default as string, web);
      for (const runtime of ['node', 'deno', 'bun']) assert.equal(map[runtime], map.node, `${specifier} ${runtime}`);
    }
  });

  it('declares itself free of side effects', () => {
    assert.equal(pkg.sideEffects, false);
  });
});
