/**
 * Strict JSON for the web build (through `#codec`), in fewer bytes than json-strict.ts. JSON.parse
 * parses: its grammar is RFC 8259's. What it lets through, a duplicate member name (the last would
 * win) and nesting deeper than allowed, one pass over the text finds: JSON.parse has checked the
 * grammar, so the pass only follows brackets, commas and strings, and a member name is the first
 * string of an object or the first after a comma in one. Strings are skipped with indexOf, never a
 * regular expression (a string of a few million escapes overflows one engine's regex stack and
 * silently stops another's match, hostile review of issue 32). Names compare unescaped (`"a"` and
 * `"\u0061"` are one name). A refusal gives the reason and its position, never the text.
 */

import { JSONSyntaxError, type JSONValue } from './json-value.js';

/** JSON.parse of `text`, refused where RFC 8259, RFC 7515 §5.2 or the depth limit refuse it. */
export function parseJSONText(text: string, maxDepth: number): JSONValue {
  let value: JSONValue;
  try {
    value = JSON.parse(text) as JSONValue;
  } catch {
    // JSON.parse's own message quotes the text (catalogue 45).
    throw new JSONSyntaxError('not valid JSON (RFC 8259)');
  }
  if (typeof value === 'object' && value !== null) scan(text, maxDepth);
  return value;
}

function scan(text: string, maxDepth: number): void {
  // Each open object's names so far (undefined for an array), and whether a name comes next.
  const open: (Set<string> | undefined)[] = [];
  let nameNext = false;
  for (let at = 0; at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === 0x22) {
      const end = closingQuote(text, at);
      const top = open[open.length - 1];
      if (nameNext && top) {
        const raw = text.slice(at + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(at, end + 1)) as string) : raw;
        if (top.has(name)) fail(`duplicate member "${name.slice(0, 32)}"`, at);
        top.add(name);
        nameNext = false;
      }
      at = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (open.push(c === 0x7b ? new Set() : undefined) > maxDepth) fail('nesting too deep', at);
      nameNext = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      nameNext = false;
    } else if (c === 0x2c) {
      nameNext = open[open.length - 1] !== undefined;
    }
  }
}

/** The index of the quote that closes the string opened at `start`: the first one after an even run of backslashes. */
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    // JSON.parse accepted the text, so every string is closed; fail closed all the same.
    if (end < 0) fail('unterminated string', start);
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if ((backslashes & 1) === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

function fail(what: string, at: number): never {
  throw new JSONSyntaxError(`${what} at position ${at}`);
}
