/**
 * A strict JSON parser (RFC 8259) for JOSE headers and claims. Unlike JSON.parse it refuses
 * duplicate member names (RFC 7515 §5.2, RFC 7519 §4: a duplicate `alg` or `exp` is a classic
 * smuggling vector), caps nesting depth, and builds objects with a null prototype so that no
 * member name (`__proto__`, `constructor`) can reach Object.prototype.
 */

export type JSONValue = null | boolean | number | string | JSONValue[] | JSONObject;
export interface JSONObject {
  [member: string]: JSONValue;
}

/** Why strict parsing failed; callers turn it into their own typed error. */
export class JSONSyntaxError extends Error {}

const DEFAULT_MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

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

  number(): number {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null || match[0].length === 0) this.fail('unexpected token');
    this.pos += match[0].length;
    return Number(match[0]);
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
    const raw = text.slice(start, this.pos);
    this.pos++;
    // Escapes are rare in JOSE; the grammar was checked above, so JSON.parse only unescapes.
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  object(depth: number): JSONObject {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++;
    const out = Object.create(null) as JSONObject;
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
      // JSON values are never undefined, so this is an own-property test on a null-prototype object.
      if (out[name] !== undefined) this.fail(`duplicate member "${name.slice(0, 32)}"`);
      out[name] = member;
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

/** Parses strict JSON; throws {@link JSONSyntaxError} on anything RFC 8259 or JOSE does not allow. */
export function parseJSON(text: string, maxDepth = DEFAULT_MAX_DEPTH): JSONValue {
  const parser = new Parser(text, maxDepth);
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos !== text.length) parser.fail('unexpected data after the value');
  return value;
}

/** Parses strict JSON that must be an object. */
export function parseJSONObject(text: string, maxDepth = DEFAULT_MAX_DEPTH): JSONObject {
  const value = parseJSON(text, maxDepth);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JSONSyntaxError('not a JSON object');
  }
  return value;
}

/** Whether a value is a plain JSON object (not null, not an array). */
export function isJSONObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
