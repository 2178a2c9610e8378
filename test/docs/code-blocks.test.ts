// Every TypeScript code block in the README and the docs is type-checked against the built package,
// as a user would paste it: imports of 'jwtkit' resolve through package.json's exports map, in
// strict mode. A block may rely on names it does not define (an Express `app`, a Redis client)
// when an HTML comment right before it declares them, invisible on the rendered page:
// `<!-- declare: const redis: import('ioredis').Redis; -->`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const out = join(root, 'build', 'doc-blocks');

interface Block {
  file: string;
  line: number;
  code: string;
}

/** The ```ts blocks of a Markdown file, each with the declarations of the comment before it. */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] as string)) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i] as string)) body.push(lines[i] as string);
    const declare = /^<!-- declare: ([\s\S]*?) -->$/.exec(lines[start - 1] ?? '')?.[1];
    const code = [declare === undefined ? '' : `declare ${declare.split('; ').join('; declare ')}`, ...body].join('\n');
    blocks.push({ file: relative(root, file), line: start + 1, code });
  }
  return blocks;
}

const markdown = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name)),
];
const blocks = markdown.flatMap(blocksOf);

describe('code blocks in README.md and docs/', () => {
  it('are found in the README and every migration guide', () => {
    for (const file of [
      'README.md',
      'docs/migration/jsonwebtoken.md',
      'docs/migration/cross-jwt.md',
      'docs/migration/jose.md',
      'docs/migration/fast-jwt.md',
    ]) {
      assert.ok(
        blocks.some((block) => block.file === file),
        `${file} has TypeScript blocks`,
      );
    }
  });

  it('type-check in strict mode against the built package', () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const names = new Map<string, Block>();
    blocks.forEach((block, index) => {
      const name = `${String(index).padStart(3, '0')}-${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}.ts`;
      names.set(name, block);
      // `export {}` makes every block a module, so that top-level await and its names are its own.
      writeFileSync(join(out, name), `${block.code}\nexport {};\n`);
    });
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: '.', declaration: false, noUnusedLocals: false },
        include: ['*.ts'],
        exclude: [],
      }),
    );
    const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(out, 'tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    // Each error names the generated file; show where the block is in the docs instead.
    const report = `${tsc.stdout}${tsc.stderr}`.replace(
      /^(?:build\/doc-blocks\/)?(\d{3}-[^(]+\.ts)\((\d+),(\d+)\)/gm,
      (_, name: string, line: string) => {
        const block = names.get(name);
        return block ? `${block.file}:${block.line + Number(line) - 1}` : name;
      },
    );
    assert.equal(tsc.status, 0, report);
  });
});
