// docs/security.md maps every RFC 8725 practice and every security catalogue entry to tests. This
// holds the page to the tests: both lists complete, every named file present, every named
// describe/it title in that file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const page = readFileSync(join(root, 'docs', 'security.md'), 'utf8');
const section = (title: string) => {
  const start = page.indexOf(`## ${title}`);
  assert.ok(start >= 0, `docs/security.md has a section "${title}"`);
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start, end < 0 ? undefined : end);
};
/** The table rows of a section: first cell, and the test references of the last cell. */
const rows = (text: string) =>
  text
    .split('\n')
    .filter((line) => /^\| [0-9]/.test(line))
    .map((line) => {
      const cells = line.split(' | ');
      const refs = [...(cells.at(-1) ?? '').matchAll(/`([^`]+)` › "([^"]+)"/g)].map(([, file, title]) => ({ file, title }));
      return { id: (cells[0] ?? '').replace(/^\| /, ''), refs };
    });

describe('docs/security.md', () => {
  const rfc = rows(section('RFC 8725'));
  const catalogue = rows(section('The security catalogue'));

  it('lists RFC 8725 §3.1-3.12 and catalogue entries 1-46, each once and in order', () => {
    assert.deepEqual(
      rfc.map((row) => row.id),
      Array.from({ length: 12 }, (_, i) => `3.${i + 1}`),
    );
    assert.deepEqual(
      catalogue.map((row) => row.id),
      Array.from({ length: 46 }, (_, i) => String(i + 1)),
    );
  });

  it('names at least one test for each, in a file that exists and holds that describe or it title', () => {
    for (const row of [...rfc, ...catalogue]) {
      assert.ok(row.refs.length > 0, `${row.id} names a test`);
      for (const { file, title } of row.refs) {
        const path = join(root, file as string);
        assert.ok(existsSync(path), `${row.id}: ${file} exists`);
        const source = readFileSync(path, 'utf8');
        assert.ok(
          [`describe('${title}`, `it('${title}`].some((start) => source.includes(start)),
          `${row.id}: ${file} has a describe or it titled "${title}"`,
        );
      }
    }
  });
});
