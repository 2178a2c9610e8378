/**
 * JSON parsing for the node-capable build (through `#codec`): JSON.parse, a quick check of its result
 * that settles a compact payload in one walk, and the strict parser, which reports the reason and the
 * position of whatever JSON.parse let through or refused. The web build's counterpart is json-scan.ts.
 */

import { type JSONObject, JSONSyntaxError, type JSONValue, setMember } from './json-value.js';

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

class Parser {
  pos = 0;
  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw new JSONSyntaxError(`${what} at position ${this.pos}`);
  }

  skipSpace(): void {
    const text = this.text;
    let c = text.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.pos);
  }

  value(depth: number): JSONValue {
    this.skipSpace();
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.number();
  }

  literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected token');
    this.pos += word.length;
    return value;
  }

  /** RFC 8259 §6: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  number(): number {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    if (text.charCodeAt(pos) === 0x30) pos++;
    else if (isDigit(text.charCodeAt(pos))) while (isDigit(text.charCodeAt(++pos)));
    else this.fail('unexpected token');
    if (text.charCodeAt(pos) === 0x2e) {
      if (!isDigit(text.charCodeAt(++pos))) this.fail('digits expected after the decimal point');
      while (isDigit(text.charCodeAt(++pos)));
    }
    let c = text.charCodeAt(pos);
    if (c === 0x65 || c === 0x45) {
      c = text.charCodeAt(++pos);
      if (c === 0x2b || c === 0x2d) pos++;
      if (!isDigit(text.charCodeAt(pos))) this.fail('digits expected in the exponent');
      while (isDigit(text.charCodeAt(++pos)));
    }
    this.pos = pos;
    return Number(text.slice(start, pos));
  }

  string(): string {
    const text = this.text;
    const start = ++this.pos;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        const next = text.charCodeAt(this.pos + 1);
        if (next === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.pos + 2, this.pos + 6))) this.fail('bad unicode escape');
          this.pos += 6;
          continue;
        }
        // " \ / b f n r t
        if (
          next !== 0x22 &&
          next !== 0x5c &&
          next !== 0x2f &&
          next !== 0x62 &&
          next !== 0x66 &&
          next !== 0x6e &&
          next !== 0x72 &&
          next !== 0x74
        ) {
          this.fail('bad escape');
        }
        this.pos += 2;
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      this.pos++;
    }
    const end = this.pos++;
    if (escaped) {
      // Escapes are rare in JOSE; the grammar was checked above, so JSON.parse only unescapes.
      return JSON.parse(`"${text.slice(start, end)}"`) as string;
    }
    return text.slice(start, end);
  }

  /**
   * Members go into a plain object, as JSON.parse would make it. `__proto__` is defined, never
   * assigned, so that it stays a data member and the object's prototype stays Object.prototype.
   */
  object(depth: number): JSONObject {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++;
    const out: JSONObject = {};
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected member name');
      const name = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      const member = this.value(depth);
      if (Object.hasOwn(out, name)) this.fail(`duplicate member "${name.slice(0, 32)}"`);
      setMember(out, name, member);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail("expected ',' or '}'");
    }
  }

  array(depth: number): JSONValue[] {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++;
    const out: JSONValue[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail("expected ',' or ']'");
    }
  }
}

/** @internal The strict parser itself: the reference, and what reports the position of an error. */
export function parseStrict(text: string, maxDepth: number): JSONValue {
  const parser = new Parser(text, maxDepth);
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos !== text.length) parser.fail('unexpected data after the value');
  return value;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * How many members the objects of valid JSON text have, duplicates included: the strings that a
 * ':' follows. Only quotes are visited (indexOf is native), so long strings cost next to nothing.
 */
function countMembers(text: string): number {
  let count = 0;
  let open = text.indexOf('"');
  while (open >= 0) {
    let close = text.indexOf('"', open + 1);
    for (;;) {
      if (close < 0) return -1;
      let backslashes = 0;
      while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
      if ((backslashes & 1) === 0) break;
      close = text.indexOf('"', close + 1);
    }
    let next = close + 1;
    while (isSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a) count++;
    open = text.indexOf('"', next);
  }
  return count;
}

/**
 * An upper bound on the members of valid JSON text, at a third of the cost of {@link countMembers}:
 * the colons with a quote before them, spaces aside. Every member's colon is one of them. A colon
 * inside a string is one only right after the string's opening quote or an escaped quote, so the
 * bound is exact unless a string starts with a colon or holds `\":`. Only colons are visited, and
 * a token payload has few.
 */
function countQuotedColons(text: string): number {
  let count = 0;
  for (let at = text.indexOf(':'); at >= 0; at = text.indexOf(':', at + 1)) {
    let before = at - 1;
    while (isSpace(text.charCodeAt(before))) before--;
    if (text.charCodeAt(before) === 0x22) count++;
  }
  return count;
}

/**
 * The fewest characters that can write the number as JSON, or fewer. Digits are the shortest way to
 * write an integer unless it ends in three zeros or more (`17e8` for 1700000000; `123e2` is no
 * shorter than 12300); those, fractions and integers of 16 digits or more count as 1. Comparisons
 * and arithmetic only: a remainder or Number.isSafeInteger costs JavaScriptCore a call.
 */
function shortestNumber(value: number): number {
  const magnitude = value < 0 ? -value : value;
  if (!(magnitude < 1e15) || Math.floor(magnitude) !== magnitude || Math.floor(magnitude / 1000) * 1000 === magnitude) {
    return 1;
  }
  const sign = value < 0 ? 1 : 0;
  if (magnitude < 1e4) return sign + (magnitude < 10 ? 1 : magnitude < 100 ? 2 : magnitude < 1000 ? 3 : 4);
  if (magnitude < 1e8) return sign + (magnitude < 1e5 ? 5 : magnitude < 1e6 ? 6 : magnitude < 1e7 ? 7 : 8);
  if (magnitude < 1e12) return sign + (magnitude < 1e9 ? 9 : magnitude < 1e10 ? 10 : magnitude < 1e11 ? 11 : 12);
  return sign + (magnitude < 1e13 ? 13 : magnitude < 1e14 ? 14 : 15);
}

/** {@link shortestText} of one value of a JSON.parse result. */
function shortestOf(item: unknown, depth: number, maxDepth: number): number {
  if (typeof item === 'string') return item.length + 2;
  if (typeof item === 'number') return shortestNumber(item);
  if (typeof item === 'boolean') return item ? 4 : 5;
  if (item === null) return 4;
  return shortestText(item as object, depth + 1, maxDepth);
}

/**
 * Returns, for a JSON.parse result, the length of the shortest
 * JSON text that could give it (or less): names and strings unescaped (an escape is never shorter
 * than the character it stands for), no white space, each number at its shortest. -1 when the
 * nesting is deeper than allowed.
 */
function shortestText(value: object, depth: number, maxDepth: number): number {
  if (depth > maxDepth) return -1;
  let entries = 0;
  let length = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = shortestOf(value[i], depth, maxDepth);
      if (item < 0) return -1;
      length += item;
    }
    entries = value.length;
  } else {
    // Own names only: an enumerable member someone added to Object.prototype must not count.
    const record = value as Record<string, unknown>;
    for (const name in record) {
      if (!Object.hasOwn(record, name)) continue;
      const item = shortestOf(record[name], depth, maxDepth);
      if (item < 0) return -1;
      // The name in quotes, and a colon.
      length += name.length + 3 + item;
      entries++;
    }
  }
  // Brackets, and a comma between entries.
  return length + (entries === 0 ? 2 : entries + 1);
}

/** How many members the objects of a JSON.parse result have. */
function membersOf(value: object): number {
  let count = Array.isArray(value) ? 0 : Object.keys(value).length;
  for (const item of Object.values(value)) if (typeof item === 'object' && item !== null) count += membersOf(item);
  return count;
}

/**
 * Parses strict JSON; throws {@link JSONSyntaxError} on anything RFC 8259 or JOSE does not allow.
 *
 * JSON.parse does the parsing (it is native, and scales with the text as no JavaScript loop can).
 * What it lets through is then checked. A duplicate member is in the text but not in the result
 * (the last one wins), so each makes the text longer than the shortest text of the result by a whole
 * member and its comma: 5 characters at least (`"":0,`). A compact payload is exactly as long as its
 * shortest text, and that check costs one walk of the result. A longer
 * text (white space, escapes, numbers such as 1e3) has its members counted instead: cheaply first,
 * exactly if that does not settle it. The nesting is measured on the result. Anything odd goes to
 * the strict parser, which refuses it with the reason and its position.
 */
export function parseJSONText(text: string, maxDepth: number): JSONValue {
  let value: JSONValue;
  try {
    value = JSON.parse(text) as JSONValue;
  } catch {
    return parseStrict(text, maxDepth);
  }
  if (typeof value !== 'object' || value === null) return value;
  const shortest = shortestText(value, 1, maxDepth);
  if (shortest < 0) return parseStrict(text, maxDepth);
  if (text.length - shortest < 5) return value;
  // The result has at most the members the text has, and countQuotedColons at least as many: equal
  // counts leave no room for a duplicate. Otherwise the exact count decides.
  const members = membersOf(value);
  if (members === countQuotedColons(text) || members === countMembers(text)) return value;
  return parseStrict(text, maxDepth);
}
