// docs/api is the API reference TypeDoc generates from the TSDoc (tools/typedoc, `npm run docs:api`).
// This generates it again and compares: a public name, signature or doc comment changed without the
// reference being regenerated fails here. TypeDoc runs with treatWarningsAsErrors, so a public type
// that points at a name the package does not export fails too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const committed = join(root, 'docs', 'api');
const fresh = join(root, 'build', 'api-check');

const filesOf = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();

describe('docs/api (TypeDoc)', () => {
  it('is what TypeDoc generates from the current sources', () => {
    rmSync(fresh, { recursive: true, force: true });
    const tools = join(root, 'tools', 'typedoc');
    const result = spawnSync(join(tools, 'node_modules', '.bin', 'typedoc'), ['--options', 'typedoc.json', '--out', fresh], {
      cwd: tools,
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    const expected = filesOf(fresh);
    assert.deepEqual(filesOf(committed), expected, 'the same files (npm run docs:api regenerates docs/api)');
    for (const file of expected) {
      assert.equal(
        readFileSync(join(committed, file), 'utf8'),
        readFileSync(join(fresh, file), 'utf8'),
        `docs/api/${file} is out of date: npm run docs:api`,
      );
    }
  });
});
