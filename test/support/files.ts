// Reads a file of the test tree. The browser and workerd bundles replace this module with one that
// embeds test/vectors (test/harness/bundle.ts), since those runtimes have no file system.
import { readFileSync } from 'node:fs';

const root = new URL('../../../', import.meta.url);

/** The text of a file, by its path from the repository root. */
export function readText(path: string): string {
  return readFileSync(new URL(path, root), 'utf8');
}
