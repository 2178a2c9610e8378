/** Writes a generated section into docs/benchmarks.md between `<!-- bench:NAME:start/end -->`, adding it under `heading` the first time. */
import { readFileSync, writeFileSync } from 'node:fs';

export function recordSection(name: string, heading: string, lines: readonly string[]): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = [start, ...lines, end].join('\n');
  const doc = readFileSync('docs/benchmarks.md', 'utf8');
  const next = doc.includes(start)
    ? doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), () => section)
    : `${doc.trimEnd()}\n\n## ${heading}\n\n${section}\n`;
  writeFileSync('docs/benchmarks.md', next);
}
