/**
 * Strict JSON for the web build (through `#codec`), in fewer bytes than json-strict.ts. JSON.parse
 * parses: its grammar is RFC 8259's. What it lets through, a duplicate member name (the last would
 * win) and nesting deeper than allowed, one pass over the text finds: JSON.parse has checked the
 * grammar, so the pass only follows brackets, commas and strings, and a member name is the first
 * string of an object or the first after a comma in one. Names compare unescaped (`"a"` and
 * `"\u0061"` are one name). A refusal gives the reason and its position, never the text.
 */

import { JSONSyntaxError, type JSONValue } from './json-value.js';

// A string (escapes and all, linear: no nested repetition), or a bracket or comma.
const TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|[[\]{},]/g;

/** JSON.parse of `text`, refused where RFC 8259, RFC 7515 §5.2 or the depth limit refuse it. */
export function parseJSONText(text: string, maxDepth: number): JSONValue {
  let value: JSONValue;
  try {
    value = JSON.parse(text) as JSONValue;
  } catch {
    // JSON.parse's own message quotes the text (catalogue 45).
    throw new JSONSyntaxError('not valid JSON (RFC 8259)');
  }
  // Each open object's names so far (undefined for an array), and whether a name comes next.
  const open: (Set<string> | undefined)[] = [];
  let nameNext = false;
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const top = open[open.length - 1];
    if (token === '{' || token === '[') {
      if (open.push(token === '{' ? new Set() : undefined) > maxDepth) fail('nesting too deep', match.index);
      nameNext = token === '{';
    } else if (token === '}' || token === ']') {
      open.pop();
      nameNext = false;
    } else if (token === ',') {
      nameNext = top !== undefined;
    } else if (nameNext && top) {
      const name = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
      if (top.has(name)) fail(`duplicate member "${name.slice(0, 32)}"`, match.index);
      top.add(name);
      nameNext = false;
    }
  }
  return value;
}

function fail(what: string, at: number): never {
  throw new JSONSyntaxError(`${what} at position ${at}`);
}
